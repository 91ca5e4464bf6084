"""The original command line: flags and defaults, errors, and short runs of run_experiment.py."""

import runpy
import sys
from pathlib import Path

import pytest
import torch

from paramlab.data import resolve_data_root

PACKAGE_DIR = Path(__file__).resolve().parents[1]
README_SE2_SEPARABLE = (
    "--model ckgresnet --group SE2 --num_group_elements 8 --sampling_method discretise "
    "--hidden_sizes 32,32,64 --dataset MNIST_rot --epochs 300 --batch_size 64 "
    "--learning_rate 1e-4 --optim adam --kernel_size 7 --stride 1 --dropout 0 "
    "--weight_decay 1e-4 --ck_net_num_hidden 1 --ck_net_hidden_size 64 --first_omega_0 10 "
    "--omega_0 10 --implementation separable --pooling 1 --normalisation batchnorm "
    "--learning_rate_cosine 1 --padding 1 --no_wandb"
).split()
README_SIM2 = (
    "--model ckgresnet --group Sim2 --num_group_elements 16,3 --max_scale 1.74 "
    "--sampling_method uniform --hidden_sizes 32,32,64 --dataset MNIST_rot --epochs 300 "
    "--batch_size 64 --learning_rate 1e-4 --optim adam --kernel_size 7 --stride 1 --dropout 0 "
    "--weight_decay 1e-4 --ck_net_num_hidden 1 --ck_net_hidden_size 64 --first_omega_0 10 "
    "--omega_0 10 --implementation separable+2d --pooling 1 --normalisation batchnorm "
    "--learning_rate_cosine 1 --padding 1 --no_wandb"
).split()


@pytest.fixture(scope="module")
def config_module():
    """config.py parses sys.argv when imported (the original's shape): import it under the
    README command line."""
    saved = sys.argv
    sys.argv = ["run_experiment.py", *README_SE2_SEPARABLE]
    try:
        import config
    finally:
        sys.argv = saved
    assert config.config["implementation"] == "separable"
    return config


def replace(argv, flag, value):
    argv = list(argv)
    argv[argv.index(flag) + 1] = value
    return argv


def test_readme_commands_parse(config_module):
    config = config_module.build_config(README_SE2_SEPARABLE)
    assert config["num_group_elements"] == 8 and config["hidden_sizes"] == [32, 32, 64]
    assert config["pooling"] is True and config["padding"] is True and config["wandb"] is False
    assert (config["in_channels"], config["out_channels"], config["spatial_in_size"]) == (1, 10, 28)
    assert config["model_save_path"] == (
        "./ckgresnet+separable+h_s-[32, 32, 64]+k-7+om-10.0+f_om-10.0+do-0.0+wd-0.0001+n_el-8"
        "+grp-SE2+smplng-discretise+implm-SIREN+ds-MNIST_rot.pt"
    )
    sim2 = config_module.build_config(README_SIM2)
    assert sim2["num_group_elements"] == [16, 3] and sim2["max_scale"] == 1.74
    assert "n_el-[16, 3]+grp-Sim2+smplng-uniform" in sim2["model_save_path"]
    nonsep = config_module.build_config(
        replace(README_SE2_SEPARABLE, "--implementation", "nonseparable")
    )
    assert nonsep["implementation"] == "nonseparable"


def test_defaults_of_optional_flags(config_module):
    config = config_module.build_config(README_SE2_SEPARABLE)
    expected = dict(
        widen_factor=1, momentum=0.0, learning_rate_gamma=0.1, learning_rate_steps=[],
        learning_rate_cosine=1, print_interval=10, ck_net_implementation="SIREN",
        wandb_project_name="ck-g-cnn", wandb_run_name="", bias=False, nesterov=False,
        augment=False, fix_seed=False, bottleneck_factor=1, model_load_path="",
    )  # fmt: skip
    for key, value in expected.items():
        assert config[key] == value, key


@pytest.mark.parametrize(
    "change, message",
    [
        (("--pooling", "0"), "Either no pooling or pooling"),
        (("--group", "Sim2"), "max_scale"),
        (("--ck_net_implementation", "RFF"), "CKNet implementation not found"),
    ],
)
def test_configuration_errors(change, message, config_module):
    argv = list(README_SE2_SEPARABLE)
    if change[0] in argv:
        argv = replace(argv, *change)
    else:
        argv += list(change)
    with pytest.raises(ValueError, match=message):
        config_module.build_config(argv)


def test_no_flags_win(config_module):
    argv = README_SE2_SEPARABLE + ["--no_pooling", "--no_padding", "--no_normalisation"]
    config = config_module.build_config(argv)
    assert (config["pooling"], config["padding"], config["normalisation"]) == (False, False, False)


