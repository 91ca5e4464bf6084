"""Names and options of the original's example scripts kept for code that imports them."""

from __future__ import annotations

import pytest
import torch
from lightning.pytorch.loggers import CSVLogger, TensorBoardLogger


def test_xor_dataset_nd_layout_and_forwards():
    from examples.xor import NDFunctionApproximation, XorDataset, xor_target

    torch.manual_seed(0)
    flat = XorDataset()
    torch.manual_seed(0)
    nd = XorDataset(nd=True)
    assert flat.data.shape == (1000, 2) and nd.data.shape == (1000, 1, 2)
    torch.testing.assert_close(nd.data[:, 0], flat.data)
    torch.testing.assert_close(flat.z, xor_target(flat.data))
    model = NDFunctionApproximation(n=3, layer_type="polynomial_2d")
    x = torch.rand(4, 2) * 2 - 1
    torch.testing.assert_close(model(x), model.nd_forward(x))
    torch.testing.assert_close(model.nd_forward(x), model.model(x[:, None, :]))


def test_block_mnist_keeps_the_original_function_name():
    from examples import block_mnist

    assert block_mnist.mnist is block_mnist.block_mnist


def test_example_logger(tmp_path, monkeypatch):
    import high_order_layers_torch.modules as modules

    monkeypatch.setattr(modules, "tensorboard_available", lambda: False)
    csv = modules.example_logger("autoencoder", save_dir=str(tmp_path))
    assert isinstance(csv, CSVLogger) and csv.name == "autoencoder"
    pytest.importorskip("tensorboard")
    monkeypatch.setattr(modules, "tensorboard_available", lambda: True)
    board = modules.example_logger("vae", save_dir=str(tmp_path))
    assert isinstance(board, TensorBoardLogger) and board.name == "vae"
