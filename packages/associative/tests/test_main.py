"""``Implementations/CIFAR10/main.py``: flags, three-phase schedule, checkpoint and results
files, resume, ``-cl``, the CIFAR-10 on-disk format and the digits smoke run (spec §9.1, §16.4)."""

import subprocess
import sys

import numpy as np
import pytest
import torch
from associative.cifar import CIFAR10, FOLDER, write_batch
from associative.models import cifar_resnet, densenet
from associative.train_cifar import RESULT_FILES, build_parser, default_builders, main, phase_epochs

from paramlab.data import DatasetCorruptError, DatasetNotFoundError

LIBRARY_MODULES = {
    "resnet": cifar_resnet,
    "densenet": densenet,
    "densenet_bcsg": densenet,
    "mobilenetv2": None,
    "mobilenetv2_bcsg": None,
    "shufflenetv2": None,
    "shufflenetv2_bcsg": None,
}
BUILDERS = default_builders(LIBRARY_MODULES)


def run(argv, capsys):
    assert main(BUILDERS, "densenet_cifar", argv) == 0
    return capsys.readouterr().out


def test_original_flags_and_defaults():
    args = build_parser(list(BUILDERS), "densenet_cifar").parse_args([])
    assert (args.lr, args.iter, args.resume, args.csg_mode, args.reg_mode) == (
        0.05,
        100,
        False,
        False,
        False,
    )
    assert (args.model, args.batch_size, args.test_batch_size, args.workers) == (
        "densenet_cifar",
        128,
        100,
        2,
    )
    assert (args.min_epochs, args.max_steps, args.dataset) == (50, None, "cifar10")
    short = build_parser(list(BUILDERS), "densenet_cifar").parse_args(["-r", "-cl", "-rm"])
    assert short.resume and short.csg_mode and short.reg_mode
    assert phase_epochs(100) == [100, 50, 50]
    assert phase_epochs(1) == [50, 50, 50]
    assert phase_epochs(300) == [300, 150, 75]


def test_schedule_results_and_checkpoint(tmp_path, tiny_cifar_root, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "stale.txt").write_text("old")
    argv = ["--model", "resnet20", "--data_root", str(tiny_cifar_root), "--workers", "0"]
    out = run(
        argv + ["--iter", "4", "--min_epochs", "1", "--batch_size", "20", "--seed", "0"], capsys
    )
    lrs = [float(line.split()[-1]) for line in out.splitlines() if line.startswith("Learning Rate")]
    assert lrs == pytest.approx([0.05, 0.005, 0.0005])
    assert [line for line in out.splitlines() if line.startswith("Epoch:")] == [
        f"Epoch: {i}" for i in range(7)
    ]  # 4 + 2 + 1 epochs
    assert "NUMBER OF TRAINABLE PARAMETERS: 115426" in out
    assert not (tmp_path / "results" / "stale.txt").exists()
    for name in RESULT_FILES:
        text = (tmp_path / "results" / f"{name}.txt").read_text()
        values = text.split("; ")
        assert len(values) == 8 and values[-1] == ""  # seven "<value>; " entries
        [float(v) for v in values[:-1]]
    checkpoint = torch.load(tmp_path / "checkpoint" / "ckpt.t7", weights_only=True)
    assert set(checkpoint) == {"net", "acc", "epoch"}
    test_acc = [
        float(v) for v in (tmp_path / "results" / "test_acc.txt").read_text().split("; ")[:-1]
    ]
    assert checkpoint["acc"] == max(test_acc)
    assert checkpoint["epoch"] == test_acc.index(max(test_acc))
    cifar_resnet.resnet20().load_state_dict(checkpoint["net"], strict=True)


def test_resume_restores_best_acc_and_epoch(tmp_path, tiny_cifar_root, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "checkpoint").mkdir()
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "test_acc.txt").write_text("1.0; ")
    saved = {"net": cifar_resnet.resnet20().state_dict(), "acc": 101.0, "epoch": 5}
    torch.save(saved, tmp_path / "checkpoint" / "ckpt.t7")
    argv = ["--model", "resnet20", "--data_root", str(tiny_cifar_root), "--workers", "0"]
    out = run(argv + ["--iter", "1", "--min_epochs", "1", "--batch_size", "20", "-r"], capsys)
    assert "BEST ACC: 101.0" in out
    epochs = [line for line in out.splitlines() if line.startswith("Epoch:")]
    assert epochs == ["Epoch: 5", "Epoch: 6", "Epoch: 7"]
    assert "Saving.." not in out  # nothing beats the restored best accuracy
    assert len((tmp_path / "results" / "test_acc.txt").read_text().split("; ")) == 5  # appended
    with pytest.raises(RuntimeError, match="Missing key"):  # strict: a wrong model fails loudly
        run(["--model", "resnet56", "--data_root", str(tiny_cifar_root), "-r"], capsys)


def test_csg_mode_loads_the_csg_from_main_checkpoints_and_freezes(
    tmp_path, tiny_cifar_root, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "checkpoint").mkdir()
    source = cifar_resnet.resnet20()
    torch.save(
        {"net": source.state_dict(), "acc": 50.0, "epoch": 3}, tmp_path / "checkpoint" / "ckpt.t7"
    )
    base = ["--data_root", str(tiny_cifar_root), "--workers", "0", "--iter", "1"]
    base += ["--min_epochs", "1", "--batch_size", "20"]
    out = run(["--model", "resnet56", "-cl", "--max_steps", "0"] + base, capsys)
    assert "NO GRAD FOR: CSG.weight ==> Reducing Params by: 93312" in out
    assert f"NUMBER OF TRAINABLE PARAMETERS: {160_450 - 93_312}" in out
    assert "CSG.weight torch.Size" not in out  # the frozen CSG is not listed as trainable
    assert "==> Loaded the CSG (10 copies of CSG.weight, shape [1296, 72])" in out
    with pytest.raises(SystemExit, match="no checkpoint with a CSG"):
        main(BUILDERS, "densenet_cifar", ["-cl", "--csg_checkpoint", "missing.t7"] + base)


