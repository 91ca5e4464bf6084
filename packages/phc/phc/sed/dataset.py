"""L3DAS21 Task 2 on disk: recordings and labels in, the preprocessing pickles out and back.

Layout read (the released archives, or :mod:`phc.sed.scenes`)::

    <input_path>/L3DAS_Task2_train/data/split<X>_ov<k>_<Y>_A.wav (and _B.wav)
    <input_path>/L3DAS_Task2_train/labels/label_split<X>_ov<k>_<Y>.csv
    <input_path>/L3DAS_Task2_dev/...

Written (pickle protocol 4, as the original ``preprocessing.py``):
``task2_{predictors,target}_{train,validation,test}.pkl`` — train / validation are lists of
arrays, test is one stacked array. Pickles are read back with :func:`read_pickle`, which only
rebuilds NumPy arrays and plain containers (``paramlab.data.load_data_pickle``) and refuses
anything else.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from paramlab.data import (
    DatasetCorruptError,
    DatasetNotFoundError,
    UnsafePickleError,
    load_data_pickle,
    resolve_data_root,
)
from phc.sed.features import HOW_TO_OBTAIN, SAMPLE_RATE, load_ambisonics, spectrum_fast
from phc.sed.labels import DATASET_NAME, csv_to_matrix_task2, segment_task2

__all__ = [
    "FOLDERS",
    "PickleRefusedError",
    "Task2Config",
    "label_path_for",
    "list_recordings",
    "normalize_predictors",
    "preprocess_task2",
    "process_folder",
    "read_pickle",
    "resolve_input_path",
    "write_pickle",
]

#: (folder, role) of Task 2: the train folder is split into train/validation, dev is the test.
FOLDERS = ("L3DAS_Task2_train", "L3DAS_Task2_dev")


#: The error for a refused pickle: paramlab's, under the name this package has always used.
PickleRefusedError = UnsafePickleError


def _check_no_objects(value, path) -> None:
    if isinstance(value, np.ndarray) and value.dtype.hasobject:
        raise PickleRefusedError(f"{path}: object arrays are not read")
    if isinstance(value, list | tuple):
        for item in value:
            _check_no_objects(item, path)
    elif isinstance(value, dict):
        for item in value.values():
            _check_no_objects(item, path)


def read_pickle(path: str | os.PathLike):
    """Load a pickle holding only NumPy arrays/scalars and plain containers (lists, tuples,
    dicts) of them; object arrays are refused too.

    Raises ``FileNotFoundError`` for a missing file and :class:`PickleRefusedError` (naming the
    file) for any other object, which is never constructed.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path} (run preprocessing.py --task 2 first)")
    value = load_data_pickle(path)
    _check_no_objects(value, path)
    return value


