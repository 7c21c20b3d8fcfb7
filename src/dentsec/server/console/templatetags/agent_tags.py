"""The Windows and macOS enrollment lines of the enrollment page (dentsec.agent.enroll_line)."""

from __future__ import annotations

from django import template

from dentsec.agent import enroll_line

register = template.Library()


@register.simple_tag
def windows_line(server_url: str, token: str) -> str:
    return enroll_line.line(server_url, token)


@register.simple_tag
def windows_script(server_url: str, token: str) -> str:
    return enroll_line.script(server_url, token)


@register.simple_tag
def mac_line(server_url: str, token: str) -> str:
    return enroll_line.mac_line(server_url, token)
