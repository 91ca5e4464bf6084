"""Regenerated sections of markdown files (the README's tables are written by commands)."""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["update_marked_section"]


def update_marked_section(path: Path, marker: str, body: str) -> None:
    """Replace what stands between ``<!-- {marker}:start -->`` and ``<!-- {marker}:end -->``."""
    start, end = f"<!-- {marker}:start -->", f"<!-- {marker}:end -->"
    text = Path(path).read_text()
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.DOTALL)
    if not pattern.search(text):
        raise ValueError(f"{path} has no '{start}' ... '{end}' section to update")
    Path(path).write_text(pattern.sub(lambda _: f"{start}\n{body}\n{end}", text, count=1))
