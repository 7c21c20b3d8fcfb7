"""Read PowerShell's text views (Format-List, Format-Table) into property mappings.

The collector never parses these views (it asks for ConvertTo-Json), but several real
outputs in ../shared/data/real-outputs are published in them. Turning them into the
same mappings lets the tests feed those real values to the parsers. Test helper only.
"""

from __future__ import annotations

import re


def format_list(text: str) -> list[dict[str, str]]:
    """Blocks of "Name : value" lines separated by blank lines -> one dict per block."""
    blocks: list[dict[str, str]] = []
    current: dict[str, str] = {}
    for line in text.splitlines():
        match = re.match(r"^\s*([A-Za-z][\w.]*)\s*:\s?(.*)$", line)
        if match:
            current[match.group(1)] = match.group(2).rstrip()
        elif not line.strip() and current:
            blocks.append(current)
            current = {}
    if current:
        blocks.append(current)
    return blocks


def format_table(text: str) -> list[dict[str, str]]:
    """A table whose columns are given by the dashes line; headers may wrap over 2 lines."""
    lines = [line.rstrip("\n") for line in text.splitlines()]
    dash_at = next(i for i, line in enumerate(lines) if re.fullmatch(r"[\s-]+", line) and "-" in line)
    spans = [(m.start(), m.end()) for m in re.finditer(r"-+", lines[dash_at])]
    header_lines = [line for line in lines[:dash_at] if line.strip()]
    # A cell runs from its column's start to the next column's start.
    bounds = [(start, spans[i + 1][0] if i + 1 < len(spans) else None) for i, (start, _) in enumerate(spans)]

    def cells(line: str) -> list[str]:
        return [line[a:b].strip() if b is not None else line[a:].strip() for a, b in bounds]

    headers = [""] * len(spans)
    for line in header_lines:
        for i, cell in enumerate(cells(line)):
            headers[i] = (headers[i] + " " + cell).strip() if cell else headers[i]
    headers = [h.replace(" ", "") for h in headers]
    return [dict(zip(headers, cells(line), strict=True)) for line in lines[dash_at + 1:] if line.strip()]
