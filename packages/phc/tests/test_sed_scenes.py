"""The synthetic L3DAS21-format scene generator: layout, determinism, Ambisonics rendering."""

import csv
import hashlib

import numpy as np
import pytest
from phc.sed import make_scenes
from phc.sed.labels import LABEL_COLUMNS, SOUND_CLASSES, csv_to_matrix_task2
from phc.sed.scenes import ambisonic_gains, class_sound, make_scene, render_scene, write_dataset

sf = pytest.importorskip("soundfile")


def _digest(folder):
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    root = tmp_path_factory.mktemp("scenes")
    written = make_scenes.main(
        ["--output_path", str(root / "Task2"), "--num_scenes", "4", "--duration", "1.5"]
    )
    return root / "Task2", written


def test_layout_and_names(dataset):
    root, written = dataset
    assert written["L3DAS_Task2_train"] == [
        "split0_ov1_0",
        "split0_ov2_1",
        "split0_ov3_2",
        "split0_ov1_3",
    ]
    assert len(written["L3DAS_Task2_dev"]) == 1
    for folder, stems in written.items():
        for stem in stems:
            for mic in "AB":
                info = sf.info(root / folder / "data" / f"{stem}_{mic}.wav")
                assert (info.samplerate, info.channels, info.frames) == (32000, 4, 48000)
                assert info.subtype == "PCM_16"
            assert (root / folder / "labels" / f"label_{stem}.csv").is_file()


def test_label_csv_columns_ranges_and_overlaps(dataset):
    root, written = dataset
    for stem in written["L3DAS_Task2_train"]:
        path = root / "L3DAS_Task2_train" / "labels" / f"label_{stem}.csv"
        with open(path, newline="") as handle:
            reader = csv.DictReader(handle)
            assert tuple(reader.fieldnames) == LABEL_COLUMNS
            rows = list(reader)
        overlap = int(stem.split("_")[1][2:])
        for row in rows:
            assert row["Class"] in SOUND_CLASSES
            assert 0.0 <= float(row["Start"]) < float(row["End"]) <= 1.5
            assert abs(float(row["X"])) <= 2 and abs(float(row["Y"])) <= 1.5
            assert abs(float(row["Z"])) <= 1
        matrix = csv_to_matrix_task2(path, dur=1.5)
        assert matrix[:, :42].sum(axis=1).max() <= overlap


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    write_dataset(tmp_path / "a", num_scenes=2, duration=1.0, seed=5)
    write_dataset(tmp_path / "b", num_scenes=2, duration=1.0, seed=5)
    write_dataset(tmp_path / "c", num_scenes=2, duration=1.0, seed=6)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")


def test_first_order_ambisonics_gains_of_one_event():
    rng = np.random.default_rng(0)
    event = {"start": 0.1, "end": 0.6, "class_id": 0, "position": [1.0, -1.2, 0.5]}
    signals = render_scene([event], 1.0, rng)
    for mic, origin in (("A", np.zeros(3)), ("B", np.array([0.2, 0.0, 0.0]))):
        offset = np.array(event["position"]) - origin
        distance = np.linalg.norm(offset)
        # ACN/SN3D: W = s, Y = s·y/r, Z = s·z/r, X = s·x/r, all scaled by 1/r.
        expected = np.array([1.0, offset[1], offset[2], offset[0]]) / np.array(
            [1.0, distance, distance, distance]
        )
        segment = signals[mic][:, 4000:18000]
        w = segment[0]
        ratios = segment @ w / (w @ w)
        np.testing.assert_allclose(ratios, expected, atol=2e-3)
    # Mic B is 20 cm along +X: its W channel is the same sound, delayed by the extra path
    # length / c and scaled by r_A / r_B.
    r_a = np.linalg.norm(event["position"])
    r_b = np.linalg.norm(np.array(event["position"]) - [0.2, 0.0, 0.0])
    delay = round(r_b / 343.0 * 32000) - round(r_a / 343.0 * 32000)
    w_a, w_b = signals["A"][0], signals["B"][0]
    lags = np.arange(-40, 41)
    scores = [w_a[4000:18000] @ w_b[4000 + lag : 18000 + lag] for lag in lags]
    assert lags[int(np.argmax(scores))] == delay != 0
    shifted = w_b[4000 + delay : 18000 + delay]
    np.testing.assert_allclose(
        np.linalg.norm(shifted) / np.linalg.norm(w_a[4000:18000]), r_a / r_b, rtol=1e-2
    )
    np.testing.assert_allclose(ambisonic_gains(np.array([0.0, 0.0, 2.0])), [1, 0, 1, 0])


def test_class_sounds_own_disjoint_bands():
    rng = np.random.default_rng(1)
    bands = []
    for class_id in range(len(SOUND_CLASSES)):
        sound = class_sound(class_id, 16000, rng)
        assert np.abs(sound).max() <= 1.0 + 1e-9
        power = np.abs(np.fft.rfft(sound)) ** 2
        freqs = np.fft.rfftfreq(16000, 1 / 32000)
        base = 500.0 + 800.0 * class_id
        low, high = 0.97 * base - 40, 1.03 * base + 40
        assert power[(freqs >= low) & (freqs <= high)].sum() > 0.95 * power.sum()
        bands.append((low, high))
    assert all(next_low > high for (_, high), (next_low, _) in zip(bands, bands[1:], strict=False))


def test_make_scene_respects_tracks():
    rng = np.random.default_rng(2)
    for overlap in (1, 2, 3):
        events = make_scene(rng, 10.0, overlap)
        times = np.linspace(0, 10, 2001)
        active = [sum(e["start"] <= t <= e["end"] for e in events) for t in times]
        assert max(active) <= overlap
        assert len(events) >= overlap
    events = make_scene(rng, 30.0, 3, num_classes=4)
    assert {event["class_id"] for event in events} == {0, 1, 2, 3}
    with pytest.raises(ValueError, match="num_classes=15"):
        make_scene(rng, 3.0, 1, num_classes=15)


def test_invalid_arguments(tmp_path):
    with pytest.raises(ValueError, match="num_scenes=0"):
        write_dataset(tmp_path, num_scenes=0)
    with pytest.raises(ValueError, match="duration=0.5"):
        write_dataset(tmp_path, num_scenes=1, duration=0.5)
