"""The README's models table is generated, current, and agrees with the spec's counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from phc.model_table import END, START, model_rows, render_table, write_between_markers

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_table_is_current():
    text = README.read_text()
    table = text.split(START, 1)[1].split(END, 1)[0].strip()
    assert table == render_table(), "run: python -m phc.model_table --write README.md"


def test_rows_cover_every_setting_with_spec_counts():
    rows = {(name, n): count for name, _, n, _, count in model_rows()}
    assert rows[("phcresnet152large", "3")] == 17_847_235
    assert rows[("qvgg16", "—")] == 3_827_658
    assert ("phcresnet18", "3") not in rows  # 64 channels are not divisible by 3
    assert len({name for name, _ in rows}) == 33


def test_write_between_markers(tmp_path):
    path = tmp_path / "doc.md"
    path.write_text(f"intro\n{START}\nold\n{END}\noutro\n")
    write_between_markers(path, "| new |")
    assert path.read_text() == f"intro\n{START}\n| new |\n{END}\noutro\n"
    path.write_text("no markers")
    with pytest.raises(ValueError, match="markers"):
        write_between_markers(path, "x")
