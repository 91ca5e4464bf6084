"""``scripts/run.py``: flags and defaults, a run on the embedded digits, resume, schedule and the
missing-data error (spec §8, §13.22)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"

FLAGS = {
    "--datadir": None,
    "--workdir": ".",
    "--loglevel": "info",
    "--seed": 0xE4223644E98B8E64,
    "--summary": False,
    "--model": "complex",
    "--dataset": "cifar10",
    "--dropout": 0,
    "--num-epochs": 200,
    "--batch-size": 64,
    "--start-filter": 11,
    "--num-blocks": 10,
    "--spectral-param": False,
    "--spectral-pool-gamma": 0.5,
    "--spectral-pool-scheme": "none",
    "--act": "relu",
    "--aact": "modrelu",
    "--no-validation": False,
    "--comp_init": "complex_independent",
    "--optimizer": "nag",
    "--clipnorm": 1.0,
    "--clipval": 1.0,
    "--l1": 0,
    "--l2": 0,
    "--lr": 1e-3,
    "--momentum": 0.9,
    "--decay": 0,
    "--schedule": "default",
    "--beta1": 0.9,
    "--beta2": 0.999,
}
ALIASES = ["-d", "-w", "-l", "-s", "-n", "-b", "--sf", "--nb", "--opt", "--cn", "--cv", "--mom"]


@pytest.fixture(scope="module")
def run_module():
    sys.path.insert(0, str(SCRIPTS))
    spec = importlib.util.spec_from_file_location("complexnn_run_script", SCRIPTS / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    sys.path.remove(str(SCRIPTS))


def test_help_lists_every_flag_with_default(run_module, capsys):
    with pytest.raises(SystemExit) as exit_info:
        run_module.main(["run.py", "train", "--help"])
    assert exit_info.value.code == 0
    text = " ".join(capsys.readouterr().out.split()).split("options:", 1)[1]
    for flag in [*FLAGS, *ALIASES]:
        assert f"{flag} " in text or f"{flag}," in text, flag
    assert text.count("(default:") >= len(FLAGS)
    parser = run_module.get_arg_parser("run.py")
    defaults = vars(parser.parse_args(["train"]))
    for flag, default in FLAGS.items():
        value = defaults[flag.lstrip("-").replace("-", "_")]
        assert value == default and type(value) is type(default), (flag, value)
    args = parser.parse_args(["train", "--sf", "12", "--nb", "16", "-s", "0x10", "--opt", "adam"])
    assert (args.start_filter, args.num_blocks, args.seed, args.optimizer) == (12, 16, 16, "adam")


def test_train_on_digits_writes_files_and_resumes(run_module, tmp_path):
    work = tmp_path / "run"
    common = [
        "run.py",
        "train",
        "--dataset",
        "digits",
        "--sf",
        "2",
        "--nb",
        "1",
        "-b",
        "32",
        "--max-steps",
        "2",
        "--image-size",
        "8",
        "-w",
        str(work),
    ]
    assert run_module.main([*common, "-n", "1"]) == 0
    for name in (
        "logs/entry.txt",
        "logs/train.txt",
        "chkpts/ModelChkpt000001.pt",
        "metrics.jsonl",
        "train_loss.txt",
        "val_acc.txt",
        "test_acc.txt",
    ):
        assert (work / name).is_file(), name
    assert (work / "chkpts" / "ModelChkpt.pt").is_symlink()
    assert list((work / "best").glob("Bestmodel_000001_*.pt"))
    entry = (work / "logs" / "entry.txt").read_text()
    assert "# of Parameters (trainable)" in entry and "(144, 3, 8, 8)" in entry
    assert run_module.main([*common, "-n", "2"]) == 0
    assert "Training will restart at epoch     2" in (work / "logs" / "entry.txt").read_text()
    assert np.loadtxt(work / "train_loss.txt").shape == (2,)
    assert (work / "chkpts" / "ModelChkpt.pt").resolve().name == "ModelChkpt000002.pt"
    train_log = (work / "logs" / "train.txt").read_text()
    assert train_log.count("train_loss:") == 2
    straight = tmp_path / "straight"
    assert run_module.main([*common[:-1], str(straight), "-n", "2"]) == 0
    np.testing.assert_array_equal(
        np.loadtxt(straight / "train_loss.txt"), np.loadtxt(work / "train_loss.txt")
    )
    np.testing.assert_array_equal(
        np.loadtxt(straight / "test_acc.txt"), np.loadtxt(work / "test_acc.txt")
    )


def test_missing_dataset_names_it_and_the_path(run_module, tmp_path, capsys):
    code = run_module.main(
        ["run.py", "train", "--dataset", "cifar10", "-d", str(tmp_path), "-w", str(tmp_path / "w")]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "cifar10" in err and str(tmp_path / "cifar-10-batches-py") in err
    assert "cs.toronto.edu" in err


def test_lr_schedule_values():
    from complexnn.recipe import lr_schedule

    epochs = [0, 9, 10, 99, 100, 119, 120, 149, 150, 199]
    expected = [0.01, 0.01, 0.1, 0.1, 0.01, 0.01, 0.001, 0.001, 0.0001, 0.0001]
    assert [lr_schedule(e) for e in epochs] == expected


def test_version_and_subcommand_required(run_module, capsys):
    from complexnn import __version__

    with pytest.raises(SystemExit) as info:
        run_module.main(["run.py", "--version"])
    assert info.value.code == 0 and capsys.readouterr().out.strip() == __version__
    with pytest.raises(SystemExit) as info:
        run_module.main(["run.py"])
    assert info.value.code == 2
    assert run_module.main(["run.py", "screw"]) == 0


def test_regularization_is_l2_sum_over_kernels():
    from complexnn.models import DCNResNet
    from complexnn.recipe import regularization

    net = DCNResNet("complex", 2, 1)
    expected = 1e-4 * sum(p.square().sum() for p in net.weight_decay_parameters())
    torch.testing.assert_close(regularization(net, 1e-4), expected)
    assert float(regularization(net, 0.0)) == 0.0
