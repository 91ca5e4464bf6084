"""The MNIST-scale / MNIST-rot-scale makers on a tiny MNIST in torchvision's raw idx format,
read back through the real ImageFolder loaders."""

import struct

import numpy as np
import pytest
import torch

from datasets import ImplementedDatasets as D
from datasets import get_dataset


def write_idx_mnist(root, n_train=20, n_test=10):
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        images = np.zeros((n, 28, 28), dtype=np.uint8)
        images[:, 8:20, 12:16] = rng.integers(100, 255, size=(n, 12, 4), dtype=np.uint8)
        labels = (np.arange(n) % 5).astype(np.uint8)
        (raw / f"{prefix}-images-idx3-ubyte").write_bytes(
            struct.pack(">IIII", 2051, n, 28, 28) + images.tobytes()
        )
        (raw / f"{prefix}-labels-idx1-ubyte").write_bytes(
            struct.pack(">II", 2049, n) + labels.tobytes()
        )


def count_pngs(folder):
    return len(list(folder.rglob("*.png")))


def test_make_mnist_scale_writes_the_loader_layout(tmp_path, capsys):
    pytest.importorskip("sklearn")
    from datasets.make_mnist_scale import get_md5_from_source_path, main, make_mnist_scale_50k

    write_idx_mnist(tmp_path / "src")
    path = make_mnist_scale_50k(
        str(tmp_path / "src"), str(tmp_path / "out"), 0.3, 1.0, sizes=(10, 5, 10)
    )
    out = tmp_path / "out" / "MNIST_scale" / "seed_0" / "scale_0.3_1.0"
    assert path == str(out)
    assert [count_pngs(out / s) for s in ("train", "val", "test")] == [10, 5, 10]
    train = get_dataset(D.MNIST_scale, train=True, root=tmp_path / "out")
    image, label = train[0]
    assert len(train) == 10 and image.shape == (1, 28, 28) and 0 <= label < 5
    capsys.readouterr()
    main(["--source", "x", "--dest", str(tmp_path / "out"), "--min_scale", "0.3", "--validate"])
    assert capsys.readouterr().out.strip() == get_md5_from_source_path(str(out))


def test_make_mnist_rot_scale_writes_the_loader_layout(tmp_path):
    from datasets.make_mnist_rot_scale import make_mnist_rot_scale

    write_idx_mnist(tmp_path / "src")
    dest = tmp_path / "data" / "MNIST_rot_scale"
    make_mnist_rot_scale(str(tmp_path / "src"), str(dest), sizes=(12, 8, 10))
    assert [count_pngs(dest / s) for s in ("train", "valid", "test")] == [12, 8, 10]
    test = get_dataset(D.MNIST_rot_scale, train=False, root=tmp_path / "data")
    image, _ = test[0]
    assert len(test) == 10 and image.shape == (1, 28, 28)
    assert torch.isfinite(image).all()
