"""Shared fixtures for the complexnn tests."""

from __future__ import annotations

import pytest
import torch


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)
    yield


@pytest.fixture
def crandn():
    """``crandn(*shape, dtype=torch.complex128)``: a seeded standard complex normal tensor."""

    def make(*shape, dtype=torch.complex128, generator_seed=None):
        return torch.randn(*shape, dtype=dtype)

    return make


@pytest.fixture
def randomize_bias():
    """Fill a layer's complex bias with random values (biases start at zero)."""

    def fill(layer):
        with torch.no_grad():
            if getattr(layer, "bias_real", None) is not None:
                layer.bias_real.normal_()
                layer.bias_imag.normal_()
        return layer

    return fill
