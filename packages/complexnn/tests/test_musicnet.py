"""MusicNet (spec §10, §13 item 23): the ``.npz`` reader on files written the way the 2017 release
was (object arrays ``[audio, IntervalTree]``), window labels, splits, features, the resampler, the
average-precision metric and a two-step ``musicnet/scripts/train.py`` run."""

from __future__ import annotations

import gzip
import importlib.util
import io
import json
import os
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch

intervaltree = pytest.importorskip("intervaltree", reason="MusicNet needs the musicnet extra")
from intervaltree import Interval, IntervalTree  # noqa: E402
from musicnet.callbacks import average_precision  # noqa: E402
from musicnet.dataset import (  # noqa: E402
    TEST_IDS,
    VALID_IDS,
    MusicNet,
    read_npz,
    recording_ids,
    resample_audio,
    resample_labels,
    splits,
    write_npz,
)
from musicnet.models import get_model  # noqa: E402

from paramlab.data import DatasetCorruptError, DatasetNotFoundError, UnsafePickleError  # noqa: E402

MUSICNET = Path(__file__).resolve().parents[1] / "musicnet"
LENGTH = 16000


def labels(seed: int) -> IntervalTree:
    """Note intervals as MusicNet stores them: data = (instrument, note, start beat, end beat,
    note value); two out-of-range notes (15 and 110) that the reader drops."""
    rng = np.random.default_rng(seed)
    tree = IntervalTree()
    for _ in range(12):
        begin = int(rng.integers(0, LENGTH - 100))
        end = begin + int(rng.integers(50, 6000))
        note = int(rng.integers(21, 105))
        tree.add(Interval(begin, end, (1, note, 0.5, 1.5, "Quarter")))
    tree.add(Interval(100, 15000, (41, 15, 0.0, 4.0, "Whole")))
    tree.add(Interval(11000, 15500, (41, 110, 0.0, 4.0, "Whole")))
    tree.add(Interval(11000 + 2048, 11001 + 2048, (1, 21, 0.0, 0.1, "Sixteenth")))
    return tree


def recordings() -> dict[str, tuple[np.ndarray, IntervalTree]]:
    """Two short recordings: a training one and a validation one (MusicNet ids)."""
    rng = np.random.default_rng(0)
    return {
        "1727": (rng.standard_normal(LENGTH + 500), labels(1)),
        VALID_IDS[0]: (rng.standard_normal(LENGTH), labels(2)),
    }


def save_like_the_release(path: Path, data) -> Path:
    """``numpy.savez`` of object arrays ``[audio, labels]``, as the 2017 file was made."""
    members = {}
    for key, (audio, tree) in data.items():
        pair = np.empty(2, dtype=object)
        pair[0], pair[1] = audio, tree
        members[key] = pair
    np.savez(path, **members)
    return path


@pytest.fixture
def npz(tmp_path) -> Path:
    return save_like_the_release(tmp_path / "musicnet.npz", recordings())


def assert_same(read, expected):
    assert list(read) == list(expected)
    for key, (audio, tree) in expected.items():
        np.testing.assert_array_equal(read[key][0], audio)
        assert read[key][0].dtype == audio.dtype
        assert isinstance(read[key][1], IntervalTree) and read[key][1] == tree


def test_reader_round_trips_the_release_format_and_its_own_writer(npz, tmp_path):
    expected = recordings()
    assert recording_ids(npz) == list(expected)
    assert_same(read_npz(npz), expected)
    assert_same(read_npz(npz, [VALID_IDS[0]]), {VALID_IDS[0]: expected[VALID_IDS[0]]})
    ours = write_npz(tmp_path / "ours.npz", expected.items())
    assert_same(read_npz(ours), expected)
    with np.load(ours, allow_pickle=True) as trusted:  # our own file: the plain loader agrees
        np.testing.assert_array_equal(trusted["1727"][0], expected["1727"][0])
        assert trusted["1727"][1] == expected["1727"][1]


