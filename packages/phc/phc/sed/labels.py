"""L3DAS21 Task 2 labels: the class table, label-CSV reading and the frame label matrices.

A label CSV (``labels/label_split<X>_ov<k>_<Y>.csv``) has a header row and one row per sound
event with the columns ``File, Start, End, Class, X, Y, Z`` (seconds, one of the 14 class names,
metres); only ``Start, End, Class, X, Y, Z`` are read. :func:`csv_to_matrix_task2` turns it into
the (frames, 14·3 + 14·3·3) target matrix of the original ``utility_functions.py``, with the
original's frame mapping kept exactly (see its docstring).
"""

from __future__ import annotations

import csv
import os

import numpy as np

from paramlab.data import DatasetCorruptError

__all__ = [
    "DATASET_NAME",
    "LABEL_COLUMNS",
    "MAX_OVERLAPS",
    "SOUND_CLASSES",
    "csv_to_matrix_task2",
    "gen_submission_list_task2",
    "read_label_csv",
    "segment_task2",
    "sound_classes_dict_task2",
]

DATASET_NAME = "L3DAS21 Task 2"

#: The 14 sound classes of L3DAS21 Task 2; the class id is the alphabetical position.
SOUND_CLASSES = (
    "Chink_and_clink",
    "Computer_keyboard",
    "Cupboard_open_or_close",
    "Drawer_open_or_close",
    "Female_speech_and_woman_speaking",
    "Finger_snapping",
    "Keys_jangling",
    "Knock",
    "Laughter",
    "Male_speech_and_man_speaking",
    "Printer",
    "Scissors",
    "Telephone",
    "Writing",
)
sound_classes_dict_task2 = {name: index for index, name in enumerate(SOUND_CLASSES)}

#: Columns of the released label CSVs, in order; ``File`` is not read.
LABEL_COLUMNS = ("File", "Start", "End", "Class", "X", "Y", "Z")
_REQUIRED = ("Start", "End", "Class", "X", "Y", "Z")
#: Slots per class: at most three simultaneous events of one class.
MAX_OVERLAPS = 3


def read_label_csv(path: str | os.PathLike, class_dict: dict[str, int] | None = None) -> list:
    """Rows of a label CSV as ``(start, end, class_id, x, y, z)`` tuples, in file order.

    Raises ``DatasetCorruptError`` naming the file when a required column is missing, a class
    name is unknown or a number does not parse.
    """
    class_dict = sound_classes_dict_task2 if class_dict is None else class_dict
    with open(path, newline="") as handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        missing = [name for name in _REQUIRED if name not in columns]
        if missing:
            raise DatasetCorruptError(
                DATASET_NAME,
                path,
                f"label CSV lacks the column(s) {', '.join(missing)} (has: {', '.join(columns)};"
                f" expected {', '.join(LABEL_COLUMNS)})",
            )
        rows = []
        for line, row in enumerate(reader, start=2):
            if row["Class"] not in class_dict:
                raise DatasetCorruptError(
                    DATASET_NAME, path, f"line {line}: unknown class {row['Class']!r}"
                )
            try:
                start, end, x, y, z = (float(row[key]) for key in ("Start", "End", "X", "Y", "Z"))
            except (TypeError, ValueError):
                raise DatasetCorruptError(
                    DATASET_NAME, path, f"line {line}: Start/End/X/Y/Z must be numbers: {row}"
                ) from None
            rows.append((start, end, class_dict[row["Class"]], x, y, z))
    return rows


