"""Data root, dataset errors and the embedded digits.

``resolve_data_root`` (``--data_root`` > ``$PARAMLAB_DATA`` > the repository's ``datasets/``),
``DatasetNotFoundError`` / ``DatasetCorruptError``, ``sha256_file`` / ``verify_file``, and
``load_digits`` / ``load_embedded`` for the embedded UCI digits (``digits``, ``digits_rot``),
``CATALOG`` / ``require_files`` for every paper dataset's expected files, and
``load_torchvision`` for CIFAR-10/100, SVHN, STL-10 and MNIST without downloading;
``load_data_pickle`` (refusing any pickle that is not plain data, ``UnsafePickleError``) and the
CIFAR python-batch reader: ``read_cifar_batch``, ``load_cifar_arrays``, ``load_cifar`` /
``CifarDataset``.
"""

from paramlab.data.catalog import CATALOG, DatasetEntry, require_files
from paramlab.data.checksum import sha256_file, verify_file
from paramlab.data.cifar import CifarDataset, load_cifar, load_cifar_arrays, read_cifar_batch
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
from paramlab.data.safe_pickle import UnsafePickleError, load_data_pickle
from paramlab.data.vision import TORCHVISION_DATASETS, load_torchvision

__all__ = [
    "CATALOG",
    "DATA_ROOT_ENV",
    "EMBEDDED_DATASETS",
    "TORCHVISION_DATASETS",
    "CifarDataset",
    "DatasetCorruptError",
    "DatasetEntry",
    "DatasetError",
    "DatasetNotFoundError",
    "DigitsDataset",
    "UnsafePickleError",
    "default_data_root",
    "digits_path",
    "load_cifar",
    "load_cifar_arrays",
    "load_data_pickle",
    "load_digits",
    "load_digits_arrays",
    "load_embedded",
    "load_torchvision",
    "read_cifar_batch",
    "require_files",
    "resolve_data_root",
    "rotate_images",
    "sha256_file",
    "verify_file",
]