def test_reader_reads_a_python2_era_protocol_2_member(tmp_path):
    audio, tree = recordings()["1727"]
    pair = np.empty(2, dtype=object)
    pair[0], pair[1] = audio, tree
    stream = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        stream, {"descr": "|O", "fortran_order": False, "shape": (2,)}
    )
    pickle.dump(pair, stream, protocol=2)
    path = tmp_path / "py2.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("1727.npy", stream.getvalue())
    assert_same(read_npz(path), {"1727": (audio, tree)})


class Payload:
    def __reduce__(self):
        return (os.system, ("echo pwned > pwned.txt",))


def test_a_malicious_member_is_refused_and_never_run(tmp_path, monkeypatch, run_script):
    monkeypatch.chdir(tmp_path)
    pair = np.empty(2, dtype=object)
    pair[0], pair[1] = np.zeros(LENGTH), Payload()
    np.savez(tmp_path / "evil.npz", **{"1727": pair})
    with pytest.raises(UnsafePickleError, match=r"refusing to unpickle \w+\.system"):
        read_npz(tmp_path / "evil.npz")
    assert not (tmp_path / "pwned.txt").exists()
    code, _, err = run_script("train.py", "x", "--local-data", "evil.npz", cwd=tmp_path)
    assert code == 2 and "refusing to unpickle" in err
    assert not (tmp_path / "pwned.txt").exists()


def test_missing_and_malformed_files(tmp_path):
    with pytest.raises(DatasetNotFoundError, match=r"'MusicNet' not found: looked for .*nope\.npz"):
        read_npz(tmp_path / "nope.npz")
    with pytest.raises(DatasetNotFoundError):
        MusicNet(tmp_path / "nope.npz").load()
    np.savez(tmp_path / "plain.npz", **{"1727": np.zeros(3)})
    with pytest.raises(DatasetCorruptError, match="holds a float64 array"):
        read_npz(tmp_path / "plain.npz")
    (tmp_path / "text.npz").write_text("not a zip")
    with pytest.raises(DatasetCorruptError, match="not a NumPy .npz"):
        read_npz(tmp_path / "text.npz")
    pair = np.empty(2, dtype=object)
    pair[0], pair[1] = np.zeros(8), [1, 2]
    np.savez(tmp_path / "nolabels.npz", **{"1727": pair})
    with pytest.raises(DatasetCorruptError, match=r"\(ndarray, list\)"):
        read_npz(tmp_path / "nolabels.npz")


def test_splits_follow_dcn_without_its_validation_leak():
    ids = [f"{i:04d}" for i in range(1000, 1010)] + list(VALID_IDS) + list(TEST_IDS)
    train, valid, test = splits(ids)
    assert valid == list(VALID_IDS) and test == list(TEST_IDS)
    assert train == ids[:10]
    assert splits(ids, fast_load=True)[0] == ids[:6]
    assert splits(["1727", "2303"]) == (["1727"], [], ["2303"])


def notes_at(tree: IntervalTree, position: int) -> np.ndarray:
    """The independent label: what the IntervalTree says sounds at ``position``, as 84 classes."""
    out = np.zeros(84, dtype=np.float32)
    for interval in tree[position]:
        if 21 <= interval.data[1] <= 104:
            out[interval.data[1] - 21] = 1
    return out


def test_evaluation_windows_and_their_centre_labels(npz):
    data = recordings()
    dataset = MusicNet(npz, pos_per_file=5, step=128)
    x, y = dataset.eval_set("valid")
    assert x.shape == (5, 1, 4096) and y.shape == (5, 84)  # pos_per_file windows per file
    audio, tree = data[VALID_IDS[0]]
    for j in range(5):
        start = 11000 + 128 * j  # one second in, stride 128
        np.testing.assert_array_equal(x[j, 0].numpy(), audio[start : start + 4096].astype("f4"))
        np.testing.assert_array_equal(y[j].numpy(), notes_at(tree, start + 2048))
    # the one-sample note at the first window's centre is found; out-of-range notes are dropped
    assert y[0, 0] == 1 and y[1, 0] == 0
    assert dataset.eval_set("test")[0].shape == (0, 1, 4096)
    features, outputs = dataset.construct_eval_set(data)  # pos_per_file windows per recording
    assert features.shape == (2 * 5, 4096) and outputs.shape == (2 * 5, 84)
    np.testing.assert_array_equal(features[5], data[VALID_IDS[0]][0][11000:15096].astype("f4"))


