"""The examples (spec §10): configs, parameter counts, data loading and short training runs."""

from __future__ import annotations

import struct

import numpy as np
import pytest
import torch
from high_order_layers_torch.modules import image_splits
from hydra import compose, initialize

from paramlab.data import DatasetNotFoundError
from paramlab.testing import count_parameters


@pytest.fixture
def config():
    def load(name, overrides=()):
        with initialize(config_path="../config", version_base=None):
            return compose(name, overrides=list(overrides))

    return load


@pytest.fixture(autouse=True)
def _quiet_workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # Lightning writes its logs to the working directory


def test_config_defaults(config):
    cfg = config("mnist_config")
    assert (cfg.n, cfg.batch_size, cfg.segments, cfg.layer_type, cfg.kernel_size) == (
        3,
        16,
        2,
        "continuous2d",
        5,
    )
    assert list(cfg.channels) == [6, 16] and cfg.output_layer_type == "linear"
    assert cfg.optimizer.name == "sophia" and cfg.optimizer.rho == 0.035
    assert cfg.accelerator == "auto" and cfg.dataset == "mnist"
    inv = config("invariant_mnist")
    assert inv.optimizer.name == "lion" and inv.optimizer.lr == 1e-4
    assert (inv.mlp.n, inv.mlp.target_n, inv.mlp.layer_type, inv.mlp.hidden.width) == (
        2,
        5,
        "polynomial",
        20,
    )
    xor = config("xor")
    assert xor.optimizer.name == "sophia" and xor.epochs == 40 and xor.batch_size == 32
    assert config("function").epochs == 20 and config("block_mnist").n == 7
    assert config("xor", ["optimizer=adam"]).optimizer.scheduler == "plateau"


def test_example_parameter_counts(config):
    """mnist 15 320, README mnist command 20 420, invariant_mnist 32 610, block_mnist 1 480."""
    from examples import block_mnist, invariant_mnist, mnist

    assert count_parameters(mnist.Net(config("mnist_config"))) == 15320
    readme = config("mnist_config", ["train_fraction=0.1", "layer_type=continuous2d", "n=4"])
    assert count_parameters(mnist.Net(readme)) == 20420
    assert count_parameters(invariant_mnist.Net(config("invariant_mnist"))) == 32610
    assert count_parameters(block_mnist.Net(config("block_mnist"))) == 1480
    keys = set(mnist.Net(config("mnist_config", ["double=true"])).state_dict())
    assert keys == {
        "conv1.conv.weight",
        "conv15.conv.weight",
        "conv2.conv.weight",
        "conv25.conv.weight",
        "fc1.weight",
        "fc1.bias",
    }
    double_k5 = mnist.Net(config("mnist_config", ["double=true", "kernel_size=5"]))
    assert double_k5(torch.rand(2, 1, 28, 28)).shape == (2, 10)
    assert mnist.feature_size(3, False) == 5 and mnist.feature_size(3, True) == 4


def _write_idx(path, array, magic):
    with open(path, "wb") as handle:
        handle.write(struct.pack(">I", magic) + b"".join(struct.pack(">I", d) for d in array.shape))
        handle.write(array.astype(np.uint8).tobytes())


def test_mnist_loader_reads_the_on_disk_format(tmp_path):
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for prefix, count in [("train", 24), ("t10k", 6)]:
        _write_idx(raw / f"{prefix}-images-idx3-ubyte", rng.integers(0, 256, (count, 28, 28)), 2051)
        _write_idx(raw / f"{prefix}-labels-idx1-ubyte", np.arange(count) % 10, 2049)
    train, val, test = image_splits("mnist", tmp_path, train_fraction=0.5)
    assert (len(train), len(val), len(test)) == (10, 4, 6)
    image, label = test[3]
    assert image.shape == (1, 28, 28) and int(label) == 3
    assert -1.0 <= float(image.min()) and float(image.max()) <= 1.0


def test_missing_data_raises_dataset_not_found(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="MNIST"):
        image_splits("mnist", tmp_path / "empty")
    with pytest.raises(DatasetNotFoundError, match="CIFAR10"):
        image_splits("cifar10", tmp_path / "empty")


