"""Where dentsec keeps its runtime state: ``DENTSEC_HOME`` or the user's config folder."""

from __future__ import annotations

import os
from pathlib import Path


def dentsec_home(create: bool = False) -> Path:
    env = os.environ.get("DENTSEC_HOME")
    if env:
        home = Path(env).expanduser()
    else:
        # imported here: the scheduled jobs always set DENTSEC_HOME, and platformdirs is a
        # noticeable share of a daily run's start-up
        from platformdirs import user_config_dir

        home = Path(user_config_dir("dentsec", appauthor=False))
    if create:
        home.mkdir(parents=True, exist_ok=True)
    return home


def data_path(name: str) -> Path:
    """A data file shipped inside the package (see src/dentsec/data/ATTRIBUTION.md)."""
    return Path(__file__).parent / "data" / name
