"""MNIST-rot (Larochelle et al., 2007): 12,000 train+valid and 50,000 test rotated digits.

On disk, under the data root: ``RotatedMNIST/processed/{training,test}.pt`` (torch-saved tuples
of uint8 images [N, 28, 28] and uint8 labels [N]), made from
``RotatedMNIST/raw/mnist_all_rotation_normalized_float_{train_valid,test}.amat`` (one row per
image: 784 floats in [0, 1], row-major 28×28, then the label). Nothing is downloaded: missing
processed files are built from the raw .amat files or the original zip when present.

Kept from the original (bug B5): pixels are scaled by 256 before the uint8 conversion, so
full-intensity pixels (≥ 255.5/256) wrap to 0. ``fix_scaling=True`` scales by 255 instead.
"""

import hashlib
import os
import zipfile

import numpy as np
import torch
import torchvision
from PIL import Image
from torchvision.datasets import VisionDataset

from paramlab.data import DatasetCorruptError, DatasetNotFoundError

__all__ = ["RotatedMNIST", "RotatedMNISTBase", "amat_to_tensors", "process_raw_files"]

URL = "http://www.iro.umontreal.ca/~lisa/icml2007data/mnist_rotation_new.zip"
ZIP_NAME = "mnist_rotation_new.zip"
ZIP_MD5 = "0f9a947ff3d30e95cd685462cbf3b847"
RAW_TRAIN = "mnist_all_rotation_normalized_float_train_valid.amat"
RAW_TEST = "mnist_all_rotation_normalized_float_test.amat"


def amat_to_tensors(path: str, fix_scaling: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    """Read one .amat file -> (uint8 images [N, 28, 28], uint8 labels [N])."""
    table = torch.from_numpy(np.loadtxt(path, dtype=np.float64, ndmin=2))
    if table.shape[1] != 785:
        raise DatasetCorruptError(
            "MNIST_rot", path, f"rows have {table.shape[1]} values, expected 784 pixels + label"
        )
    pixels = table[:, :-1].reshape(-1, 28, 28)
    if fix_scaling:
        images = (pixels * 255).round().clamp(0, 255).to(torch.uint8)
    else:
        # ×256 then uint8: 256 wraps to 0, as the original's conversion does on x86.
        images = torch.remainder((pixels * 256).round(), 256).to(torch.uint8)
    return images, table[:, -1].to(torch.uint8)


def process_raw_files(raw_folder: str, processed_folder: str, fix_scaling: bool = False) -> None:
    """raw/*.amat -> processed/{training,test}.pt (the original's processed format)."""
    os.makedirs(processed_folder, exist_ok=True)
    for raw_name, out_name in ((RAW_TRAIN, "training.pt"), (RAW_TEST, "test.pt")):
        data = amat_to_tensors(os.path.join(raw_folder, raw_name), fix_scaling)
        with open(os.path.join(processed_folder, out_name), "wb") as handle:
            torch.save(data, handle)


class RotatedMNISTBase(VisionDataset):
    """Items (PIL "L" image -> ``transform``, int label) from the processed files."""

    training_file = "training.pt"
    test_file = "test.pt"
    classes = [
        f"{digit} - {name}"
        for digit, name in enumerate(
            ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
        )
    ]

    def __init__(
        self, root, train=True, transform=None, target_transform=None, fix_scaling=False
    ) -> None:
        super().__init__(str(root), transform=transform, target_transform=target_transform)
        self.train = train
        self.prepare(fix_scaling)
        path = os.path.join(self.processed_folder, self.training_file if train else self.test_file)
        self.data, self.targets = torch.load(path, weights_only=True)

    @property
    def raw_folder(self) -> str:
        return os.path.join(self.root, "RotatedMNIST", "raw")

    @property
    def processed_folder(self) -> str:
        return os.path.join(self.root, "RotatedMNIST", "processed")

    def _check_exists(self) -> bool:
        return all(
            os.path.exists(os.path.join(self.processed_folder, name))
            for name in (self.training_file, self.test_file)
        )

    def prepare(self, fix_scaling: bool = False) -> None:
        """Build the processed files from raw .amat files or the zip; never downloads."""
        if self._check_exists():
            return
        archive = os.path.join(self.raw_folder, ZIP_NAME)
        raw_present = all(
            os.path.exists(os.path.join(self.raw_folder, n)) for n in (RAW_TRAIN, RAW_TEST)
        )
        if not raw_present and os.path.exists(archive):
            with open(archive, "rb") as handle:
                digest = hashlib.md5(handle.read()).hexdigest()
            if digest != ZIP_MD5:
                raise DatasetCorruptError("MNIST_rot", archive, f"md5 {digest} != {ZIP_MD5}")
            with zipfile.ZipFile(archive) as handle:
                handle.extractall(self.raw_folder)
            raw_present = True
        if not raw_present:
            raise DatasetNotFoundError(
                "MNIST_rot",
                self.processed_folder,
                f"download {URL} (md5 {ZIP_MD5}) and put it, or the two .amat files it "
                f"contains, in {self.raw_folder}; the processed files are built on first use",
            )
        process_raw_files(self.raw_folder, self.processed_folder, fix_scaling)

    def __getitem__(self, index):
        img = Image.fromarray(self.data[index].numpy(), mode="L")
        target = int(self.targets[index])
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self) -> int:
        return len(self.data)

    def extra_repr(self) -> str:
        return f"Split: {'Train' if self.train else 'Test'}"


class RotatedMNIST(RotatedMNISTBase):
    """``partition`` "train" (12,000) or anything else (the 50,000 test images);
    ToTensor + Normalize(0.13, 0.297); ``augment`` other than "None" is not implemented."""

    def __init__(self, partition, augment, root, fix_scaling=False, **kwargs) -> None:
        if augment != "None":
            raise NotImplementedError("augmentation is not implemented for MNIST_rot")
        transform = torchvision.transforms.Compose(
            [torchvision.transforms.ToTensor(), torchvision.transforms.Normalize((0.13,), (0.297,))]
        )
        super().__init__(
            root=root, train=partition == "train", transform=transform, fix_scaling=fix_scaling
        )