def csv_to_matrix_task2(
    path: str | os.PathLike,
    class_dict: dict[str, int] | None = None,
    dur: float = 60,
    step: float = 0.1,
    max_loc_value: float = 2.0,
    no_overlaps: bool = False,
) -> np.ndarray:
    """(frames, 168) float64 target matrix of one label CSV (frames = int(dur / step)).

    Columns: 42 activities (``class·3 + slot``) then 126 locations (``(class·3 + slot)·3 +
    xyz``, divided by ``max_loc_value``); with ``no_overlaps`` only slot 0 is kept (frames, 56).
    Per row, in file order, as the original: start and end are quantised with Python's
    ``round(t / step) · step`` (half to even) and mapped to frames by
    ``int(np.interp(t, [0, dur], [0, frames - 1]))`` (⌊t·(frames−1)/dur⌋, not t/step); every frame
    in [start, end] gets the event in slot ``pos`` = number of slots of that class already set
    in that frame (so one event may sit in different slots in different frames). A fourth
    simultaneous event of one class raises ``IndexError``, as in the original.
    """
    rows = read_label_csv(path, class_dict)
    num_classes = len(sound_classes_dict_task2 if class_dict is None else class_dict)
    num_frames = int(dur / step)
    activity = np.zeros((num_frames, num_classes, MAX_OVERLAPS))
    location = np.zeros((num_frames, num_classes, MAX_OVERLAPS, 3))

    def to_frame(seconds: float) -> int:
        quantised = round(seconds / step) * step
        return int(np.interp(quantised, (0, dur), (0, num_frames - 1)))

    for start, end, class_id, x, y, z in rows:
        frames = np.arange(to_frame(start), to_frame(end) + 1)
        slots = activity[frames, class_id].sum(axis=1).astype(np.int64)
        if frames.size and slots.max() >= MAX_OVERLAPS:
            raise IndexError(
                f"{path}: more than {MAX_OVERLAPS} simultaneous {class_id=} events in frame "
                f"{frames[slots.argmax()]}"
            )
        activity[frames, class_id, slots] = 1.0
        location[frames, class_id, slots] = (x, y, z)
    location = location / max_loc_value
    if no_overlaps:
        activity = activity[:, :, 0].reshape(num_frames, num_classes)
        location = location[:, :, 0, :].reshape(num_frames, num_classes * 3)
    else:
        activity = activity.reshape(num_frames, num_classes * MAX_OVERLAPS)
        location = location.reshape(num_frames, num_classes * MAX_OVERLAPS * 3)
    return np.concatenate([activity, location], axis=1)


def segment_task2(
    predictors: np.ndarray,
    target: np.ndarray,
    predictors_len_segment: int = 50 * 8,
    target_len_segment: int = 50,
    overlap: float = 0.5,
) -> tuple[list, list]:
    """Cut (C, F, T) features and their (frames, D) target into aligned, zero-padded chunks.

    Chunks start every ``int(len · overlap)`` steps of each axis; the numbers of chunk starts
    must agree (``ValueError`` otherwise). The target is reshaped (not transposed) to
    (1, D, frames) before cutting and back after, exactly as the original does.
    """
    reshaped = target.reshape(1, target.shape[-1], target.shape[0])
    starts_p = np.arange(0, predictors.shape[-1], int(predictors_len_segment * overlap))
    starts_t = np.arange(0, reshaped.shape[-1], int(target_len_segment * overlap))
    if len(starts_p) != len(starts_t):
        raise ValueError(
            "Predictors and test frames should be selected to produce the same amount of frames"
        )

    def padded(chunk: np.ndarray, length: int) -> np.ndarray:
        out = np.zeros((*chunk.shape[:2], length))
        out[:, :, : chunk.shape[-1]] = chunk
        return out

    cuts_x, cuts_y = [], []
    for start_p, start_t in zip(starts_p, starts_t, strict=True):
        end_p, end_t = start_p + predictors_len_segment, start_t + target_len_segment
        if end_p <= predictors.shape[-1]:
            cut_x = predictors[:, :, start_p:end_p]
            cut_y = reshaped[:, :, start_t:end_t]
        else:
            cut_x = padded(predictors[:, :, start_p:], predictors_len_segment)
            cut_y = padded(reshaped[:, :, start_t:], target_len_segment)
        cuts_x.append(cut_x)
        cuts_y.append(np.reshape(cut_y, (cut_y.shape[-1], cut_y.shape[1])))
    return cuts_x, cuts_y


def gen_submission_list_task2(
    sed: np.ndarray,
    doa: np.ndarray | None = None,
    max_loc_value: float = 2.0,
    num_frames: int = 600,
    num_classes: int = 14,
    max_overlaps: int = 3,
    threshold: float | None = None,
) -> np.ndarray:
    """Event list of a (frames, classes·overlaps) activity matrix: rows ``[frame, class]``.

    As the original: an entry is active when ``np.round(p) != 0`` (so exactly 0.5 is *not*
    active) and the slot is dropped (column j → class j // max_overlaps). With ``threshold``,
    an entry is active when ``p >= threshold`` instead. With ``doa`` (frames, classes·overlaps·3,
    scaled by 1 / max_loc_value) rows are ``[frame, class, x, y, z]`` in metres, as the
    location-aware L3DAS21 version. Returns an int array (n, 2) or a float array (n, 5).
    """
    sed = np.asarray(sed)
    active = np.round(sed) != 0 if threshold is None else sed >= threshold
    frames, columns = np.nonzero(active)
    classes = columns // max_overlaps
    if doa is None:
        return np.stack([frames, classes], axis=1).astype(np.int64)
    coords = np.asarray(doa).reshape(len(sed), -1, 3)[frames, columns] * max_loc_value
    return np.concatenate([np.stack([frames, classes], axis=1), coords], axis=1)
