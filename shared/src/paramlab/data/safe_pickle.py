"""Reading pickled data files without executing them.

Some real data formats are pickles (the CIFAR python batches, the L3DAS21 feature files). A
plain ``pickle.load`` can run arbitrary code; ``load_data_pickle`` only rebuilds builtins and
numpy arrays, and refuses anything else with an error naming the file and the object.
"""

from __future__ import annotations

import io
import pickle
from pathlib import Path

__all__ = ["UnsafePickleError", "load_data_pickle"]

_ALLOWED = {
    ("builtins", "dict"),
    ("builtins", "list"),
    ("builtins", "tuple"),
    ("builtins", "set"),
    ("builtins", "frozenset"),
    ("builtins", "bytearray"),
    ("collections", "OrderedDict"),
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "scalar"),
    ("_codecs", "encode"),
}


class UnsafePickleError(pickle.UnpicklingError):
    """The pickle asks for an object outside the data-only allow list."""


class _DataUnpickler(pickle.Unpickler):
    def __init__(self, file, source: str, encoding: str):
        super().__init__(file, encoding=encoding)
        self.source = source

    def find_class(self, module: str, name: str):
        if (module, name) not in _ALLOWED:
            raise UnsafePickleError(
                f"{self.source}: refusing to load {module}.{name}; only builtins and numpy "
                "arrays are allowed in a data file (it may not be the file you expect)"
            )
        return super().find_class(module, name)


def load_data_pickle(path: str | Path, encoding: str = "latin1"):
    """Unpickle a data file allowing only builtins and numpy arrays.

    ``encoding='latin1'`` reads Python 2 pickles such as the CIFAR batches.
    """
    path = Path(path)
    return _DataUnpickler(io.BytesIO(path.read_bytes()), str(path), encoding).load()