def test_cifar10_on_disk_format(tmp_path, tiny_cifar_root):
    train = CIFAR10(tiny_cifar_root, train=True)
    test = CIFAR10(tiny_cifar_root, train=False)
    assert (len(train), len(test)) == (20, 6)
    image, label = train[5]
    assert image.size == (32, 32) and 0 <= label < 10
    rng = np.random.default_rng(3)
    images = rng.integers(0, 256, (2, 32, 32, 3)).astype(np.uint8)
    folder = tmp_path / "other" / FOLDER
    folder.mkdir(parents=True)
    write_batch(folder / "test_batch", images, [4, 7])
    reread = CIFAR10(tmp_path / "other", train=False)
    assert np.array_equal(np.asarray(reread[1][0]), images[1]) and reread[1][1] == 7
    (folder / "test_batch").write_bytes(b"\x80\x02cos\nsystem\nq\x00.")
    with pytest.raises(DatasetCorruptError, match="not allowed"):
        CIFAR10(tmp_path / "other", train=False)


def test_missing_cifar10_raises_the_runtime_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DatasetNotFoundError, match="CIFAR-10.*cifar-10-python.tar.gz") as info:
        main(BUILDERS, "densenet_cifar", ["--data_root", str(tmp_path / "nowhere")])
    assert str(tmp_path / "nowhere" / FOLDER) in str(info.value)


def test_main_script_two_steps_on_the_embedded_digits(
    tmp_path, digits_root, package_dir, script_env
):
    script = package_dir / "Implementations" / "CIFAR10" / "main.py"
    argv = [sys.executable, str(script), "--model", "resnet20", "--dataset", "digits"]
    argv += ["--data_root", str(digits_root), "--iter", "1", "--min_epochs", "1"]
    argv += ["--max_steps", "2", "--batch_size", "16", "--workers", "0", "--seed", "0"]
    done = subprocess.run(argv, cwd=tmp_path, env=script_env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "NUMBER OF TRAINABLE PARAMETERS: 115426" in done.stdout
    assert "Epoch: 0" in done.stdout and "Epoch: 1" not in done.stdout
    assert (tmp_path / "checkpoint" / "ckpt.t7").is_file()
    assert len((tmp_path / "results" / "test_acc.txt").read_text().split("; ")) == 2


EXPECTED_TRAINABLE = {
    "densenet_cifar": 1_416_394,
    "densenet_cifar_org": 2_733_130,
    "densenet_cifar_bcsg": 1_323_082,
    "resnet20": 115_426,
    "resnet56": 160_450,
    "resnet56_org": 853_018,
    "resnet110_org": 1_727_962,
    "mobilenetv2": 1_595_322,
    "mobilenetv2_bcsg": 1_591_226,
    "mobilenetv2_org": 2_296_922,
    "shufflenetv2": 171_818,
    "shufflenetv2_bcsg": 171_818 - 4_096,
    "shufflenetv2_org": 352_042,
    "resnet56_sep": 494_709,
    "resnet56_crelu": 426_834,
    "densenet_cifar_crelu": 1_369_210,
    "densenet_cifar_sep": 1_434_853,
}


def test_main_builds_every_model_from_the_original_model_files(monkeypatch, package_dir):
    """main.py's --model table, built through Implementations/CIFAR10/models/* and their
    module-level constants; --code_size/--slice_shape/--growth_rate override them."""
    import importlib.util

    for name in [m for m in sys.modules if m == "models" or m.startswith("models.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.syspath_prepend(str(package_dir / "Implementations" / "CIFAR10"))
    try:
        spec = importlib.util.spec_from_file_location(
            "cifar10_main_script", package_dir / "Implementations" / "CIFAR10" / "main.py"
        )
        script = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(script)
        parser = build_parser(list(script.MODELS), "densenet_cifar")
        assert set(EXPECTED_TRAINABLE) <= set(script.MODELS)
        with torch.device("meta"):
            for name, expected in EXPECTED_TRAINABLE.items():
                net = script.MODELS[name](parser.parse_args(["--model", name]))
                trainable = sum(p.numel() for p in net.parameters() if p.requires_grad)
                assert trainable == expected, name
            args = parser.parse_args(["--code_size", "128", "--slice_shape", "16,16,3,3"])
            net = script.MODELS["densenet_cifar"](args)
            assert net.CSG.weight.shape == (2304, 128)
            args = parser.parse_args(["--growth_rate", "36"])
            assert sum(p.numel() for p in script.MODELS["densenet_cifar"](args).parameters()) == (
                842_842
            )
    finally:
        for name in [m for m in sys.modules if m == "models" or m.startswith("models.")]:
            del sys.modules[name]


def test_utils_without_a_terminal(capsys):
    from associative.utils import format_time, progress_bar

    assert [format_time(s) for s in (3725.5, 0.25, 0, 90061)] == ["1h2m", "250ms", "0ms", "1D1h"]
    for step in range(3):
        progress_bar(step, 3, "Loss: 1.000")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and lines[0].startswith(" 3/3") and lines[0].endswith("Loss: 1.000")
