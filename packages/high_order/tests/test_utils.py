"""positions_from_mesh (spec §8)."""

from __future__ import annotations

import torch
from high_order_layers_torch.utils import positions_from_mesh


def test_positions_from_mesh():
    positions = positions_from_mesh(width=10, height=10, rotations=2, normalize=True, device="cpu")
    assert len(positions) == 4
    for p in positions:
        assert p.shape == (10, 10)
        assert p.min() >= -1.0 and p.max() <= 1.0
        assert torch.isclose(p.min(), torch.tensor(-1.0)) and torch.isclose(
            p.max(), torch.tensor(1.0)
        )
    positions = positions_from_mesh(width=10, height=10, rotations=2, device="cpu")
    for p in positions:
        assert p.min() >= -5.0 and p.max() <= 5.0
    x, y = positions[0], positions[1]
    assert torch.allclose(x[:, 0], torch.linspace(-5, 5, 10)) and torch.allclose(x[0], x[0, :1])
    assert torch.allclose(y, x)


def test_positions_from_mesh_default_device_is_cuda_when_present_else_cpu():
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert all(p.device.type == expected for p in positions_from_mesh(4, 6))
