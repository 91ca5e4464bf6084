"""sha256 of files and the integrity check the embedded-data loaders run before reading."""

import hashlib
from pathlib import Path

from paramlab.data.errors import DatasetCorruptError, DatasetNotFoundError

__all__ = ["sha256_file", "verify_file"]


def sha256_file(path: str | Path, chunk_size: int = 1 << 20) -> str:
    """Hex sha256 digest of the file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def verify_file(
    path: str | Path,
    *,
    dataset: str,
    sha256: str,
    size: int | None = None,
    how_to_obtain: str,
) -> Path:
    """Return ``path`` if it exists, has ``size`` bytes (when given) and the expected sha256.

    Raises ``DatasetNotFoundError`` when it is missing and ``DatasetCorruptError`` when it is
    truncated (shorter than ``size``), has another size, or its sha256 differs.
    """
    path = Path(path)
    if not path.is_file():
        raise DatasetNotFoundError(dataset, path, how_to_obtain)
    actual_size = path.stat().st_size
    if size is not None and actual_size != size:
        kind = "truncated" if actual_size < size else "wrong size"
        raise DatasetCorruptError(
            dataset,
            path,
            f"{kind}: {actual_size} bytes, expected {size}",
            f"Restore it: {how_to_obtain}",
        )
    actual = sha256_file(path)
    if actual != sha256:
        raise DatasetCorruptError(
            dataset,
            path,
            f"sha256 mismatch: got {actual}, expected {sha256}",
            f"Restore it: {how_to_obtain}",
        )
    return path
