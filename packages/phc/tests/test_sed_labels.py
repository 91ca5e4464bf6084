"""Label matrices and event lists of L3DAS21 Task 2 against the original's loop, written out."""

import csv

import numpy as np
import pytest
from phc.sed.labels import (
    SOUND_CLASSES,
    csv_to_matrix_task2,
    gen_submission_list_task2,
    segment_task2,
    sound_classes_dict_task2,
)

from paramlab.data import DatasetCorruptError


def reference_matrix(rows, dur=60, step=0.1, max_loc=2.0):
    """The original csv_to_matrix_task2 loop: quantise with round(), interp to frames, per-frame
    slot = number of slots of the class already set."""
    frames = int(dur / step)
    cl = np.zeros((frames, 14, 3))
    loc = np.zeros((frames, 14, 3, 3))
    for start, end, name, x, y, z in rows:
        q_start = round(float(start) / step) * step
        q_end = round(float(end) / step) * step
        f_start = int(np.interp(q_start, (0, dur), (0, frames - 1)))
        f_end = int(np.interp(q_end, (0, dur), (0, frames - 1)))
        c = sound_classes_dict_task2[name]
        for f in range(f_start, f_end + 1):
            pos = int(np.sum(cl[f][c]))
            cl[f][c][pos] = 1.0
            loc[f][c][pos] = (x, y, z)
    loc = loc / max_loc
    out = np.zeros((frames, 168))
    out[:, :42] = cl.reshape(frames, 42)
    out[:, 42:] = loc.reshape(frames, 126)
    return out


def write_csv(path, rows, columns=("File", "Start", "End", "Class", "X", "Y", "Z")):
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["some/file.wav", *row] if columns[0] == "File" else list(row))
    return path


ROWS = [
    (0.1, 0.3, "Knock", 1.0, -0.5, 0.25),  # frames 0..2 (t = k/10 -> frame k - 1)
    (0.2, 0.6, "Knock", -2.0, 1.5, -1.0),  # frames 1..5: slot 1 in 1..2, slot 0 in 3..5
    (0.3, 0.3, "Knock", 0.1, 0.2, 0.3),  # frame 2: slot 2 (three Knocks)
    (0.05, 0.25, "Laughter", 0.0, 0.0, 1.0),  # round(0.5) = 0 -> 0.0; round(2.5) = 2 -> 0.2
    (0.15, 0.35, "Printer", 0.5, 0.5, 0.5),  # 0.15/0.1 = 1.4999.. -> 0.1; 0.35 -> 0.3
    (59.96, 60.0, "Writing", 2.0, 0.0, 0.0),  # 60.0 -> frame 599
]


def test_matrix_equals_original_loop(tmp_path):
    path = write_csv(tmp_path / "label_split0_ov3_0.csv", ROWS)
    matrix = csv_to_matrix_task2(path, sound_classes_dict_task2)
    assert matrix.shape == (600, 168) and matrix.dtype == np.float64
    np.testing.assert_array_equal(matrix, reference_matrix(ROWS))


def test_frame_mapping_is_floor_t_599_over_60(tmp_path):
    path = write_csv(tmp_path / "l.csv", [(12.0, 12.0, "Knock", 0, 0, 0)])
    matrix = csv_to_matrix_task2(path)
    # int(12.0 * 599 / 60) = 119, not 120.
    assert np.flatnonzero(matrix[:, 7 * 3]).tolist() == [119]
    # round(2.5) = 2 (half to even): 0.25 s -> 0.2 s -> frame 1 (half up would give frame 2).
    path = write_csv(tmp_path / "m.csv", [(0.25, 0.25, "Knock", 0, 0, 0)])
    assert np.flatnonzero(csv_to_matrix_task2(path)[:, 21]).tolist() == [1]


def test_slots_follow_occupancy_per_frame(tmp_path):
    matrix = csv_to_matrix_task2(write_csv(tmp_path / "l.csv", ROWS))
    knock = matrix[:6, 21:24]
    assert knock.tolist() == [
        [1, 0, 0],
        [1, 1, 0],
        [1, 1, 1],
        [1, 0, 0],
        [1, 0, 0],
        [1, 0, 0],
    ]
    # The second event's location sits in slot 1 in frame 1 and in slot 0 in frame 3 (/ 2).
    np.testing.assert_allclose(matrix[1, 42 + 22 * 3 : 42 + 23 * 3], [-1.0, 0.75, -0.5])
    np.testing.assert_allclose(matrix[3, 42 + 21 * 3 : 42 + 22 * 3], [-1.0, 0.75, -0.5])
    assert np.flatnonzero(matrix[:, 8 * 3]).tolist() == [0, 1]  # Laughter
    assert np.flatnonzero(matrix[:, 10 * 3]).tolist() == [0, 1, 2]  # Printer
    assert np.flatnonzero(matrix[:, 13 * 3]).tolist() == [599]  # Writing: 59.96 -> 60.0 -> 599


