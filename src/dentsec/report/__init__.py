"""Report renderers: terminal, JSON, HTML."""
