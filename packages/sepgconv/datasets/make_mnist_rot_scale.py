"""Make MNIST-rot-scale: MNIST digits randomly rotated and zoomed out.

MNIST train and test (70,000) are pooled; each image is converted to grayscale, rotated by a
random angle in [0°, 360°) (bicubic) and zoomed out by a random factor f ∈ [0.3, 1] (a centre
crop of side 28/f, zero-filled, resized back to 28, bicubic), with ``torch.manual_seed(seed)``.
``random_split`` (generator seeded with ``seed``) gives 12,000 train and 58,000 others, split
again into 8,000 valid and 50,000 test. PNGs go to ``<dest>/{train,valid,test}/<class>/<idx>.png``.

    python datasets/make_mnist_rot_scale.py --source <MNIST root> --dest <data root>/MNIST_rot_scale
"""

import os
import sys
from argparse import ArgumentParser

import torch
from torch.utils.data import ConcatDataset
from torchvision import datasets, transforms


def make_mnist_rot_scale(source, dest, download=False, seed=0, sizes=(12000, 8000, 50000)):
    """Write the dataset; ``sizes`` = (train, valid, test)."""
    from datasets.utils import RandomScaling

    torch.manual_seed(seed)
    bicubic = transforms.InterpolationMode.BICUBIC
    tf = transforms.Compose([
        transforms.Grayscale(),
        transforms.RandomRotation(degrees=(0, 360), interpolation=bicubic),
        RandomScaling(min_factor=0.3, max_factor=1.0),
    ])  # fmt: skip
    pooled = ConcatDataset([
        datasets.MNIST(root=source, train=True, download=download, transform=tf),
        datasets.MNIST(root=source, train=False, download=download, transform=tf),
    ])  # fmt: skip
    train_size, valid_size, test_size = sizes
    train, rest = torch.utils.data.random_split(
        pooled, [train_size, valid_size + test_size], torch.Generator().manual_seed(seed)
    )
    valid, test = torch.utils.data.random_split(
        rest, [valid_size, test_size], torch.Generator().manual_seed(seed)
    )
    for split, subset in (("train", train), ("test", test), ("valid", valid)):
        for idx, (image, target) in enumerate(subset):
            folder = os.path.join(dest, split, str(target))
            os.makedirs(folder, exist_ok=True)
            image.convert("L").save(os.path.join(folder, f"{idx}.png"))


def main(argv=None) -> None:
    parser = ArgumentParser()
    parser.add_argument("--source", type=str, required=True, help="source folder of the dataset")
    parser.add_argument("--dest", type=str, required=True, help="destination folder")
    parser.add_argument("--download", action="store_true", help="download the source if needed")
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    args = parser.parse_args(argv)
    make_mnist_rot_scale(args.source, args.dest, args.download, args.seed)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    main()
