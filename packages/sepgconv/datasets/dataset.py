"""The datasets of the experiments: sizes, channels, classes and data loaders.

Everything is read from the data root (``--data_root``, else ``$PARAMLAB_DATA``, else the
repository's ``datasets/`` folder); nothing is downloaded. A missing dataset raises
``paramlab.data.DatasetNotFoundError`` naming it, the path and how to obtain it.
``digits_rot`` is the embedded stand-in: the UCI digits resized to 28×28 and rotated by a random
angle each (``paramlab.data.load_digits(rotated=True)``).
"""

import os
from enum import Enum

import torchvision
from torch.utils.data import DataLoader, Subset
from torchvision import transforms

from datasets.galaxy10 import Galaxy10Dataset
from datasets.mnist_rot import RotatedMNIST
from datasets.pcam import PCamDataset
from datasets.utils import Cutout, pil_loader
from paramlab.data import DatasetNotFoundError, load_digits, resolve_data_root

__all__ = [
    "ImplementedDatasets",
    "get_dataloader",
    "get_dataset",
    "get_imsize",
    "get_num_in_channels",
    "get_num_out_channels",
]


class ImplementedDatasets(Enum):
    MNIST = "MNIST"
    MNIST_rot = "MNIST_rot"
    MNIST_scale = "MNIST_scale"
    MNIST_rot_scale = "MNIST_rot_scale"
    CIFAR10 = "CIFAR10"
    CIFAR10_rot = "CIFAR10_rot"
    CIFAR100 = "CIFAR100"
    STL10 = "STL10"
    Galaxy10 = "Galaxy10"
    PCam = "PCam"
    digits_rot = "digits_rot"

    @classmethod
    def is_implemented(cls, value) -> bool:
        return value in cls._value2member_map_


D = ImplementedDatasets
_MNISTS = (D.MNIST, D.MNIST_rot, D.MNIST_scale, D.MNIST_rot_scale, D.digits_rot)
_COLOUR = (D.CIFAR10, D.CIFAR10_rot, D.CIFAR100, D.STL10, D.Galaxy10, D.PCam)
_IMSIZE = {
    D.CIFAR10: 32,
    D.CIFAR10_rot: 32,
    D.CIFAR100: 32,
    D.Galaxy10: 69,
    D.STL10: 96,
    D.PCam: 96,
}
_CLASSES = {D.PCam: 2, D.CIFAR100: 100}


def get_num_in_channels(dataset: ImplementedDatasets) -> int:
    if dataset in _MNISTS:
        return 1
    if dataset in _COLOUR:
        return 3
    raise ValueError(f"Dataset {dataset} not supported.")


def get_num_out_channels(dataset: ImplementedDatasets) -> int:
    return _CLASSES.get(dataset, 10)


def get_imsize(dataset: ImplementedDatasets) -> int:
    return 28 if dataset in _MNISTS else _IMSIZE[dataset]


def _torchvision(name, cls, root, **kwargs):
    """A torchvision dataset read from ``root`` without downloading."""
    try:
        return cls(root=str(root), download=False, **kwargs)
    except RuntimeError as error:
        raise DatasetNotFoundError(
            name,
            root,
            f"download it with torchvision.datasets.{cls.__name__}(root, download=True) on a "
            "machine with network access and copy the folder here",
        ) from error


def _image_folder(name, path, transform, loader=None, how=""):
    if not os.path.isdir(path):
        raise DatasetNotFoundError(name, path, how)
    kwargs = {"loader": loader} if loader is not None else {}
    return torchvision.datasets.ImageFolder(path, transform=transform, **kwargs)


