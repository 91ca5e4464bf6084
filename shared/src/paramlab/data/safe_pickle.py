"""Reading pickled data files without executing them.

Some real data formats are pickles (the CIFAR python batches, the L3DAS21 feature files). A
plain ``pickle.load`` can run arbitrary code; ``load_data_pickle`` only rebuilds builtins and
numpy arrays/scalars, and refuses anything else with an error naming the file and the object,
which is never imported nor called.
"""

from __future__ import annotations

import _codecs
import collections
import os
import pickle
from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO

import numpy as np

__all__ = ["UnsafePickleError", "load_data_pickle"]

# numpy pickles name these by their module path (numpy.core before 2.0, numpy._core since);
# both spellings resolve to the live objects so the deprecated path is never imported.
_RECONSTRUCT = np.ndarray(0).__reduce__()[0]
_SCALAR = np.float64(0).__reduce__()[0]
_ALLOWED = {
    ("builtins", "dict"): dict,
    ("builtins", "list"): list,
    ("builtins", "tuple"): tuple,
    ("builtins", "set"): set,
    ("builtins", "frozenset"): frozenset,
    ("builtins", "bytearray"): bytearray,
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    ("numpy.core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("numpy._core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("numpy.core.multiarray", "scalar"): _SCALAR,
    ("numpy._core.multiarray", "scalar"): _SCALAR,
    ("_codecs", "encode"): _codecs.encode,
}


class UnsafePickleError(pickle.UnpicklingError):
    """The pickle asks for an object outside the data-only allow list."""


class _DataUnpickler(pickle.Unpickler):
    def __init__(
        self,
        file: BinaryIO,
        source: str,
        encoding: str,
        allow: Mapping[tuple[str, str], object] | None = None,
    ):
        super().__init__(file, encoding=encoding)
        self.source = source
        self.allowed = {**_ALLOWED, **(allow or {})}

    def find_class(self, module: str, name: str):
        try:
            return self.allowed[(module, name)]
        except KeyError:
            raise UnsafePickleError(
                f"{self.source}: refusing to unpickle {module}.{name}: not allowed in a data "
                "file, which may only hold builtins and numpy arrays (it may not be the file "
                "you expect)"
            ) from None


def load_data_pickle(
    source: str | os.PathLike | BinaryIO,
    encoding: str = "latin1",
    allow: Mapping[tuple[str, str], object] | None = None,
):
    """Unpickle a data file, a path or an open binary file, allowing only builtins and numpy
    arrays/scalars; raises :class:`UnsafePickleError` naming the file for anything else.

    ``allow`` adds entries ``(module, name) -> object`` for a format that pickles a few classes of
    its own (e.g. MusicNet's interval trees): a global the pickle names is resolved to exactly the
    object given (the pickle's module is never imported), and is then called by the pickle with
    data arguments, so list only classes whose construction runs no code of the file's choosing.

    The file is streamed (a multi-gigabyte feature pickle is not held twice in memory).
    ``encoding='latin1'`` reads Python 2 pickles such as the CIFAR batches; it does not affect
    Python 3 pickles.
    """
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        with open(path, "rb") as handle:
            return _DataUnpickler(handle, str(path), encoding, allow).load()
    return _DataUnpickler(source, str(getattr(source, "name", "<file>")), encoding, allow).load()
