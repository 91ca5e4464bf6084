"""Errors raised when a dataset is missing or damaged: messages say what, where and what to do."""

from pathlib import Path

__all__ = ["DatasetCorruptError", "DatasetError", "DatasetNotFoundError"]


class DatasetError(Exception):
    """Base class of the dataset errors; ``dataset`` and ``path`` are kept as attributes."""

    def __init__(self, message: str, dataset: str, path: str | Path) -> None:
        super().__init__(message)
        self.dataset = dataset
        self.path = Path(path)


class DatasetNotFoundError(DatasetError, FileNotFoundError):
    """A dataset is not on disk where it was looked for; nothing is downloaded."""

    def __init__(self, dataset: str, path: str | Path, how_to_obtain: str) -> None:
        message = (
            f"dataset {dataset!r} not found: looked for {path}. "
            f"How to obtain it: {how_to_obtain} "
            "(the data root is --data_root, else $PARAMLAB_DATA, else the repository's "
            "datasets/ folder, or ./datasets when paramlab is installed from a wheel; see "
            "datasets/README.md)"
        )
        super().__init__(message, dataset, path)
        self.how_to_obtain = how_to_obtain


class DatasetCorruptError(DatasetError):
    """A dataset file exists but is damaged: truncated, wrong checksum, unreadable format."""

    def __init__(self, dataset: str, path: str | Path, problem: str, fix: str = "") -> None:
        message = f"dataset {dataset!r} is corrupt: {path}: {problem}."
        if fix:
            message += f" {fix}"
        super().__init__(message, dataset, path)
        self.problem = problem
