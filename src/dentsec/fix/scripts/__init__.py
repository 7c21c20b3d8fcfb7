"""Windows and macOS fixes as generated scripts (see model.py)."""
