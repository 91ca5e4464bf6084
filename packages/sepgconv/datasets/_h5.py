"""Lazy h5py import with an actionable error (h5py is the optional extra ``h5``)."""

__all__ = ["open_h5"]


def open_h5(path: str):
    try:
        import h5py
    except ImportError as error:
        raise ImportError(
            "reading Galaxy10 / PCam needs h5py: pip install 'paramlab-sepgconv[h5]'"
        ) from error
    return h5py.File(path, "r")
