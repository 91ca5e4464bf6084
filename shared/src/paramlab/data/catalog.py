"""The datasets the five papers use: where each lives under the data root, how to obtain it.

Mirrors ``datasets/README.md``. ``require_files`` is the one check every reader runs before
touching a dataset: it raises ``DatasetNotFoundError`` (dataset, first missing path, how to obtain
it) instead of letting a reader fail deep inside, or download.
"""

from dataclasses import dataclass
from pathlib import Path

from paramlab.data.errors import DatasetNotFoundError
from paramlab.data.root import resolve_data_root

__all__ = ["CATALOG", "DatasetEntry", "require_files"]


@dataclass(frozen=True)
class DatasetEntry:
    """``folder`` and ``files`` are relative to the data root; ``files`` is what readers need."""

    name: str
    folder: str
    files: tuple[str, ...]
    how_to_obtain: str


def _entry(name: str, folder: str, files: tuple[str, ...], how: str) -> DatasetEntry:
    return DatasetEntry(name, folder, files, f"{how} (see datasets/README.md, section {name})")


_CIFAR10_FILES = tuple(f"cifar-10-batches-py/data_batch_{i}" for i in range(1, 6)) + (
    "cifar-10-batches-py/test_batch",
    "cifar-10-batches-py/batches.meta",
)
_MNIST_FILES = tuple(
    f"MNIST/raw/{name}"
    for name in (
        "train-images-idx3-ubyte",
        "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte",
    )
)
_STL10_FILES = tuple(
    f"stl10_binary/{name}" for name in ("train_X.bin", "train_y.bin", "test_X.bin", "test_y.bin")
)
_PCAM_FILES = tuple(
    f"pcam/camelyonpatch_level_2_split_{split}_{part}.h5"
    for split in ("train", "valid", "test")
    for part in ("x", "y")
)

CATALOG: dict[str, DatasetEntry] = {
    entry.name: entry
    for entry in (
        _entry(
            "digits",
            "digits",
            ("digits/digits.npz",),
            "it is tracked in git at datasets/digits/digits.npz (git checkout it), or rebuild it "
            "with 'python datasets/digits/make_digits.py' in an environment with scikit-learn",
        ),
        _entry(
            "CIFAR-10",
            "cifar-10-batches-py",
            _CIFAR10_FILES,
            "download cifar-10-python.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html "
            "and extract it into the data root",
        ),
        _entry(
            "CIFAR-100",
            "cifar-100-python",
            ("cifar-100-python/train", "cifar-100-python/test", "cifar-100-python/meta"),
            "download cifar-100-python.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html "
            "and extract it into the data root",
        ),
        _entry(
            "SVHN",
            ".",
            ("train_32x32.mat", "test_32x32.mat"),
            "download train_32x32.mat and test_32x32.mat from "
            "http://ufldl.stanford.edu/housenumbers/ into the data root",
        ),
        _entry(
            "STL-10",
            "stl10_binary",
            _STL10_FILES,
            "download stl10_binary.tar.gz from https://cs.stanford.edu/~acoates/stl10/ and "
            "extract it into the data root",
        ),
        _entry(
            "MNIST",
            "MNIST/raw",
            _MNIST_FILES,
            "download the four IDX .gz files from http://yann.lecun.com/exdb/mnist/ (or "
            "https://ossci-datasets.s3.amazonaws.com/mnist/) and gunzip them into MNIST/raw/",
        ),
        _entry(
            "MNIST-rot",
            "RotatedMNIST",
            (
                "RotatedMNIST/raw/mnist_all_rotation_normalized_float_train_valid.amat",
                "RotatedMNIST/raw/mnist_all_rotation_normalized_float_test.amat",
            ),
            "extract the two .amat files of mnist_rotation_new.zip (md5 "
            "0f9a947ff3d30e95cd685462cbf3b847, Larochelle et al. 2007) into RotatedMNIST/raw/; "
            "offline stand-in: --dataset digits_rot",
        ),
        _entry(
            "MNIST-scale",
            "MNIST_scale/seed_0/scale_0.3_1.0",
            ("MNIST_scale/seed_0/scale_0.3_1.0/train", "MNIST_scale/seed_0/scale_0.3_1.0/test"),
            "make it from MNIST with the sepgconv package's make_mnist_scale.py",
        ),
        _entry(
            "MNIST-rot-scale",
            "MNIST_rot_scale",
            ("MNIST_rot_scale/train", "MNIST_rot_scale/test"),
            "make it from MNIST with the sepgconv package's make_mnist_rot_scale.py",
        ),
        _entry(
            "Galaxy10",
            "Galaxy10",
            ("Galaxy10/Galaxy10.h5",),
            "download Galaxy10.h5 (the 69x69 SDSS version) as described at "
            "https://astronn.readthedocs.io/en/latest/galaxy10sdss.html into Galaxy10/",
        ),
        _entry(
            "PCam",
            "pcam",
            _PCAM_FILES,
            "download the .h5.gz files from https://github.com/basveeling/pcam and gunzip "
            "them into pcam/",
        ),
        _entry(
            "ImageNet",
            "imagenet",
            ("imagenet/train", "imagenet/val"),
            "register at https://image-net.org/, download ILSVRC2012 train and val, and "
            "extract them as class-folder trees imagenet/train/<wnid>/ and imagenet/val/<wnid>/",
        ),
        _entry(
            "L3DAS21-Task2",
            "L3DAS21/Task2",
            (
                "L3DAS21/Task2/L3DAS_Task2_train/data",
                "L3DAS21/Task2/L3DAS_Task2_train/labels",
                "L3DAS21/Task2/L3DAS_Task2_dev/data",
                "L3DAS21/Task2/L3DAS_Task2_dev/labels",
            ),
            "download L3DAS_Task2_train.zip and L3DAS_Task2_dev.zip from "
            "https://zenodo.org/record/4642005 and extract them into L3DAS21/Task2/",
        ),
        _entry(
            "MusicNet",
            "musicnet",
            ("musicnet/musicnet.npz",),
            "download the 2017 musicnet.npz from "
            "https://homes.cs.washington.edu/~thickstn/musicnet.html into musicnet/",
        ),
    )
}


def require_files(
    name: str, root: str | Path | None = None, files: tuple[str, ...] | None = None
) -> Path:
    """Return the resolved data root if every file of ``CATALOG[name]`` (or ``files``) exists.

    ``files`` (relative to the root) narrows the check, e.g. one split. Raises
    ``DatasetNotFoundError`` naming the first missing path, and ``KeyError`` for an unknown name.
    """
    if name not in CATALOG:
        raise KeyError(f"unknown dataset {name!r}; known: {', '.join(sorted(CATALOG))}")
    entry = CATALOG[name]
    data_root = resolve_data_root(root)
    for relative in files if files is not None else entry.files:
        if not (data_root / relative).exists():
            raise DatasetNotFoundError(name, data_root / relative, entry.how_to_obtain)
    return data_root
