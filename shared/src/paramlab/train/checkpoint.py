"""Checkpoint files: atomic writes, and loads that never unpickle arbitrary objects.

``save_checkpoint`` writes to a temporary file in the destination folder, flushes and fsyncs
it, then ``os.replace``s it over the destination: a crash mid-write leaves the previous
checkpoint untouched and no partial file behind. ``load_checkpoint`` uses
``torch.load(weights_only=True)`` and turns every failure into a ``CheckpointError`` that names
the file.
"""

import collections
import contextlib
import os
import pickle
import re
import tempfile
from pathlib import Path
from typing import Any

import torch

__all__ = ["CheckpointError", "load_checkpoint", "save_checkpoint"]

_EXACT_LEAF_TYPES = (
    str,
    bytes,
    int,
    float,
    bool,
    complex,
    type(None),
    torch.dtype,
    torch.device,
    torch.Size,
)


class CheckpointError(RuntimeError):
    """A checkpoint that cannot be written or read safely."""


def _check_loadable(value: Any, where: str) -> None:
    """Raise ``TypeError`` naming the entry a ``weights_only`` load would refuse."""
    if type(value) in _EXACT_LEAF_TYPES or isinstance(value, torch.Tensor):
        return
    if type(value) in (dict, collections.OrderedDict, collections.Counter):
        for key, item in value.items():
            if not isinstance(key, str | int | float | bool | type(None)):
                raise TypeError(f"{where} has a key of type {type(key).__name__}")
            _check_loadable(item, f"{where}[{key!r}]")
        return
    if type(value) in (list, tuple, set):
        for position, item in enumerate(value):
            _check_loadable(item, f"{where}[{position}]")
        return
    raise TypeError(
        f"{where} is a {type(value).__module__}.{type(value).__qualname__}; checkpoints hold only "
        "tensors, numbers, strings, None and dicts/lists/tuples of them (convert NumPy values "
        "with torch.as_tensor or float(), argparse namespaces with vars())"
    )


def _fsync_directory(folder: Path) -> None:
    """Make the rename durable (POSIX); a no-op where directories cannot be opened."""
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def save_checkpoint(path: str | os.PathLike, state: dict) -> Path:
    """Atomically write ``state`` (a dict of tensors, numbers, strings, containers) to ``path``.

    Raises ``TypeError`` before writing anything if ``state`` holds an object that
    ``load_checkpoint`` would refuse. Returns the path.
    """
    path = Path(path)
    if not isinstance(state, dict):
        raise TypeError(f"state must be a dict, got {type(state).__name__}")
    _check_loadable(state, "state")
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            torch.save(state, handle)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _fsync_directory(path.parent)
    return path


def load_checkpoint(path: str | os.PathLike, map_location: Any = "cpu") -> dict:
    """Read a checkpoint written by ``save_checkpoint`` (or any tensors-only ``torch.save``).

    Never executes pickled code: a file carrying pickled Python objects is refused with a
    ``CheckpointError``; so are truncated or foreign files. A missing file raises
    ``FileNotFoundError``.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"checkpoint not found: {path}")
    try:
        state = torch.load(path, map_location=map_location, weights_only=True)
    except Exception as error:
        text = str(error)
        if isinstance(error, pickle.UnpicklingError) and "Weights only load failed" in text:
            found = re.search(r"GLOBAL\s+([\w.]+)", text)
            detail = f"First refused object: {found.group(1)}. " if found else ""
            raise CheckpointError(
                f"refusing to load checkpoint {path}: it contains non-tensor Python objects "
                f"(pickled classes or functions) that would be executed to read it. {detail}"
                "Only checkpoints of tensors, numbers, strings and containers are loaded; if you "
                "trust the file, re-save its state_dict() from code you trust."
            ) from None
        first_line = text.splitlines()[0] if text else ""
        raise CheckpointError(
            f"cannot read checkpoint {path}: truncated, damaged or not a torch checkpoint "
            f"({type(error).__name__}: {first_line})"
        ) from error
    if not isinstance(state, dict):
        raise CheckpointError(f"checkpoint {path} holds a {type(state).__name__}, expected a dict")
    return state
