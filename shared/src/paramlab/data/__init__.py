"""Data root, dataset errors and the embedded digits.

``resolve_data_root`` (``--data_root`` > ``$PARAMLAB_DATA`` > the repository's ``datasets/``),
``DatasetNotFoundError`` / ``DatasetCorruptError``, ``sha256_file`` / ``verify_file``, and
``load_digits`` / ``load_embedded`` for the embedded UCI digits (``digits``, ``digits_rot``).
"""

from paramlab.data.checksum import sha256_file, verify_file
from paramlab.data.digits import (
    EMBEDDED_DATASETS,
    DigitsDataset,
    digits_path,
    load_digits,
    load_digits_arrays,
    load_embedded,
    rotate_images,
)
from paramlab.data.errors import DatasetCorruptError, DatasetError, DatasetNotFoundError
from paramlab.data.root import DATA_ROOT_ENV, default_data_root, resolve_data_root

__all__ = [
    "DATA_ROOT_ENV",
    "EMBEDDED_DATASETS",
    "DatasetCorruptError",
    "DatasetError",
    "DatasetNotFoundError",
    "DigitsDataset",
    "default_data_root",
    "digits_path",
    "load_digits",
    "load_digits_arrays",
    "load_embedded",
    "resolve_data_root",
    "rotate_images",
    "sha256_file",
    "verify_file",
]
