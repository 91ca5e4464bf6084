"""MusicNet models: parameter counts from the layer arithmetic of spec §10.3, shapes, output bias
and the Adam schedule."""

from __future__ import annotations

import math

import pytest
import torch
from complexnn import count_real_parameters
from complexnn.models.musicnet import SamePad1d, build_musicnet_model, lr_schedule


def conv(c_in, c_out, k, complex_=False):
    return (2 if complex_ else 1) * (c_in * c_out * k + c_out)


def expected(name: str) -> int:
    head = 2048 * 84 + 84
    if name == "shallow_convnet":
        length = ((4096 - 512) // 16 + 1 - 4) // 2 + 1
        return conv(1, 64, 512) + 64 * length * 2048 + 2048 + head
    if name == "complex_shallow_convnet":
        length = ((4096 - 512) // 16 + 1 - 4) // 2 + 1
        return conv(1, 32, 512, True) + 2 * (32 * length * 2048 + 2048) + 2 * head
    if name == "deep_convnet":
        total, c_in, length = 0, 1, 4096
        for i, (c, k, s) in enumerate(
            [(64, 7, 3), (64, 3, 2), (128, 3, 1), (128, 3, 1), (256, 3, 1), (256, 3, 1)]
        ):
            total += conv(c_in, c, k) + (0 if i == 4 else 2 * c)
            length = (length - k) // s + 1
            length = length if i == 4 else length // 2
            c_in = c
        assert c_in * length == 4608
        return total + 4608 * 2048 + 2048 + head
    if name == "complex_deep_convnet":
        total, c_in, length = 0, 1, 4096
        for i, (c, k, s) in enumerate(
            [(16, 6, 2), (32, 3, 2), (64, 3, 1), (64, 3, 1), (128, 3, 1), (128, 3, 1)]
        ):
            total += conv(c_in, c, k, True) + (0 if i == 4 else 5 * c)
            length = math.ceil(length / s)
            length = length if i == 4 else length // 2
            c_in = c
        assert 2 * c_in * length == 8192
        return total + 8192 * 2048 + 2048 + head
    return 4096 * 2048 + 2048 + head


@pytest.mark.parametrize(
    "name,approx",
    [
        ("shallow_convnet", 14.8e6),
        ("complex_shallow_convnet", 14.9e6),
        ("deep_convnet", 10.0e6),
        ("complex_deep_convnet", 17.1e6),
        ("mlp", None),
    ],
)
def test_parameter_counts_and_forward(name, approx):
    model = build_musicnet_model(name)
    count = count_real_parameters(model)
    assert count == expected(name)
    if approx:
        assert abs(count - approx) < 0.05e6
    dtype = torch.complex64 if name.startswith("complex") else torch.float32
    out = model.eval()(torch.randn(2, 1, 4096, dtype=dtype))
    assert out.shape == (2, 84) and out.dtype == torch.float32
    assert torch.equal(
        model[-1].bias if name != "complex_shallow_convnet" else model[-2].bias_real,
        torch.full((84,), -5.0),
    )


def test_same_padding_and_schedule():
    for length, k, s in [(4096, 6, 2), (13, 3, 2), (10, 3, 1)]:
        x = torch.randn(1, 1, length, dtype=torch.complex64)
        conv = torch.nn.Conv1d(1, 1, k, stride=s)
        assert conv(SamePad1d(k, s)(x).real).shape[-1] == math.ceil(length / s)
    values = [lr_schedule(e) for e in (0, 9, 10, 99, 100, 119, 120, 149, 150)]
    assert values == [1e-3, 1e-3, 1e-4, 1e-4, 5e-5, 5e-5, 1e-5, 1e-5, 1e-6]
    with pytest.raises(ValueError, match="model="):
        build_musicnet_model("complex_mlp")