def test_xor_trains(config):
    """2 → 2 → 1 continuous links learn XOR: grid MSE far below the 0.25 of a constant."""
    from examples.xor import NDFunctionApproximation, plot_approximation, xor_target, xTest

    torch.manual_seed(0)
    predictions = plot_approximation(
        [{"name": "Continuous 3", "n": 3, "layer": "continuous"}],
        segments=2,
        epochs=4,
        plot=False,
        optimizer="sophia",
        lr=0.01,
    )
    assert float(torch.nn.functional.mse_loss(predictions[0], xor_target(xTest))) < 0.1
    model = NDFunctionApproximation(n=3, layer_type="polynomial_2d")
    assert model(xTest[:5]).shape == (5, 1)


def test_function_approximation_trains():
    from examples.function_example import plot_approximation, yTest

    torch.manual_seed(0)
    losses = plot_approximation(
        "continuous",
        [{"name": "Continuous", "n": 4}],
        segments=5,
        epochs=2,
        plot_result=False,
        opt="sophia",
    )
    assert losses[0] < 0.5 * float(yTest.var())  # more than half the variance explained


def test_mnist_on_digits_runs(config):
    from examples.mnist import mnist

    torch.manual_seed(0)
    cfg = config("mnist_config", ["dataset=digits", "limit_train_batches=3", "accelerator=cpu"])
    result = mnist(cfg)
    assert set(result[0]) == {"test_loss", "test_acc"}
    assert np.isfinite(result[0]["test_loss"])


def test_invariant_mnist_p_refine_on_digits(config):
    from examples.invariant_mnist import invariant_mnist

    torch.manual_seed(0)
    cfg = config(
        "invariant_mnist",
        [
            "dataset=digits",
            "mlp.p_refine=true",
            "mlp.layer_type=continuous",
            "mlp.target_n=3",
            "max_epochs=1",
            "batch_size=64",
            "limit_train_batches=2",
            "optimizer=sophia",
        ],
    )
    result = invariant_mnist(cfg)
    assert cfg.mlp.n == 3 and np.isfinite(result[0]["test_loss"])


def test_block_mnist_on_digits(config):
    from examples.block_mnist import block_mnist, collate_fn

    images = [(torch.rand(1, 28, 28), 3), (torch.rand(1, 28, 28), 5)]
    batch, labels = collate_fn(images)
    assert batch.shape == (2, 784, 3) and labels.tolist() == [3, 5]
    assert torch.equal(
        batch[1, 29], torch.tensor([images[1][0][0, 1, 1], -12.5 / 13.5, -12.5 / 13.5])
    )
    cfg = config(
        "block_mnist",
        ["dataset=digits", "limit_train_batches=2", "n=3", "segments=2", "accelerator=cpu"],
    )
    assert np.isfinite(block_mnist(cfg)[0]["test_loss"])


def test_cifar10_on_digits():
    from examples.cifar10 import Net, run_cifar10

    net = Net(n=3, batch_size=8, segments=2, layer_type="piecewise")
    assert count_parameters(net) == 6 * 3 * 5 * 25 + 16 * 6 * 5 * 25 + 4010
    assert net(torch.rand(2, 3, 32, 32)).shape == (2, 10)
    result = run_cifar10(
        max_epochs=1,
        accelerator="cpu",
        n=2,
        batch_size=16,
        segments=2,
        layer_type="discontinuous",
        dataset="digits",
        limit_train_batches=2,
    )
    assert np.isfinite(result[0]["test_loss"])


def test_variational_autoencoder_on_digits(config):
    from examples.variational_autoencoder import Net, vae

    cfg = config(
        "variational_autoencoder",
        ["dataset=digits", "limit_train_batches=2", "batch_size=16", "accelerator=cpu"],
    )
    net = Net(cfg)
    assert count_parameters(net) == 621894
    keys = set(net.state_dict())
    assert "encoder.model.0.conv.weight" in keys and "model.encoder.model.0.conv.weight" in keys
    net.setup()
    images, _ = next(iter(net.train_dataloader()))
    assert images.shape == (16, 3, 32, 32)
    loss = net.eval_step((images, None), 0, "train")
    loss.backward()
    assert np.isfinite(float(loss)) and net.encoder.model[0].conv.weight.grad is not None
    assert callable(vae)


