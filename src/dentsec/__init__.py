"""dentsec: security hygiene for small dental practices."""

__version__ = "0.1.0"