def get_dataset(dataset, train=True, root=None, augment=False, fix_mnist_rot_scaling=False):
    """The dataset object for ``dataset`` (an ``ImplementedDatasets`` member)."""
    root = resolve_data_root(root)
    split = "train" if train else "test"
    if dataset == D.digits_rot:
        return load_digits(split=split, root=root, size=28, rotated=True)
    if dataset == D.MNIST:
        tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
        return _torchvision("MNIST", torchvision.datasets.MNIST, root, train=train, transform=tf)
    if dataset == D.MNIST_rot:
        return RotatedMNIST(
            partition="train" if train else "validation",
            augment="randomrot" if augment and train else "None",
            root=root,
            fix_scaling=fix_mnist_rot_scaling,
        )
    if dataset in (D.CIFAR10, D.CIFAR10_rot):
        tf = [transforms.ToTensor(), transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))]
        if dataset == D.CIFAR10_rot:
            tf.append(transforms.RandomRotation((0, 360)))
        elif augment and train:
            tf = [transforms.RandomCrop(32, padding=6), transforms.RandomHorizontalFlip(), *tf]
        cls = torchvision.datasets.CIFAR10
        return _torchvision(dataset.value, cls, root, train=train, transform=transforms.Compose(tf))
    if dataset == D.CIFAR100:
        tf = transforms.Compose(
            [
                transforms.ToTensor(),
                transforms.Normalize((0.5071, 0.4865, 0.4409), (0.2673, 0.2564, 0.2762)),
            ]
        )
        cls = torchvision.datasets.CIFAR100
        return _torchvision("CIFAR100", cls, root, train=train, transform=tf)
    if dataset == D.STL10:
        norm = transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])
        if train:
            tf = [
                transforms.RandomCrop(96, padding=12),
                transforms.RandomHorizontalFlip(),
                transforms.ToTensor(),
                norm,
                Cutout(1, 32),
            ]
        else:
            tf = [transforms.ToTensor(), norm]
        cls = torchvision.datasets.STL10
        return _torchvision("STL10", cls, root, split=split, transform=transforms.Compose(tf))
    if dataset == D.Galaxy10:
        tf = transforms.Compose(
            [
                transforms.ToTensor(),
                transforms.Normalize((0.1086, 0.0934, 0.0711), (0.1471, 0.1229, 0.103)),
            ]
        )
        return Galaxy10Dataset(root=root, train=train, transform=tf)
    if dataset == D.PCam:
        tf = transforms.Compose(
            [
                transforms.ToTensor(),
                transforms.Normalize((0.7008, 0.5384, 0.6916), (0.235, 0.2774, 0.2129)),
            ]
        )
        return PCamDataset(root=root, train=train, transform=tf)
    if dataset == D.MNIST_scale:
        tf = transforms.Compose(
            [
                transforms.Grayscale(),
                transforms.ToTensor(),
                transforms.Normalize((0.0607,), (0.2161,)),
            ]
        )
        path = os.path.join(root, "MNIST_scale", "seed_0", "scale_0.3_1.0", split)
        how = (
            "run 'python datasets/make_mnist_scale.py --source <MNIST root> --dest <data root> "
            "--min_scale 0.3'"
        )
        return _image_folder("MNIST_scale", path, tf, how=how)
    if dataset == D.MNIST_rot_scale:
        tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.0634,), (0.2102,))])
        path = os.path.join(root, "MNIST_rot_scale", split)
        how = (
            "run 'python datasets/make_mnist_rot_scale.py --source <MNIST root> "
            "--dest <data root>/MNIST_rot_scale'"
        )
        return _image_folder("MNIST_rot_scale", path, tf, loader=pil_loader, how=how)
    raise ValueError(f"Dataset {dataset} not supported.")


def get_dataloader(
    dataset,
    batch_size,
    train=True,
    root=None,
    augment=False,
    num_workers=4,
    max_samples=None,
    fix_mnist_rot_scaling=False,
    generator=None,
) -> DataLoader:
    """Shuffled loader (train and test, as the original; PCam with 0 workers).
    ``max_samples`` keeps the first N items (short runs on the embedded data)."""
    data = get_dataset(dataset, train, root, augment, fix_mnist_rot_scaling)
    if max_samples is not None and max_samples < len(data):
        data = Subset(data, range(max_samples))
    workers = 0 if dataset == D.PCam else num_workers
    return DataLoader(
        data, batch_size=batch_size, shuffle=True, num_workers=workers, generator=generator
    )
