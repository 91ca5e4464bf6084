"""Make MNIST-scale (Sosnovik et al., SESN protocol; Ghosh & Gupta, 2019).

MNIST train and test are pooled (70,000 images), split stratified by class into 10,000 train,
2,000 validation and 50,000 test images, and every image is rescaled by a random factor in
[min_scale, max_scale] (RandomAffine, bicubic) with numpy/python seeded by ``--seed``. PNGs are
written to ``<dest>/MNIST_scale/seed_<seed>/scale_<min>_<max>/{train,val,test}/<class>/<idx>.png``
(the layout the loader reads). ``--validate`` prints an md5 over all PNGs instead.

The stratified split uses scikit-learn's ``train_test_split`` (as the SESN code does) so that the
split is the published one: install the ``makers`` extra.

    python datasets/make_mnist_scale.py --source <MNIST root> --dest <data root> --min_scale 0.3
"""

import hashlib
import os
import random
import sys
from argparse import ArgumentParser
from glob import glob

import numpy as np
from torch.utils.data import ConcatDataset
from torchvision import datasets, transforms

BUF_SIZE = 65536


def get_md5_from_source_path(source_path: str) -> str:
    """md5 over the bytes of every PNG under ``source_path`` (sorted paths)."""
    files = sorted(glob(os.path.join(source_path, "**", "**", "*.png")))
    if not files:
        raise FileNotFoundError(f"no PNG files under {source_path}")
    md5 = hashlib.md5()
    for file_path in files:
        with open(file_path, "rb") as handle:
            while data := handle.read(BUF_SIZE):
                md5.update(data)
    return md5.hexdigest()


def _save_images_to_folder(dataset, transform, path, split_name, idx, format_=".png") -> int:
    for image, label in dataset:
        out = os.path.join(path, split_name, str(label))
        os.makedirs(out, exist_ok=True)
        transform(image).save(os.path.join(out, f"{idx}{format_}"))
        idx += 1
    return idx


def scale_dataset_path(dest: str, seed: int, min_scale: float, max_scale: float) -> str:
    return os.path.join(
        os.path.expanduser(dest), "MNIST_scale", f"seed_{seed}", f"scale_{min_scale}_{max_scale}"
    )


def make_mnist_scale_50k(source, dest, min_scale, max_scale=1.0, download=False, seed=0,
                         sizes=(10000, 2000, 50000), **kwargs) -> str:  # fmt: skip
    """Write the dataset; ``sizes`` = (train, val, test). Returns the output folder."""
    from sklearn.model_selection import train_test_split

    train_size, val_size, test_size = sizes
    np.random.seed(seed)
    random.seed(seed)
    transform = transforms.RandomAffine(
        0, scale=(min_scale, max_scale), interpolation=transforms.InterpolationMode.BICUBIC
    )
    pooled = ConcatDataset([
        datasets.MNIST(root=source, train=True, download=download),
        datasets.MNIST(root=source, train=False, download=download),
    ])  # fmt: skip
    labels = [label for _, label in pooled]
    train_val, test = train_test_split(
        pooled, train_size=train_size + val_size, test_size=test_size, stratify=labels
    )
    labels = [label for _, label in train_val]
    train, val = train_test_split(
        train_val, train_size=train_size, test_size=val_size, stratify=labels
    )
    path = scale_dataset_path(dest, seed, min_scale, max_scale)
    print(f"OUTPUT: {path}")
    idx = _save_images_to_folder(train, transform, path, "train", 0)
    idx = _save_images_to_folder(test, transform, path, "test", idx)
    _save_images_to_folder(val, transform, path, "val", idx)
    return path


def main(argv=None) -> None:
    parser = ArgumentParser()
    parser.add_argument("--source", type=str, required=True, help="source folder of the dataset")
    parser.add_argument("--dest", type=str, required=True, help="destination folder")
    parser.add_argument("--min_scale", type=float, required=True)
    parser.add_argument("--max_scale", type=float, default=1.0)
    parser.add_argument("--download", action="store_true", help="download the source if needed")
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument("--validate", action="store_true", default=False)
    args = parser.parse_args(argv)
    if args.validate:
        path = scale_dataset_path(args.dest, args.seed, args.min_scale, args.max_scale)
        print(get_md5_from_source_path(path))
        return
    for key, value in vars(args).items():
        print(f"{key}={value}")
    make_mnist_scale_50k(**vars(args))


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    main()
