"""The only code that touches the machine: live hosts, offline trees and recorded bundles."""

from dentsec.host.base import CommandResult, DirResult, FileResult, Host, ProbeResult

__all__ = ["CommandResult", "DirResult", "FileResult", "Host", "ProbeResult"]
