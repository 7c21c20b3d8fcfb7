"""``dentsec fix``: guided, confirmed, reversible fixes (see docs/ARCHITECTURE.md)."""