def test_fourth_overlap_raises_index_error(tmp_path):
    rows = [(1.0, 2.0, "Telephone", 0, 0, 0)] * 4
    with pytest.raises(IndexError):
        csv_to_matrix_task2(write_csv(tmp_path / "l.csv", rows))


def test_no_overlaps_keeps_slot_zero(tmp_path):
    path = write_csv(tmp_path / "l.csv", ROWS)
    full = csv_to_matrix_task2(path)
    reduced = csv_to_matrix_task2(path, no_overlaps=True)
    assert reduced.shape == (600, 56)
    np.testing.assert_array_equal(reduced[:, :14], full[:, :42:3])


def test_short_recordings_use_their_duration(tmp_path):
    path = write_csv(tmp_path / "l.csv", [(0.0, 2.0, "Scissors", 0, 0, 0)])
    matrix = csv_to_matrix_task2(path, dur=2.0)
    assert matrix.shape == (20, 168)
    assert matrix[:, 11 * 3].sum() == 20


def test_csv_without_file_column_is_read(tmp_path):
    path = write_csv(
        tmp_path / "l.csv", [(1.0, 1.5, "Knock", 0, 0, 0)], ("Start", "End", "Class", "X", "Y", "Z")
    )
    assert csv_to_matrix_task2(path)[:, 21].sum() > 0


def test_missing_column_names_file_and_column(tmp_path):
    path = write_csv(
        tmp_path / "label_bad.csv",
        [("a", 1, 2, "Knock", 0, 0)],
        ("File", "Start", "End", "Class", "X", "Y"),
    )
    with pytest.raises(DatasetCorruptError) as info:
        csv_to_matrix_task2(path)
    assert "label_bad.csv" in str(info.value) and "lacks the column(s) Z" in str(info.value)


def test_unknown_class_and_bad_number(tmp_path):
    path = write_csv(tmp_path / "l.csv", [(1.0, 2.0, "Dog_bark", 0, 0, 0)])
    with pytest.raises(DatasetCorruptError, match="line 2: unknown class 'Dog_bark'"):
        csv_to_matrix_task2(path)
    path = write_csv(tmp_path / "n.csv", [("soon", 2.0, "Knock", 0, 0, 0)])
    with pytest.raises(DatasetCorruptError, match="must be numbers"):
        csv_to_matrix_task2(path)


def test_class_table_is_alphabetical():
    assert list(SOUND_CLASSES) == sorted(SOUND_CLASSES)
    assert sound_classes_dict_task2["Writing"] == 13 and len(SOUND_CLASSES) == 14


def test_submission_list_threshold_and_slot_drop():
    sed = np.zeros((4, 42))
    sed[0, 0] = 0.5  # np.round(0.5) == 0: not active
    sed[1, 4] = 0.51  # class 1, slot 1
    sed[1, 5] = 0.9  # class 1, slot 2 -> a second [1, 1] row
    sed[3, 41] = 1.0
    rows = gen_submission_list_task2(sed)
    assert rows.tolist() == [[1, 1], [1, 1], [3, 13]]
    fixed = gen_submission_list_task2(sed, threshold=0.5)
    assert fixed.tolist() == [[0, 0], [1, 1], [1, 1], [3, 13]]
    assert gen_submission_list_task2(np.zeros((3, 42))).shape == (0, 2)


def test_submission_list_with_locations():
    sed = np.zeros((2, 42))
    sed[1, 7] = 1.0  # class 2, slot 1
    doa = np.zeros((2, 126))
    doa[1, 21:24] = [0.5, -0.25, 0.1]
    rows = gen_submission_list_task2(sed, doa, max_loc_value=2.0)
    np.testing.assert_allclose(rows, [[1, 2, 1.0, -0.5, 0.2]])


def test_segment_task2_cuts_and_pads():
    predictors = np.arange(2 * 3 * 20, dtype=float).reshape(2, 3, 20)
    target = np.arange(5 * 4, dtype=float).reshape(5, 4)
    cuts_x, cuts_y = segment_task2(predictors, target, 8, 2, 0.5)
    assert len(cuts_x) == len(cuts_y) == 5
    np.testing.assert_array_equal(cuts_x[1], predictors[:, :, 4:12])
    assert cuts_x[-1].shape == (2, 3, 8) and np.all(cuts_x[-1][:, :, 4:] == 0)
    reshaped = target.reshape(1, 4, 5)  # the original reshapes, it does not transpose
    np.testing.assert_array_equal(cuts_y[1], reshaped[:, :, 1:3].reshape(2, 4))
    with pytest.raises(ValueError, match="same amount of frames"):
        segment_task2(predictors, target, 8, 4, 0.5)