def test_unimplemented_model_gives_a_clear_error(config_module):
    from ck_g_cnn.utils import build_group, build_model

    config = config_module.build_config(replace(README_SE2_SEPARABLE, "--model", "ckgwideresnet"))
    with pytest.raises(ValueError, match="not implemented in the original"):
        build_model(config, build_group("SE2"))


def run(args, cwd, monkeypatch, capsys):
    """Run run_experiment.py as __main__ in this process (no interpreter start-up) from ``cwd``;
    returns (exit code, stdout, stderr)."""
    monkeypatch.chdir(cwd)
    monkeypatch.setattr(sys, "argv", ["run_experiment.py", *args])
    monkeypatch.delitem(sys.modules, "config", raising=False)
    code = 0
    try:
        runpy.run_path(str(PACKAGE_DIR / "run_experiment.py"), run_name="__main__")
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
        print(exit_.code, file=sys.stderr)
    except Exception as error:  # noqa: BLE001 - the exit status a shell would see
        code = 1
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
    monkeypatch.delitem(sys.modules, "config", raising=False)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


TINY = (
    "--model ckgresnet --group SE2 --num_group_elements 4 --sampling_method discretise "
    "--hidden_sizes 4,4,8 --epochs 1 --batch_size 8 --learning_rate 1e-3 --optim adam "
    "--kernel_size 5 --stride 1 --dropout 0 --weight_decay 1e-4 --ck_net_num_hidden 1 "
    "--ck_net_hidden_size 16 --first_omega_0 10 --omega_0 10 --implementation separable "
    "--pooling 1 --normalisation batchnorm --padding 1 --no_wandb --num_workers 0 "
    "--print_interval 1"
).split()


def test_two_step_training_run_saves_and_reloads(tmp_path, monkeypatch, capsys):
    root = str(resolve_data_root())
    args = TINY + ["--dataset", "digits_rot", "--data_root", root, "--max_train_samples", "16",
                   "--max_test_samples", "8", "--log_dir", str(tmp_path / "runs")]  # fmt: skip
    code, out, err = run(args, tmp_path, monkeypatch, capsys)
    assert code == 0, err[-2000:]
    assert "number of trainable parameters:" in out
    assert "epoch 0 - iteration 1 - batch loss" in out
    assert "test set accuracy on 8 samples:" in out
    saved = list(tmp_path.glob("ckgresnet+separable+h_s-[[]4, 4, 8]*+ds-digits_rot.pt"))
    assert len(saved) == 1
    state = torch.load(saved[0], weights_only=True)
    assert "layers.2.gconv_1.kernel.cknet_H.final_linear.weight" in state["state_dict"]
    assert (tmp_path / "runs" / "metrics.csv").is_file()
    reload = args + ["--model_load_path", str(saved[0]), "--epochs", "0"]
    code, out, err = run(reload, tmp_path, monkeypatch, capsys)
    assert code == 0, err[-2000:]
    assert "test set accuracy on 8 samples:" in out


def test_pickled_model_needs_trust_flag(tmp_path, monkeypatch, capsys):
    pickled = tmp_path / "model.pt"
    torch.save(torch.nn.Linear(2, 2), pickled)
    args = TINY + ["--dataset", "digits_rot", "--data_root", str(resolve_data_root()),
                   "--model_load_path", str(pickled), "--epochs", "0"]  # fmt: skip
    code, _, err = run(args, tmp_path, monkeypatch, capsys)
    assert code != 0
    assert "--trust_pickled_model" in err


def test_missing_dataset_names_it_and_the_path(tmp_path, monkeypatch, capsys):
    args = TINY + ["--dataset", "MNIST_rot", "--data_root", str(tmp_path)]
    code, _, err = run(args, tmp_path, monkeypatch, capsys)
    assert code != 0
    assert "DatasetNotFoundError" in err
    assert "'MNIST_rot' not found" in err
    assert str(tmp_path / "RotatedMNIST") in err


def test_one_epoch_on_tiny_mnist_rot_files(tmp_path, monkeypatch, capsys):
    processed = tmp_path / "data" / "RotatedMNIST" / "processed"
    processed.mkdir(parents=True)
    gen = torch.Generator().manual_seed(0)
    for name, n in (("training.pt", 16), ("test.pt", 8)):
        images = torch.randint(0, 256, (n, 28, 28), generator=gen).to(torch.uint8)
        torch.save((images, torch.arange(n).remainder(10).to(torch.uint8)), processed / name)
    args = TINY + ["--dataset", "MNIST_rot", "--data_root", str(tmp_path / "data"),
                   "--log_dir", str(tmp_path / "runs")]  # fmt: skip
    code, out, err = run(args, tmp_path, monkeypatch, capsys)
    assert code == 0, err[-2000:]
    assert "test set accuracy on 8 samples:" in out
    assert list(tmp_path.glob("*+ds-MNIST_rot.pt"))
