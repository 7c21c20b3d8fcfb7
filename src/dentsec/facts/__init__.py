"""Typed, versioned, OS-neutral facts about one workstation."""

from dentsec.facts.model import *  # noqa: F403
from dentsec.facts.model import __all__  # noqa: F401
