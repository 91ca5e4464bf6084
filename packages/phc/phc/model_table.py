"""The models table of the README: every GetModel name at each valid setting, with its
trainable parameters counted on the meta device (no memory, no forward pass).

``python -m phc.model_table`` prints the Markdown table; ``python -m phc.model_table --write
README.md`` replaces the text between the ``<!-- model-table:start -->`` and
``<!-- model-table:end -->`` markers of that file.
"""

from __future__ import annotations

import argparse
import contextlib
import io
from pathlib import Path

import torch

from phc.get_model import LEGACY_MODEL_NAMES, MODEL_NAMES, GetModel, model_flavour

__all__ = ["SETTINGS", "main", "model_rows", "render_table", "write_between_markers"]

START, END = "<!-- model-table:start -->", "<!-- model-table:end -->"
# (quat_data, n) per flavour: the paper's settings (spec §5.1); n=3 only where widths allow it.
SETTINGS = {
    "real": [(False, None)],
    "quaternion": [(True, None)],
    "phc": [(True, 2), (False, 3), (True, 4)],
}


def _count(name: str, quat_data: bool, n: int | None, num_classes: int) -> int | None:
    try:
        with torch.device("meta"), contextlib.redirect_stdout(io.StringIO()):
            model = GetModel(name, quat_data, n if n is not None else 4, num_classes)
    except ValueError:  # n does not divide the standard widths (64, 128, ...)
        return None
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def model_rows(num_classes: int = 10) -> list[tuple[str, str, str, str, int]]:
    """(name, flavour, n, input channels, parameters) for every valid setting."""
    rows = []
    for name in (*MODEL_NAMES, *LEGACY_MODEL_NAMES):
        flavour = model_flavour(name)
        for quat_data, n in SETTINGS[flavour]:
            count = _count(name, quat_data, n, num_classes)
            if count is None:
                continue
            channels = "4" if (flavour == "quaternion" or quat_data) else "3"
            rows.append((name, flavour, "—" if n is None else str(n), channels, count))
    return rows


def render_table(num_classes: int = 10) -> str:
    """The Markdown table (10 classes unless told otherwise)."""
    lines = [
        f"| GetModel name | flavour | n | input channels | parameters ({num_classes} classes) |",
        "|---|---|---|---|---:|",
    ]
    for name, flavour, n, channels, count in model_rows(num_classes):
        lines.append(f"| `{name}` | {flavour} | {n} | {channels} | {count:,} |")
    return "\n".join(lines)


def write_between_markers(path: str | Path, table: str) -> None:
    """Replace the text between the table markers of ``path`` with ``table``."""
    path = Path(path)
    text = path.read_text()
    if START not in text or END not in text:
        raise ValueError(f"{path} must contain the markers {START} and {END}")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    path.write_text(f"{head}{START}\n{table}\n{END}{tail}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", metavar="README", help="file whose marked table to replace")
    parser.add_argument("--num_classes", type=int, default=10)
    args = parser.parse_args(argv)
    table = render_table(args.num_classes)
    if args.write:
        write_between_markers(args.write, table)
    else:
        print(table)


if __name__ == "__main__":
    main()