def test_select_network_model_types(config):
    from high_order_layers_torch.modules import ClassificationNet, select_network
    from omegaconf import OmegaConf

    mlp = config("cifar100_config", ["net=high_order_mlp", "net.layer_type=discontinuous"])
    model = select_network(mlp)
    assert model(torch.rand(4, 16) * 2 - 1).shape == (4, 128)
    text = config("cifar100_config", ["net=high_order_conv", "net.layer_type=continuous1d"])
    conv = select_network(text)
    assert conv(torch.rand(2, 1, 10000) * 2 - 1).shape == (2, 128)
    assert conv[0].model[1].eps == 10  # LazyBatchNorm1d(channels) sets eps = channels
    cfg = OmegaConf.create(
        {
            "net": {
                "model_type": "high_order_input",
                "layer_type": "continuous",
                "n": 3,
                "normalize": True,
                "input": {"width": 8, "segments": 2},
                "hidden": {"width": 4, "layers": 2},
            },
            "output": {"width": 3},
        }
    )
    assert select_network(cfg)(torch.rand(5, 8)).shape == (5, 3)
    net = ClassificationNet(config("cifar100_config"))
    assert net(torch.rand(2, 3, 32, 32) * 2 - 1).shape == (2, 100)


def test_cifar100_on_digits(config):
    from examples.cifar100 import cifar100

    cfg = config(
        "cifar100_config",
        ["dataset=digits", "data.classes=10", "data.batch_size=32", "limit_train_batches=2"],
    )
    assert np.isfinite(cifar100(cfg)[0]["test_loss"])


def test_autoencoder_on_digits(config):
    from examples.autoencoder import Net, autoencoder

    cfg = config("autoencoder", ["dataset=digits", "batch_size=8"])
    net = Net(cfg)
    net.setup()
    images, _ = next(iter(net.train_dataloader()))
    assert net(images).shape == images.shape == (8, 3, 32, 32)
    loss = net.eval_step((images, None), 0, "train")
    loss.backward()
    assert np.isfinite(float(loss)) and net.layer.input_layer.w.grad is not None
    assert {"encoder.model.0.conv.weight", "layer.input_layer.w", "model.1.input_layer.w"} <= set(
        net.state_dict()
    )
    assert callable(autoencoder)


README_COMMANDS = [
    ("xor", "layer_type=polynomial_2d optimizer.lr=0.01 optimizer=sophia epochs=100"),
    (
        "mnist_config",
        "train_fraction=1 layer_type=polynomial2d n=2 segments=2 max_epochs=40 "
        "batch_size=1024 channels=[12,32] kernel_size=5 optimizer=sophia optimizer.lr=1e-3",
    ),
    (
        "mnist_config",
        "train_fraction=1 layer_type=polynomial2d n=2 segments=2 max_epochs=100 "
        "batch_size=1024 channels=[16,32] output_layer_type=auto double=True kernel_size=3 "
        "normalization=max_abs optimizer=sophia optimizer.lr=1e-4",
    ),
    (
        "mnist_config",
        "train_fraction=1 layer_type=polynomial2d n=2 segments=2 max_epochs=100 "
        "batch_size=1024 channels=[16,32] output_layer_type=auto double=False kernel_size=5 "
        "normalization=max_abs optimizer=lion optimizer.lr=1e-4",
    ),
    (
        "block_mnist",
        "optimizer=sophia optimizer.lr=1e-3 batch_size=32 max_epochs=100 n=20 "
        "layer_type=polynomial_3d",
    ),
    (
        "block_mnist",
        "optimizer=lion optimizer.lr=1e-3 batch_size=16 max_epochs=100 n=3 "
        "segments=10 layer_type=continuous_nd",
    ),
    (
        "cifar100_config",
        "max_epochs=20 train_fraction=1.0 layer_type=polynomial segments=2 n=7 "
        "nonlinearity=False rescale_output=False periodicity=2.0 lr=0.001 linear_output=False",
    ),
    ("autoencoder", "max_epochs=300 train_fraction=1.0"),
    ("variational_autoencoder", "max_epochs=300 train_fraction=1.0"),
    ("invariant_mnist", "mlp.n=2 mlp.hidden.width=128 mlp.layer_type=polynomial optimizer=sophia"),
    (
        "invariant_mnist",
        "max_epochs=100 train_fraction=1 mlp.layer_type=continuous mlp.n=5 "
        "mlp.p_refine=False mlp.hidden.layers=4",
    ),
]


@pytest.mark.parametrize("name, overrides", README_COMMANDS)
def test_readme_commands_compose_and_build(config, name, overrides):
    """The original README's well-formed commands (first value of each sweep) compose, and
    their networks build."""
    import importlib

    cfg = config(name, overrides.split())
    module = {"xor": None, "mnist_config": "mnist", "cifar100_config": None}.get(name, name)
    if module is not None:
        importlib.import_module(f"examples.{module}").Net(cfg)