def test_training_batches_take_one_centred_window_per_recording(npz):
    data = recordings()
    dataset = MusicNet(npz, seed=7)
    x, y = next(dataset.train_iterator())
    assert list(dataset.train_data) == ["1727"] and x.shape == (1, 1, 4096)
    audio, tree = data["1727"]
    s = np.random.RandomState(7).randint(2048, len(audio) - 2048)
    np.testing.assert_array_equal(x[0, 0].numpy(), audio[s - 2048 : s + 2048].astype("f4"))
    np.testing.assert_array_equal(y[0].numpy(), notes_at(tree, s))


def test_fourier_features(npz):
    window = recordings()[VALID_IDS[0]][0][11000 : 11000 + 4096].astype("f4")
    spectrum = np.fft.fft(window.astype(np.float64))
    complex_x = MusicNet(npz, pos_per_file=1, fourier=True, complex_=True).eval_set("valid")[0]
    real_x = MusicNet(npz, pos_per_file=1, fourier=True).eval_set("valid")[0]
    assert complex_x.dtype == torch.complex64 and real_x.dtype == torch.float32
    scale = np.abs(spectrum).max()
    np.testing.assert_allclose(complex_x[0, 0].numpy(), spectrum, atol=1e-5 * scale)
    np.testing.assert_allclose(real_x[0, 0].numpy(), np.abs(spectrum), atol=1e-5 * scale)


def test_resampling_length_content_and_labels():
    rate, rate_out, n = 44100, 11000, 30000
    t = np.arange(n) / rate
    tone = np.sin(2 * np.pi * 440 * t).astype(np.float32)
    out = resample_audio(tone, rate, rate_out)
    assert out.shape == (int(n * rate_out / rate),) and out.dtype == np.float32  # resampy's length
    expected = np.sin(2 * np.pi * 440 * np.arange(len(out)) / rate_out)
    inner = slice(200, len(out) - 200)  # away from the zero-padded ends
    np.testing.assert_allclose(out[inner], expected[inner], atol=2e-3)
    alias = resample_audio(np.sin(2 * np.pi * 7000 * t), rate, rate_out)  # above 5.5 kHz
    assert np.abs(alias[inner]).max() < 1e-2
    tree = IntervalTree(
        [Interval(1000, 4001, (1, 60, 0, 1, "Half")), Interval(10, 12, (1, 61, 0, 1, "x"))]
    )
    ratio = rate_out / rate
    assert resample_labels(tree, ratio) == IntervalTree(
        [Interval(int(1000 * ratio), int(4001 * ratio), (1, 60, 0, 1, "Half"))]
    )  # begin/end truncated; the note that collapses to an empty interval is dropped