def write_pickle(value, path: str | os.PathLike) -> Path:
    """Pickle ``value`` with protocol 4 (the original's) via a temporary file and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    with open(partial, "wb") as handle:
        pickle.dump(value, handle, protocol=4)
    os.replace(partial, path)
    return path


def label_path_for(wav_path: str | os.PathLike) -> Path:
    """``<folder>/data/<name>_A.wav`` -> ``<folder>/labels/label_<name>.csv`` (original rule)."""
    wav_path = Path(wav_path)
    name = "label_" + wav_path.name.replace("_A", "").replace(".wav", ".csv")
    return wav_path.parent.parent / "labels" / name


def list_recordings(
    folder: str | os.PathLike, ov_subsets: Sequence[str], sort_files: bool = False
) -> list[str]:
    """Names in ``folder/data`` of mic-A recordings whose ``ov`` field is in ``ov_subsets``.

    The original's order is ``os.listdir`` (file-system dependent, so the train/validation
    split is too); ``sort_files`` sorts by name. Raises ``DatasetNotFoundError`` when the folder
    is missing and ``DatasetCorruptError`` when it holds no mic-A recording.
    """
    data_path = Path(folder) / "data"
    if not data_path.is_dir():
        raise DatasetNotFoundError(DATASET_NAME, data_path, HOW_TO_OBTAIN)
    names = os.listdir(data_path)
    if sort_files:
        names = sorted(names)
    names = [name for name in names if name.split(".")[0].split("_")[-1] == "A"]
    if not names:
        raise DatasetCorruptError(
            DATASET_NAME,
            data_path,
            "no recordings: expected files named split<X>_ov<k>_<Y>_A.wav (and _B.wav)",
            f"How to obtain them: {HOW_TO_OBTAIN}",
        )
    return [name for name in names if name.split("_")[-3] in ov_subsets]


def resolve_input_path(
    input_path: str | os.PathLike, data_root: str | os.PathLike | None = None
) -> Path:
    """``input_path`` if it is a folder, else ``<data root>/L3DAS21/Task2`` if that is one.

    The data root is ``data_root`` (the ``--data_root`` flag), else ``$PARAMLAB_DATA``, else the
    repository's ``datasets/``. Raises ``DatasetNotFoundError`` naming both places otherwise.
    """
    path = Path(input_path)
    if path.is_dir():
        return path
    candidate = resolve_data_root(data_root) / "L3DAS21" / "Task2"
    if candidate.is_dir():
        print(f"{path} not found: reading {candidate} (the data root)")
        return candidate
    raise DatasetNotFoundError(DATASET_NAME, f"{path} (nor {candidate})", HOW_TO_OBTAIN)


@dataclass
class Task2Config:
    """The Task 2 options of ``preprocessing.py`` (names and defaults as its flags)."""

    num_mics: int = 1
    num_data: int | None = None
    frame_len: int = 100
    stft_nperseg: int = 512
    stft_noverlap: int = 112
    stft_window: str = "hamming"
    output_phase: bool = False
    predictors_len_segment: int | None = None
    target_len_segment: int | None = None
    segment_overlap: float | None = None
    ov_subsets: Sequence[str] = ("ov1", "ov2", "ov3")
    no_overlaps: bool = False
    file_size: float = 60.0
    sort_files: bool = False


def _load_example(sound_path: Path, config: Task2Config) -> tuple[np.ndarray, np.ndarray]:
    samples = load_ambisonics(sound_path)
    expected = round(config.file_size * SAMPLE_RATE)
    if samples.shape[-1] != expected:
        raise DatasetCorruptError(
            DATASET_NAME,
            sound_path,
            f"{samples.shape[-1]} samples ({samples.shape[-1] / SAMPLE_RATE:g} s), expected "
            f"{expected} ({config.file_size:g} s; pass --file_size for other lengths)",
        )
    if config.num_mics == 2:
        b_path = sound_path.with_name(sound_path.name[:-5] + "B" + sound_path.name[-4:])
        samples_b = load_ambisonics(b_path)
        if samples_b.shape != samples.shape:
            raise DatasetCorruptError(
                DATASET_NAME,
                b_path,
                f"{samples_b.shape[-1]} samples, but mic A has {samples.shape[-1]}",
            )
        samples = np.concatenate([samples, samples_b], axis=-2)
    features = spectrum_fast(
        samples,
        nperseg=config.stft_nperseg,
        noverlap=config.stft_noverlap,
        window=config.stft_window,
        output_phase=config.output_phase,
    )
    label_path = label_path_for(sound_path)
    if not label_path.is_file():
        raise DatasetNotFoundError(DATASET_NAME, label_path, HOW_TO_OBTAIN)
    label = csv_to_matrix_task2(
        label_path,
        dur=config.file_size,
        step=config.frame_len / 1000.0,
        max_loc_value=2.0,
        no_overlaps=config.no_overlaps,
    )
    return features, label


def process_folder(folder: str | os.PathLike, config: Task2Config) -> tuple[list, list]:
    """Features and label matrices of one Task 2 folder, in the original's file order."""
    print(f"Processing {folder} folder...")
    predictors, target = [], []
    count = 0
    for name in list_recordings(folder, config.ov_subsets, config.sort_files):
        features, label = _load_example(Path(folder) / "data" / name, config)
        if config.predictors_len_segment is not None and config.target_len_segment is not None:
            cuts_x, cuts_y = segment_task2(
                features,
                label,
                predictors_len_segment=config.predictors_len_segment,
                target_len_segment=config.target_len_segment,
                overlap=config.segment_overlap,
            )
            predictors.extend(cuts_x)
            target.extend(cuts_y)
        else:
            predictors.append(features)
            target.append(label)
        count += 1
        if config.num_data is not None and count >= config.num_data:
            break
    return predictors, target


def preprocess_task2(
    input_path: str | os.PathLike,
    output_path: str | os.PathLike,
    config: Task2Config,
    train_val_split: float = 0.8,
) -> dict[str, tuple]:
    """Run Task 2 preprocessing and write the six pickles; returns the split shapes.

    The train folder's examples are split in order (first ``int(n · train_val_split)`` for
    training, the rest for validation); the dev folder is the test set (stacked array).
    """
    if config.num_mics not in (1, 2):
        raise ValueError(f"num_mics={config.num_mics} must be 1 or 2")
    train_folder, test_folder = (Path(input_path) / folder for folder in FOLDERS)
    predictors_train, target_train = process_folder(train_folder, config)
    predictors_test, target_test = process_folder(test_folder, config)
    split_point = int(len(predictors_train) * train_val_split)
    splits = {
        "train": (predictors_train[:split_point], target_train[:split_point]),
        "validation": (predictors_train[split_point:], target_train[split_point:]),
        "test": (np.array(predictors_test), np.array(target_test)),
    }
    print("Saving files")
    for split, (predictors, target) in splits.items():
        write_pickle(predictors, Path(output_path) / f"task2_predictors_{split}.pkl")
        write_pickle(target, Path(output_path) / f"task2_target_{split}.pkl")
    print("Matrices successfully saved")
    shapes = {split: (np.shape(p), np.shape(t)) for split, (p, t) in splits.items()}
    for split, (p_shape, t_shape) in shapes.items():
        print(f"{split.capitalize()} set shape: ", p_shape, t_shape)
    return shapes


def normalize_predictors(predictors: np.ndarray, magnitude_channels: int = 8) -> np.ndarray:
    """Standardise one split with its own statistics, as the original train/evaluate scripts.

    Channels [:, :8] (taken as magnitudes) and [:, 8:] (phases) are each shifted by their mean
    and divided by their standard deviation over the whole slice, whatever the layout (with
    4 channels of one microphone all are "magnitudes"; an empty phase slice is left alone).
    Returns a new float array.
    """
    out = np.array(predictors, copy=True)
    for part in (slice(None, magnitude_channels), slice(magnitude_channels, None)):
        chunk = out[:, part]
        if chunk.size:
            out[:, part] = (chunk - chunk.mean()) / chunk.std()
    return out
