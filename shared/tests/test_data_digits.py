"""The embedded UCI digits: split, shapes, normalisation, resizing, rotation."""

import math
from pathlib import Path

import numpy as np
import pytest
import torch

from paramlab.data import (
    DigitsDataset,
    load_digits,
    load_digits_arrays,
    load_embedded,
    rotate_images,
)
from paramlab.data.digits import DIGITS_MEAN, DIGITS_STD

ROOT = Path(__file__).resolve().parents[2] / "datasets"


def test_raw_arrays_and_fixed_split():
    arrays = load_digits_arrays(ROOT)
    assert arrays["images"].shape == (1797, 8, 8) and arrays["images"].dtype == np.uint8
    assert arrays["images"].max() == 16 and arrays["images"].min() == 0
    assert np.bincount(arrays["labels"]).tolist() == [
        178,
        182,
        177,
        183,
        181,
        182,
        181,
        179,
        174,
        180,
    ]
    assert int((arrays["split"] == 0).sum()) == 1437 and int(arrays["split"].sum()) == 360
    test_counts = np.bincount(arrays["labels"][arrays["split"] == 1], minlength=10)
    assert test_counts.min() >= 35 and test_counts.max() <= 37


def test_train_test_shapes_and_disjoint():
    train, test = load_digits("train", ROOT), load_digits("test", ROOT)
    assert (len(train), len(test)) == (1437, 360)
    image, label = train[0]
    assert image.shape == (1, 8, 8) and image.dtype == torch.float32
    assert label.dtype == torch.int64 and 0 <= int(label) < 10
    train_rows = {tuple(row.tolist()) for row in train.data.flatten(1)}
    overlap = sum(tuple(row.tolist()) in train_rows for row in test.data.flatten(1))
    assert overlap < 5  # a handful of digits are pixel-identical duplicates in the source
    assert train.classes == [str(d) for d in range(10)]


def test_normalisation_constants_are_train_statistics():
    raw = load_digits("train", ROOT, normalize=False).data.double()
    assert raw.min() == 0 and raw.max() == 1
    assert raw.mean().item() == pytest.approx(DIGITS_MEAN, abs=1e-6)
    assert raw.std(unbiased=False).item() == pytest.approx(DIGITS_STD, abs=1e-6)
    normalized = load_digits("train", ROOT).data.double()
    assert normalized.mean().item() == pytest.approx(0.0, abs=1e-5)
    assert normalized.std(unbiased=False).item() == pytest.approx(1.0, abs=1e-5)


def test_resize_and_channel_replication():
    data = load_digits("test", ROOT, size=28, channels=3)
    image, _ = data[5]
    assert image.shape == (3, 28, 28)
    assert torch.equal(image[0], image[1]) and torch.equal(image[0], image[2])
    small = load_digits("test", ROOT, normalize=False)
    big = load_digits("test", ROOT, size=32, normalize=False)
    pooled = torch.nn.functional.avg_pool2d(big.data, 4)
    assert torch.corrcoef(torch.stack([pooled.flatten(), small.data.flatten()]))[0, 1] > 0.95


def test_deterministic():
    first = load_digits("train", ROOT, size=16, rotated=True, seed=3)
    second = load_digits("train", ROOT, size=16, rotated=True, seed=3)
    assert torch.equal(first.data, second.data) and torch.equal(first.targets, second.targets)


def test_rotated_variant():
    plain = load_digits("test", ROOT, size=28, normalize=False)
    rotated = load_digits("test", ROOT, size=28, rotated=True, seed=0, normalize=False)
    other_seed = load_digits("test", ROOT, size=28, rotated=True, seed=1, normalize=False)
    assert torch.equal(plain.targets, rotated.targets)
    assert not torch.allclose(plain.data, rotated.data, atol=0.1)
    assert not torch.allclose(rotated.data, other_seed.data, atol=0.1)
    assert rotated.angles.min() >= 0 and rotated.angles.max() < 2 * math.pi
    assert rotated.angles.max() - rotated.angles.min() > math.pi  # spread over the circle
    back = rotate_images(rotated.data, -rotated.angles)
    inside = torch.zeros(28, 28, dtype=torch.bool)
    ys, xs = torch.meshgrid(torch.arange(28), torch.arange(28), indexing="ij")
    inside[(ys - 13.5) ** 2 + (xs - 13.5) ** 2 < 12**2] = True
    error = (back - plain.data)[..., inside].abs().mean()
    assert error < 0.05 < (rotated.data - plain.data)[..., inside].abs().mean()


def test_rotate_images_quarter_turn_is_rot90():
    x = torch.randn(2, 3, 6, 6)
    y = rotate_images(x, torch.full((2,), math.pi / 2))
    torch.testing.assert_close(y, torch.rot90(x, 1, dims=(-2, -1)), atol=1e-5, rtol=0)


def test_embedded_names_and_transforms():
    rot = load_embedded("digits_rot", "test", root=ROOT, size=16)
    plain = load_embedded("digits", "test", root=ROOT, size=16)
    assert rot.angles is not None and plain.angles is None
    with pytest.raises(ValueError, match="must be one of"):
        load_embedded("mnist")
    flipped = DigitsDataset("test", ROOT, transform=lambda x: x.flip(-1), target_transform=int)
    image, label = flipped[0]
    assert torch.equal(image, load_digits("test", ROOT)[0][0].flip(-1))
    assert isinstance(label, int)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"split": "val"}, "split='val'"), ({"channels": 2}, "channels=2"), ({"size": 0}, "size=0")],
)
def test_invalid_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        load_digits(root=ROOT, **kwargs)


def test_dataloader_batches():
    loader = torch.utils.data.DataLoader(load_digits("train", ROOT, size=16), batch_size=32)
    images, labels = next(iter(loader))
    assert images.shape == (32, 1, 16, 16) and labels.shape == (32,)
