"""The image-classification CLI: TextArgs tokeniser and flags, the shipped configs, the
torchvision on-disk formats, the trainer's outputs and resume."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest
import torch
from phc.data import get_dataloaders
from phc.experiment import build_optimizer, build_scheduler, main
from phc.get_model import GetModel
from phc.layers import PHConv
from phc.textargs import build_parser, parse_args, readFile
from phc.trainer import l1_regularization
from scipy.io import savemat
from torchvision import datasets

from paramlab.data import DatasetNotFoundError, resolve_data_root
from paramlab.train import load_checkpoint

PACKAGE = Path(__file__).resolve().parents[1]
DATA_ROOT = str(resolve_data_root().resolve())

# Spec §4.3: the values each shipped config parses to.
SHIPPED = {
    "config_resnet50_cifar.txt": dict(
        model="phcresnet152large", Dataset="CIFAR100", quat_data=True, n=4, epochs=200,
        batch_size=128, lr=0.1, optim="SGD", momentum=0.9, scheduler="cosine", seed=1656079,
        gpu_num=0, train_dir="/var/datasets/CIFAR100", cuda=True, get_inf_time=False,
    ),
    "config_resnet50_svhn.txt": dict(
        model="phcresnet50large", Dataset="SVHN", quat_data=True, n=4, epochs=50,
        batch_size=128, lr=0.01, optim="SGD", momentum=0.9, scheduler="cosine", seed=1202,
        gpu_num=5, cuda=True,
    ),
    "config_vgg11_cifar.txt": dict(
        model="phcvgg19large", Dataset="CIFAR10", quat_data=True, n=4, epochs=200,
        batch_size=128, lr=0.01, optim="SGD", scheduler="cosine", seed=1656079, image_size=32,
        get_inf_time=True, train_dir="/var/datasets/CIFAR10", gpu_num=0,
    ),
    "config_vgg11_svhn.txt": dict(
        model="qvgg16", Dataset="SVHN", quat_data=True, n=2, epochs=50, batch_size=128,
        lr=0.01, optim="SGD", scheduler="cosine", seed=1202, gpu_num=3,
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_shipped_configs_parse_to_the_spec_values(name, monkeypatch):
    monkeypatch.chdir(PACKAGE / "image-classification")
    opt = parse_args([f"--TextArgs={name}"])  # found under configs/
    for key, value in SHIPPED[name].items():
        assert getattr(opt, key) == value, key
    assert opt.weight_decay == 5e-4 and opt.TextArgs == "TrainingArguments.txt"


def test_tokeniser_rules(tmp_path):
    path = tmp_path / "args.txt"
    path.write_text("--cuda=False\n--quat_data=True\n--n\n2\n--lr=1e+3\n--model=vgg16#x\n\n--x = 1")
    assert readFile(path) == ["--cuda", 0, "--quat_data", "1", "--n", "2", "--lr", "1e", "3",
                              "--model", "--x ", " 1"]  # fmt: skip


@pytest.mark.parametrize(
    "text,expected",
    [("--quat_data=True", True), ("--quat_data=False", False), ("--quat_data=0", True),
     ("--quat_data=false", True), ("--n=2", False)],
)  # fmt: skip
def test_boolean_flags_follow_type_bool(tmp_path, text, expected):
    path = tmp_path / "args.txt"
    path.write_text(text)
    assert parse_args([f"--TextArgs={path}"]).quat_data is expected


def test_only_the_textargs_file_counts(tmp_path):
    path = tmp_path / "args.txt"
    path.write_text("--epochs=3\n--dataset=digits\n")
    opt = parse_args([f"--TextArgs={path}", "--batch_size", "7"])
    assert (opt.epochs, opt.batch_size, opt.Dataset) == (3, 64, "digits")
    defaults = build_parser().parse_args([])
    got = (defaults.model, defaults.Dataset, defaults.lr, defaults.n, defaults.cuda)
    assert got == ("resnet20", "SVHN", 2e-4, 4, True)
    with pytest.raises(FileNotFoundError, match="missing.txt"):
        parse_args(["--TextArgs=missing.txt"])
    path.write_text("--lr=1e+3\n")
    with pytest.raises(SystemExit):
        parse_args([f"--TextArgs={path}"])


def test_optimizers_schedules_and_l1():
    net = GetModel("phmresnet20", True, 4)
    parser = build_parser()
    opt = parser.parse_args(["--lr=0.1", "--momentum=0.5"])
    sgd = build_optimizer("SGD", net.parameters(), opt)
    assert sgd.defaults["momentum"] == 0.5 and sgd.defaults["weight_decay"] == 5e-4
    adam = build_optimizer("Adam", net.parameters(), opt)
    assert adam.defaults["betas"] == (0.5, 0.999)
    assert build_scheduler("cosine", sgd).T_max == 200
    assert build_scheduler("MultiStepLR", sgd).milestones == {59: 1, 119: 1, 159: 1}
    with pytest.raises(ValueError, match="optim='RMSprop'"):
        build_optimizer("RMSprop", net.parameters(), opt)
    with pytest.raises(ValueError, match="scheduler='poly'"):
        build_scheduler("poly", sgd)
    expected = sum(m.A.abs().sum() for m in net.modules() if isinstance(m, PHConv))
    assert torch.allclose(l1_regularization(net), expected)


def _write_config(path: Path, **flags) -> Path:
    base = dict(epochs=1, batch_size=128, cuda=False, seed=3, Dataset="digits", image_size=8,
                lr=0.05, model="phmresnet20", quat_data=True, n=4, n_workers=0)  # fmt: skip
    base["data_root"] = DATA_ROOT  # resolved before the tests change directory
    base.update(flags)
    path.write_text("".join(f"--{key}={value}\n" for key, value in base.items()))
    return path


def test_main_trains_tests_and_saves_like_the_original(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    config = _write_config(tmp_path / "run.txt", epochs=2)
    result = main([f"--TextArgs={config.name}"])
    out = capsys.readouterr().out
    assert "Number of parameters: 71946" in out
    assert out.count("[Epoch: ") == 2 and "Accuracy PHMResNet on the test images:" in out
    assert result["parameters"] == 71946 and 0.0 <= result["test_accuracy"] <= 100.0
    state = load_checkpoint(tmp_path / "checkpoints" / "PHMResNet.pt")
    fresh = GetModel("phmresnet20", True, 4)
    fresh.load_state_dict(state, strict=True)
    header = (tmp_path / "checkpoints" / "metrics.csv").read_text().splitlines()[0]
    assert header.split(",") == ["step", "train loss", "val loss", "val acc", "Test Accuracy"]

    # Resume: one epoch, then the second from the saved state, ends bit-identical.
    straight = {k: v.clone() for k, v in state.items()}
    resumed_dir = tmp_path / "resumed"
    resumed_dir.mkdir()
    monkeypatch.chdir(resumed_dir)
    main([f"--TextArgs={_write_config(resumed_dir / 'a.txt', epochs=1).name}"])
    second = _write_config(resumed_dir / "b.txt", epochs=2, resume="checkpoints/PHMResNet_state.pt")
    main([f"--TextArgs={second.name}"])
    resumed = load_checkpoint(resumed_dir / "checkpoints" / "PHMResNet.pt")
    for key, value in straight.items():
        assert torch.equal(value, resumed[key]), key


def test_unknown_dataset_and_missing_data(tmp_path):
    with pytest.raises(ValueError, match="Dataset='MNIST'"):
        get_dataloaders("MNIST", str(tmp_path), False, 32, 4, 0)
    for name, label in (("CIFAR10", "CIFAR-10"), ("CIFAR100", "CIFAR-100"), ("SVHN", "SVHN"),
                        ("STL10", "STL-10")):  # fmt: skip
        with pytest.raises(DatasetNotFoundError, match=label) as caught:
            get_dataloaders(name, str(tmp_path), False, 32, 4, 0)
        assert str(tmp_path) in str(caught.value)


@pytest.fixture
def tiny_disk(tmp_path, monkeypatch):
    """Tiny CIFAR10/100, SVHN and STL10 files in torchvision's on-disk formats (the real files'
    md5 checks are switched off: these files are not the published archives)."""
    rng = np.random.default_rng(0)
    for cls in (datasets.CIFAR10, datasets.CIFAR100, datasets.SVHN, datasets.STL10):
        monkeypatch.setattr(cls, "_check_integrity", lambda self: True)
    monkeypatch.setattr("torchvision.datasets.cifar.check_integrity", lambda *a, **k: True)

    def pickle_to(path, obj):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps(obj))

    def images(count):
        return rng.integers(0, 256, size=(count, 3 * 32 * 32), dtype=np.uint8)

    c10 = tmp_path / "cifar-10-batches-py"
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        count = 10 if name == "test_batch" else 4
        pickle_to(c10 / name, {"data": images(count), "labels": list(rng.integers(0, 10, count))})
    pickle_to(c10 / "batches.meta", {"label_names": [str(i) for i in range(10)]})
    c100 = tmp_path / "cifar-100-python"
    for name, count in (("train", 12), ("test", 10)):
        pickle_to(
            c100 / name, {"data": images(count), "fine_labels": list(rng.integers(0, 100, count))}
        )  # noqa: E501
    pickle_to(c100 / "meta", {"fine_label_names": [str(i) for i in range(100)]})
    for split, count in (("train", 12), ("test", 10)):
        x = rng.integers(0, 256, size=(32, 32, 3, count), dtype=np.uint8)
        savemat(tmp_path / f"{split}_32x32.mat", {"X": x, "y": rng.integers(1, 11, (count, 1))})
    stl = tmp_path / "stl10_binary"
    stl.mkdir()
    for split, count in (("train", 6), ("test", 10)):
        rng.integers(0, 256, count * 3 * 96 * 96, dtype=np.uint8).tofile(stl / f"{split}_X.bin")
        rng.integers(1, 11, count, dtype=np.uint8).tofile(stl / f"{split}_y.bin")
    return tmp_path


@pytest.mark.parametrize(
    "name,size,classes,train_batches",
    [("CIFAR10", 32, 10, 10), ("CIFAR100", 32, 100, 6), ("SVHN", 32, 10, 6), ("STL10", 96, 10, 3)],
)
def test_torchvision_formats_through_the_loaders(tiny_disk, name, size, classes, train_batches):
    torch.manual_seed(0)
    train, test, evaluation, label = get_dataloaders(name, str(tiny_disk), True, 32, 2, 0)
    assert label == name and len(train) == train_batches
    images, labels = next(iter(train))
    assert images.shape == (2, 4, size, size) and images.dtype == torch.float32
    assert torch.all(images[:, 0] == 0)  # the prepended quaternion real part
    assert int(labels.max()) < classes
    assert len(evaluation) == 1  # 20 % of 10 test images, batch 2, drop_last
    assert sum(len(y) for _, y in test) == 10
    if name in ("SVHN", "STL10"):
        assert 0.0 <= float(images.min()) and float(images.max()) <= 1.0  # raw bytes / 255
    else:
        raw = datasets.CIFAR10 if name == "CIFAR10" else datasets.CIFAR100
        first = raw(str(tiny_disk), train=False).data[0]  # (32, 32, 3) uint8
        mean, std = ((0.4914, 0.4822, 0.4465), (0.2023, 0.1994, 0.2010))
        if name == "CIFAR100":
            mean, std = ((0.5071, 0.4867, 0.4408), (0.2675, 0.2565, 0.2761))
        expected = (
            torch.from_numpy(first).permute(2, 0, 1) / 255.0 - torch.tensor(mean).view(3, 1, 1)
        ) / torch.tensor(std).view(3, 1, 1)  # noqa: E501
        assert torch.allclose(next(iter(test))[0][0, 1:], expected, atol=1e-6)


def test_shipped_config_stops_with_the_runtime_error_when_data_are_missing(monkeypatch):
    monkeypatch.chdir(PACKAGE / "image-classification")
    with pytest.raises(DatasetNotFoundError, match="CIFAR-100") as caught:
        main(["--TextArgs=config_resnet50_cifar.txt"])
    assert "/var/datasets/CIFAR100" in str(caught.value)


def test_main_script_runs_from_its_folder(tmp_path, monkeypatch):
    import runpy

    config = tmp_path / "svhn.txt"
    config.write_text(f"--Dataset=SVHN\n--train_dir={tmp_path}\n--model=qvgg16\n--cuda=False\n")
    folder = PACKAGE / "image-classification"
    monkeypatch.chdir(folder)
    monkeypatch.setattr("sys.argv", ["main.py", f"--TextArgs={config}"])
    with pytest.raises(DatasetNotFoundError, match="'SVHN' not found"):
        runpy.run_path(str(folder / "main.py"), run_name="__main__")


def test_device_resolution():
    from phc.experiment import resolve_device

    parser = build_parser()
    assert resolve_device(parser.parse_args(["--device", "cpu"])).type == "cpu"
    if not torch.cuda.is_available():
        assert resolve_device(parser.parse_args([])).type == "cpu"  # --cuda=True, no CUDA
    with pytest.raises(ValueError, match="device"):
        resolve_device(parser.parse_args(["--device", "tpu"]))


def test_get_iter_time_stops_after_one_epoch(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    main([f"--TextArgs={_write_config(tmp_path / 'a.txt', epochs=3, get_iter_time=True).name}"])
    out = capsys.readouterr().out
    assert out.count("[Avg time per iter and std]") == 1 and "[Epoch: " not in out
    assert out.count("[Time per iter: ") == 12  # ceil(1437 / 128) iterations, then stop
