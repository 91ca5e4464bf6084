"""The Task 2 detection metric on hand-made event lists (counts worked out by hand)."""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
from phc.sed.metric import compute_seld_metrics, f_score, location_sensitive_detection

EPS = sys.float_info.epsilon


def counts(pred, true, n_frames=10, **kwargs):
    return location_sensitive_detection(np.array(pred), np.array(true), n_frames, **kwargs)[:3]


def test_exact_match():
    events = [[0, 1], [3, 2], [3, 5]]
    assert counts(events, events) == (3, 0, 0)
    assert counts(events, events, fixed=True) == (3, 0, 0)


def test_prediction_only_frame_counts_fp_twice():
    # Frame 4 has two predictions and no truth: the original adds 2 in the branch and 2 again.
    assert counts([[4, 1], [4, 2]], []) == (0, 4, 0)
    assert counts([[4, 1], [4, 2]], [], fixed=True) == (0, 2, 0)


def test_truth_only_frame_counts_fn_twice():
    assert counts([], [[7, 3]]) == (0, 0, 2)
    assert counts([], [[7, 3]], fixed=True) == (0, 0, 1)


def test_shared_prediction_gives_negative_fp():
    # Three true Knocks, one predicted Knock: all three truths match it -> TP 3, FP 1 - 3 = -2.
    pred = [[2, 7]]
    true = [[2, 7], [2, 7], [2, 7]]
    assert counts(pred, true) == (3, -2, 0)
    assert counts(pred, true, fixed=True) == (1, 0, 2)


def test_wrong_class_in_a_frame_with_both():
    assert counts([[1, 4]], [[1, 5]]) == (0, 1, 1)
    assert counts([[1, 4]], [[1, 5]], fixed=True) == (0, 1, 1)


def test_mixed_recording():
    pred = [[0, 1], [0, 1], [1, 2], [5, 9]]
    true = [[0, 1], [1, 3], [6, 9]]
    # Frame 0: 1 TP, FP 2-1 = 1. Frame 1: FP 1, FN 1. Frame 5: FP 1 + 1. Frame 6: FN 1 + 1.
    assert counts(pred, true) == (1, 4, 3)
    assert counts(pred, true, fixed=True) == (1, 3, 2)


def test_f_score_uses_float_epsilon():
    tp, fp, fn = 3, 1, 2
    precision, recall = tp / (tp + fp + EPS), tp / (tp + fn + EPS)
    expected = 2 * precision * recall / (precision + recall + EPS)
    assert f_score(tp, fp, fn) == (expected, precision, recall)
    assert f_score(0, 0, 0) == (0.0, 0.0, 0.0)
    assert (
        location_sensitive_detection(np.array([[0, 1]]), np.array([[0, 1]]), 2)[3]
        == (f_score(1, 0, 0)[0])
    )


def test_location_check():
    pred = [[0, 1, 0.0, 0.0, 0.0], [1, 1, 1.9, 0.0, 0.0]]
    true = [[0, 1, 0.5, 0.0, 0.0], [1, 1, 0.0, 0.0, 0.0]]
    assert counts(pred, true, spatial_threshold=1.0, use_location=True) == (1, 1, 1)
    assert counts(pred, true, spatial_threshold=2.0, use_location=True) == (2, 0, 0)
    assert counts(pred, true, spatial_threshold=1.0, use_location=True, fixed=True) == (1, 1, 1)


def test_fixed_matching_is_one_to_one_and_maximal():
    # Two predictions and two truths of one class, near each other pairwise: both match.
    pred = [[0, 2, 0.0, 0.0, 0.0], [0, 2, 1.0, 0.0, 0.0]]
    true = [[0, 2, 0.9, 0.0, 0.0], [0, 2, 0.1, 0.0, 0.0]]
    assert counts(pred, true, spatial_threshold=0.5, use_location=True, fixed=True) == (2, 0, 0)


def test_frames_beyond_n_frames_raise():
    with pytest.raises(IndexError):
        counts([[10, 1]], [], n_frames=10)


def test_folder_variant(tmp_path):
    (tmp_path / "pred").mkdir()
    (tmp_path / "truth").mkdir()
    np.savetxt(tmp_path / "pred" / "0.csv", [[0, 1, 0, 0, 0], [2, 3, 0, 0, 0]], delimiter=",")
    np.savetxt(tmp_path / "truth" / "0.csv", [[0, 1, 0, 0, 0]], delimiter=",")
    # Frame 0: TP 1. Frame 2: prediction only -> FP 2 (original counting).
    expected = f_score(1, 2, 0)[0]
    assert compute_seld_metrics(tmp_path / "pred", tmp_path / "truth", 10) == expected


def test_metric_modules_import_offline_without_task1_models():
    folder = Path(__file__).resolve().parents[1] / "sound-event-detection"
    for name in ("metrics", "utility_functions", "SEDNet"):
        spec = importlib.util.spec_from_file_location(f"sed_shim_{name}", folder / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        assert set(module.__all__) <= set(dir(module))
    assert not {"transformers", "jiwer", "pystoi"} & set(sys.modules)
