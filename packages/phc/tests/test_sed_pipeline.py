"""The original Task 2 scripts end to end on generated scenes: preprocessing.py ->
train_baseline_task2.py (1 epoch) -> evaluate_baseline_task2.py, plus their bad-input errors."""

import importlib.util
import json
import os
import pickle
from pathlib import Path

import numpy as np
import pytest
import torch
from phc.sed.dataset import (
    PickleRefusedError,
    Task2Config,
    list_recordings,
    process_folder,
    read_pickle,
)
from phc.sed.features import load_ambisonics, spectrum_fast
from phc.sed.labels import csv_to_matrix_task2
from phc.sed.metric import f_score
from phc.sed.models import build_sednet
from phc.sed.scenes import write_dataset

from paramlab.train import load_checkpoint

SCRIPTS = Path(__file__).resolve().parents[1] / "sound-event-detection"
SMALL_MODEL = [
    "--cnn_filters",
    "[16,32,64,128]",
    "--pool_size",
    "[[4,2],[4,2],[2,2],[1,1]]",
    "--rnn_size",
    "16",
    "--fc_size",
    "32",
    "--use_cuda",
    "False",
]

sf = pytest.importorskip("soundfile")


def script(name):
    spec = importlib.util.spec_from_file_location(f"sed_script_{name}", SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    root = tmp_path_factory.mktemp("l3das")
    write_dataset(root / "Task2", num_scenes=5, num_dev_scenes=2, duration=2.0, seed=3)
    script("preprocessing").main(
        [
            "--task",
            "2",
            "--input_path",
            str(root / "Task2"),
            "--output_path",
            str(root / "processed"),
            "--num_mics",
            "2",
            "--output_phase",
            "True",
            "--frame_len",
            "100",
            "--file_size",
            "2",
            "--sort_files",
        ]
    )
    return root


def test_preprocessing_outputs(processed):
    out = processed / "processed"
    train = read_pickle(out / "task2_predictors_train.pkl")
    validation = read_pickle(out / "task2_predictors_validation.pkl")
    test = read_pickle(out / "task2_predictors_test.pkl")
    assert isinstance(train, list) and len(train) == 4 and len(validation) == 1
    assert isinstance(test, np.ndarray) and test.shape == (2, 16, 256, 160)
    assert test.dtype == np.float32
    target = read_pickle(out / "task2_target_test.pkl")
    assert target.shape == (2, 20, 168)
    # Sorted order: the first training example is split0_ov1_0, built from its A and B wavs.
    data = processed / "Task2" / "L3DAS_Task2_train" / "data"
    audio = np.concatenate(
        [load_ambisonics(data / "split0_ov1_0_A.wav"), load_ambisonics(data / "split0_ov1_0_B.wav")]
    )
    np.testing.assert_array_equal(train[0], spectrum_fast(audio, 512, 112, "hamming", True))
    label = csv_to_matrix_task2(data.parent / "labels" / "label_split0_ov1_0.csv", dur=2.0)
    np.testing.assert_array_equal(read_pickle(out / "task2_target_train.pkl")[0], label)


def _train(processed, architecture, extra=()):
    out = processed / "processed"
    paths = []
    for flag, split in (("training", "train"), ("validation", "validation"), ("test", "test")):
        for kind in ("predictors", "target"):
            paths += [f"--{flag}_{kind}_path", str(out / f"task2_{kind}_{split}.pkl")]
    arch = [] if architecture is None else ["--architecture", architecture]
    results = processed / "results" / (architecture or "default")
    args = [*paths, *arch, "--input_channels", "16", "--epochs", "1", "--batch_size", "2"]
    args += ["--lr", "1e-3", "--fixed_seed", "True", "--results_path", str(results)]
    return script("train_baseline_task2").main(
        [*args, "--checkpoint_dir", str(results), *SMALL_MODEL, *extra]
    ), results


def _evaluate(processed, checkpoint, architecture, fixed, extra=()):
    out = processed / "processed"
    args = ["--model_path", str(checkpoint), "--input_channels", "16", "--num_frames", "20"]
    args += ["--predictors_path", str(out / "task2_predictors_test.pkl")]
    args += ["--target_path", str(out / "task2_target_test.pkl")]
    args += ["--results_path", str(checkpoint.parent / ("fixed" if fixed else "metrics"))]
    if architecture:
        args += ["--architecture", architecture]
    return script("evaluate_baseline_task2").main(
        [*args, *SMALL_MODEL, *(["--fixed_metric"] if fixed else []), *extra]
    )


@pytest.mark.parametrize("architecture", [None, "phmsednet_n4"])
def test_train_one_epoch_then_evaluate(processed, architecture):
    results, folder = _train(processed, architecture)
    name = architecture or "seldnet_augmented"  # the default name builds the real SEDNet
    checkpoint = folder / f"checkpoint_{name}"
    state = load_checkpoint(checkpoint)
    assert set(state) == {"model_state_dict", "optimizer_state_dict", "state"}
    # Saved before the epoch counter moves on, as the original.
    assert state["state"]["epochs"] == 0 and state["state"]["step"] == 2
    model = build_sednet(
        name,
        160,
        input_channels=16,
        cnn_filters=[16, 32, 64, 128],
        pool_size=[[4, 2], [4, 2], [2, 2], [1, 1]],
        rnn_size=16,
        fc_size=32,
    )
    model.load_state_dict(state["model_state_dict"], strict=True)
    assert ("cnn.0.0.F" in state["model_state_dict"]) == (architecture is not None)
    saved = np.load(folder / "results_dict.json.npy", allow_pickle=True).item()
    assert set(saved) == {"train_loss", "val_loss", "test_loss", "train_loss_hist", "val_loss_hist"}
    assert json.loads((folder / "results_dict.json").read_text())["test_loss"] == pytest.approx(
        results["test_loss"]
    )
    assert 0.0 < results["test_loss"] < 5.0

    target = read_pickle(processed / "processed" / "task2_target_test.pkl")
    true_events = int(target[:, :, :42].sum())
    original = _evaluate(processed, checkpoint, architecture, fixed=False)
    fixed = _evaluate(processed, checkpoint, architecture, fixed=True)
    for counts in (original, fixed):
        assert counts["F score"] == pytest.approx(
            f_score(counts["TP"], counts["FP"], counts["FN"])[0]
        )
    # One-to-one counting: every true event is a TP or an FN, exactly once.
    assert fixed["TP"] + fixed["FN"] == true_events and fixed["FP"] >= 0
    saved = np.load(folder / "metrics" / "task2_metrics_dict.json.npy", allow_pickle=True).item()
    assert saved == {k: original[k] for k in ("precision", "recall", "F score")}


def test_resume_from_checkpoint(processed):
    _, folder = _train(processed, "phmsednet_n4")
    checkpoint = folder / "checkpoint_phmsednet_n4"
    _, again = _train(processed, "phmsednet_n4", ["--load_model", str(checkpoint)])
    assert load_checkpoint(again / "checkpoint_phmsednet_n4")["state"]["step"] == 4


def test_refuses_a_pickle_that_runs_code(processed, tmp_path):
    marker = tmp_path / "executed"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    evil = tmp_path / "task2_predictors_train.pkl"
    evil.write_bytes(pickle.dumps([Evil()], protocol=4))
    with pytest.raises(PickleRefusedError, match="refusing to unpickle"):
        read_pickle(evil)
    out = processed / "processed"
    with pytest.raises(SystemExit, match="refusing to unpickle"):
        script("train_baseline_task2").main(
            [
                "--training_predictors_path",
                str(evil),
                "--training_target_path",
                str(out / "task2_target_train.pkl"),
            ]
        )
    assert not marker.exists()


def _folder_with(
    tmp_path, channels=4, rate=32000, seconds=1.0, columns="File,Start,End,Class,X,Y,Z"
):
    for name in ("L3DAS_Task2_train", "L3DAS_Task2_dev"):
        (tmp_path / name / "data").mkdir(parents=True)
        (tmp_path / name / "labels").mkdir()
    data = tmp_path / "L3DAS_Task2_train" / "data"
    sf.write(data / "split0_ov1_0_A.wav", np.zeros((int(rate * seconds), channels)), rate)
    sf.write(data / "split0_ov1_0_B.wav", np.zeros((int(rate * seconds), channels)), rate)
    label = tmp_path / "L3DAS_Task2_train" / "labels" / "label_split0_ov1_0.csv"
    label.write_text(
        columns
        + "\n"
        + ",".join(["x.wav", "0.1", "0.5", "Knock", "0", "0", "0"][: len(columns.split(","))])
        + "\n"
    )
    return data / "split0_ov1_0_A.wav", label


def _preprocess(path):
    script("preprocessing").main(
        [
            "--task",
            "2",
            "--input_path",
            str(path),
            "--output_path",
            str(path / "out"),
            "--file_size",
            "1",
        ]
    )


@pytest.mark.parametrize(
    ("kwargs", "problem", "culprit"),
    [
        ({"channels": 2}, "2 channel(s), expected 4", "wav"),
        ({"rate": 16000}, "sample rate 16000 Hz, expected 32000 Hz", "wav"),
        ({"seconds": 0.5}, "expected 32000 (1 s; pass --file_size", "wav"),
        ({"columns": "File,Start,End,Class,X,Y"}, "lacks the column(s) Z", "label"),
    ],
)
def test_bad_input_stops_naming_file_and_problem(tmp_path, kwargs, problem, culprit):
    wav, label = _folder_with(tmp_path, **kwargs)
    with pytest.raises(SystemExit) as info:
        _preprocess(tmp_path)
    message = str(info.value.code)
    assert problem in message
    assert str(wav if culprit == "wav" else label) in message


def test_empty_and_missing_folders(tmp_path, monkeypatch):
    monkeypatch.setenv("PARAMLAB_DATA", str(tmp_path / "no_data_root"))
    (tmp_path / "L3DAS_Task2_train" / "data").mkdir(parents=True)
    with pytest.raises(SystemExit) as info:
        _preprocess(tmp_path)
    assert "no recordings" in str(info.value.code)
    assert str(tmp_path / "L3DAS_Task2_train" / "data") in str(info.value.code)
    with pytest.raises(SystemExit) as info:
        _preprocess(tmp_path / "nowhere")
    assert "not found" in str(info.value.code) and "zenodo.org/record/4642005" in str(
        info.value.code
    )


def test_task_one_and_bad_literals_are_refused(tmp_path):
    with pytest.raises(SystemExit):
        script("preprocessing").main(["--task", "1", "--input_path", str(tmp_path)])
    with pytest.raises(SystemExit):
        script("preprocessing").main(["--task", "2", "--output_phase", "__import__('os')"])


def test_evaluate_missing_checkpoint(processed, tmp_path):
    with pytest.raises(SystemExit, match="checkpoint not found"):
        _evaluate(processed, tmp_path / "checkpoint_none", None, fixed=False)
    torch.save({"model_state_dict": {}}, tmp_path / "ok")  # loads, then fails strict loading
    with pytest.raises(RuntimeError):
        _evaluate(processed, tmp_path / "ok", None, fixed=False)


def test_segmentation_subsets_and_num_data(processed):
    folder = processed / "Task2" / "L3DAS_Task2_train"
    assert list_recordings(folder, ["ov1"], sort_files=True) == [
        "split0_ov1_0_A.wav",
        "split0_ov1_3_A.wav",
    ]
    config = Task2Config(
        num_mics=1,
        num_data=1,
        file_size=2.0,
        predictors_len_segment=80,
        target_len_segment=10,
        segment_overlap=0.5,
        ov_subsets=["ov2"],
        sort_files=True,
    )
    cuts_x, cuts_y = process_folder(folder, config)
    # One file (split0_ov2_1), 160 STFT frames cut every 40 and 20 label frames every 5.
    assert len(cuts_x) == len(cuts_y) == 4
    assert cuts_x[0].shape == (4, 256, 80) and cuts_y[0].shape == (10, 168)
    whole, _ = process_folder(
        folder, Task2Config(num_data=1, file_size=2.0, ov_subsets=["ov2"], sort_files=True)
    )
    np.testing.assert_array_equal(cuts_x[1], whole[0][:, :, 40:120])
    np.testing.assert_array_equal(cuts_x[3][:, :, :40], whole[0][:, :, 120:])


def test_input_path_falls_back_to_the_data_root(processed, tmp_path, monkeypatch):
    root = tmp_path / "root"
    (root / "L3DAS21").mkdir(parents=True)
    (root / "L3DAS21" / "Task2").symlink_to(processed / "Task2")
    monkeypatch.setenv("PARAMLAB_DATA", str(root))
    monkeypatch.chdir(tmp_path)
    script("preprocessing").main(
        ["--task", "2", "--input_path", "DATASETS/Task2", "--num_data", "1", "--file_size", "2"]
    )
    assert read_pickle(tmp_path / "DATASETS" / "processed" / "task2_target_test.pkl").shape == (
        1,
        20,
        168,
    )


def test_legacy_phm_checkpoint_loads_with_legacy_keys(processed, tmp_path):
    _, folder = _train(processed, "phmsednet_n4")
    state = load_checkpoint(folder / "checkpoint_phmsednet_n4")
    legacy = {
        key.replace(".A", ".a").replace(".F", ".s"): value
        for key, value in state["model_state_dict"].items()
    }
    assert "cnn.0.0.s" in legacy and "cnn.0.0.F" not in legacy
    old = tmp_path / "checkpoint_old"
    torch.save({**state, "model_state_dict": legacy}, old)
    with pytest.raises(RuntimeError):
        _evaluate(processed, old, "phmsednet_n4", fixed=True)
    remapped = _evaluate(processed, old, "phmsednet_n4", fixed=True, extra=["--legacy_keys"])
    direct = _evaluate(processed, folder / "checkpoint_phmsednet_n4", "phmsednet_n4", fixed=True)
    assert (remapped["TP"], remapped["FP"], remapped["FN"]) == (
        direct["TP"],
        direct["FP"],
        direct["FN"],
    )