def script(name: str):
    """Import ``musicnet/scripts/<name>`` as a module (its ``main(argv)`` is the command line)."""
    path = MUSICNET / "scripts" / name
    spec = importlib.util.spec_from_file_location(f"musicnet_script_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def run_script(capsys, monkeypatch):
    """``run_script(name, *args, cwd=...)`` -> (exit code, stdout, stderr) of the script's main."""

    def run(name: str, *args: str, cwd: Path):
        monkeypatch.chdir(cwd)
        capsys.readouterr()
        code = script(name).main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_resample_script(npz, tmp_path, run_script):
    code, _, err = run_script("resample.py", str(npz), "out.npz", "44100", "11000", cwd=tmp_path)
    assert code == 0, err
    data, out = recordings(), read_npz(tmp_path / "out.npz")
    assert list(out) == list(data)
    for key, (audio, tree) in data.items():
        np.testing.assert_array_equal(out[key][0], resample_audio(audio, 44100, 11000))
        assert out[key][1] == resample_labels(tree, 11000 / 44100)
    code, _, err = run_script("resample.py", "nope.npz", "o.npz", "44100", "11000", cwd=tmp_path)
    assert code == 2 and "not found" in err
    assert not (tmp_path / "o.npz").exists()


def average_precision_by_thresholds(y, s):
    """AP as the definition reads: for each distinct score t (decreasing), the precision and recall
    of ``s >= t``; AP = Σ (R(t) − R(previous t)) · P(t)."""
    y, s = np.ravel(y), np.ravel(s)
    total, previous, recall_before = 0.0, None, 0.0
    for t in sorted(set(s.tolist()), reverse=True):
        chosen = s >= t
        precision = y[chosen].sum() / chosen.sum()
        recall = y[chosen].sum() / y.sum()
        total += (recall - recall_before) * precision
        recall_before, previous = recall, t
    assert previous is not None
    return total


def test_average_precision():
    # ranks 1..4: hits at 1 and 3 -> (1/2)·1 + (1/2)·(2/3)
    assert average_precision([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1]) == pytest.approx(5 / 6)
    # tied scores are one threshold: {0.5, 0.5} gives P = 1/2 at R = 1/2, then P = 2/3 at R = 1
    assert average_precision([1, 0, 1], [0.5, 0.5, 0.2]) == pytest.approx(0.25 + 1 / 3)
    assert average_precision([0, 1], [0.9, 0.1]) == pytest.approx(0.5)
    assert np.isnan(average_precision([0, 0], [0.3, 0.2]))
    rng = np.random.default_rng(0)
    y = (rng.random((60, 84)) < 0.05).astype(np.float32)  # frames x notes, flattened (micro)
    s = np.round(rng.random((60, 84)) + y * 0.3, 2)  # rounding makes ties
    assert average_precision(y, s) == pytest.approx(average_precision_by_thresholds(y, s))
    with pytest.raises(ValueError, match="must match"):
        average_precision([1, 0], [0.5])


def test_average_precision_matches_scikit_learn_when_installed():
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(1)
    y = (rng.random(3000) < 0.1).astype(int)
    s = np.round(rng.random(3000) + 0.2 * y, 3)
    assert average_precision(y, s) == pytest.approx(metrics.average_precision_score(y, s))


@pytest.mark.parametrize(
    "flags",
    [
        ["--model", "shallow_convnet"],
        # DCN README's shallow complex command (no --fourier): broken in DCN, a real window here
        ["--model", "complex_shallow_convnet", "--complex"],
        ["--model", "complex_deep_convnet", "--fourier", "--complex"],
    ],
)
def test_train_script_two_steps(npz, tmp_path, flags, run_script):
    code, out, err = run_script(
        "train.py",
        "smoke",
        "--in-memory",
        *flags,
        "--epochs",
        "1",
        "--steps-per-epoch",
        "2",
        "--eval-windows",
        "3",
        "--local-data",
        str(npz),
        "--device",
        "cpu",
        cwd=tmp_path,
    )
    assert code == 0, err
    assert ".. parameters:" in out
    with gzip.open(tmp_path / "models" / "log_smoke.jsonl.gz", "rt") as handle:
        log = [json.loads(line) for line in handle]
    valid = [r for r in log if "valid_avg_precision" in r]
    assert [r["epoch"] for r in valid] == [0, 1]  # before training and after the epoch
    assert all(0 <= r["valid_avg_precision"] <= 1 and r["valid_loss"] > 0 for r in valid)
    assert not any("test_avg_precision" in r for r in log)  # no test recording in this file
    assert any("train_function_time" in r for r in log)
    model = flags[1]
    link = tmp_path / "models" / "chkpts" / "model_checkpoint.pt"
    assert os.readlink(link) == f"model{model}_checkpoint000001.pt"
    state = torch.load(link, weights_only=True)
    assert state["initialEpoch"] == 1
    get_model(model, (1, 4096)).load_state_dict(state["model"], strict=True)


def test_train_script_missing_data(tmp_path, run_script, capsys):
    code, _, err = run_script("train.py", "x", "--local-data", "nope.npz", cwd=tmp_path)
    assert code == 2
    assert "'MusicNet' not found" in err and "nope.npz" in err
    with pytest.raises(SystemExit) as exit_info:
        script("train.py").main(["--help"])
    assert exit_info.value.code == 0
    help_text = capsys.readouterr().out
    for flag in (
        "--in-memory",
        "--complex",
        "--model",
        "--epochs",
        "--fourier",
        "--stft",
        "--fast-load",
        "--local-data",
    ):
        assert flag in help_text
