"""Progress bars (tqdm) that switch themselves off when nobody is watching."""

import sys
from collections.abc import Iterable
from typing import IO, TypeVar

from tqdm.auto import tqdm

__all__ = ["progress", "progress_enabled"]

T = TypeVar("T")


def progress_enabled(enabled: bool | None = None, stream: IO | None = None) -> bool:
    """``enabled`` if given, else whether ``stream`` (default ``sys.stderr``) is a terminal."""
    if enabled is not None:
        return bool(enabled)
    stream = sys.stderr if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def progress(
    iterable: Iterable[T],
    desc: str | None = None,
    enabled: bool | None = None,
    total: int | None = None,
    leave: bool = False,
    file: IO | None = None,
    **kwargs,
) -> tqdm:
    """``tqdm(iterable)``, disabled unless ``enabled`` or (when None) ``file`` is a TTY.

    A disabled bar still iterates and accepts ``set_postfix`` but prints nothing. Pass
    ``enabled=False`` for ``--no_progress`` flags and on non-zero ranks.
    """
    return tqdm(
        iterable,
        desc=desc,
        total=total,
        leave=leave,
        file=file,
        disable=not progress_enabled(enabled, file),
        dynamic_ncols=True,
        **kwargs,
    )
