"""MusicNet (Thickstun et al. 2017) as DCN reads it: the 2017 ``musicnet.npz``, its splits and its
windows.

The file is a NumPy ``.npz`` whose members are keyed by a four-digit recording id; each holds a
pickled object array ``[audio, labels]``: the audio as a 1-D float array and the labels as an
``intervaltree.IntervalTree`` whose intervals ``[begin, end)`` are sample positions and whose
data is a tuple with the MIDI note number second. ``np.load(..., allow_pickle=True)`` would run
whatever code such a pickle names; :func:`read_npz` unpickles each member with paramlab's data-only
unpickler, which rebuilds arrays, builtins and exactly the two interval-tree classes, and refuses
anything else with an error naming the file.

Windows: a window of ``window_size`` samples is labelled with the notes sounding at its centre
sample (class = MIDI note − 21, 84 classes). Training batches take one random window from every
training recording; the evaluation sets take ``pos_per_file`` (7500) windows per recording with a
stride of 128 samples, starting one second in.
"""

from __future__ import annotations

import logging
import os
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import numpy as np
import torch
from torch import Tensor

from paramlab.data import DatasetCorruptError, DatasetNotFoundError, load_data_pickle

__all__ = [
    "DATASET",
    "HOW_TO_OBTAIN",
    "LOWEST_NOTE",
    "TEST_IDS",
    "VALID_IDS",
    "MusicNet",
    "intervaltree_classes",
    "labels_at",
    "note_table",
    "read_npz",
    "recording_ids",
    "resample_audio",
    "resample_labels",
    "splits",
    "write_npz",
]

DATASET = "MusicNet"
HOW_TO_OBTAIN = (
    "download the 2017 musicnet.npz from the MusicNet page (Thickstun et al.; about 11 GB) and "
    "resample it to 11 kHz with musicnet/scripts/resample.py (see packages/complexnn/README.md)"
)
TEST_IDS = ("2303", "2382", "1819")
VALID_IDS = ("2131", "2384", "1792", "2514", "2567", "1876")
LOWEST_NOTE = 21
log = logging.getLogger(__name__)


def intervaltree_classes() -> dict[tuple[str, str], object]:
    """The globals a MusicNet label pickle names (``Interval``, ``IntervalTree``), for the data-only
    unpickler's ``allow``. Needs the ``intervaltree`` package (extra ``musicnet``)."""
    try:
        from intervaltree import Interval, IntervalTree
    except ModuleNotFoundError as error:
        raise ModuleNotFoundError(
            "reading MusicNet labels needs the intervaltree package: "
            "pip install 'paramlab-complexnn[musicnet]'"
        ) from error
    return {
        ("intervaltree.interval", "Interval"): Interval,
        ("intervaltree.intervaltree", "IntervalTree"): IntervalTree,
    }


def _check_file(path: Path) -> None:
    if not path.is_file():
        raise DatasetNotFoundError(DATASET, path, HOW_TO_OBTAIN)
    if not zipfile.is_zipfile(path):
        raise DatasetCorruptError(DATASET, path, "not a NumPy .npz (zip) archive")


def recording_ids(path: str | Path) -> list[str]:
    """The recording ids of a MusicNet ``.npz`` in file order (read from the zip directory only)."""
    path = Path(path)
    _check_file(path)
    with zipfile.ZipFile(path) as archive:
        return [name[: -len(".npy")] for name in archive.namelist() if name.endswith(".npy")]


def _read_member(archive: zipfile.ZipFile, name: str, path: Path, allow: Mapping) -> np.ndarray:
    with archive.open(name) as stream:
        try:
            version = np.lib.format.read_magic(stream)
            header = (
                np.lib.format.read_array_header_1_0
                if version == (1, 0)
                else np.lib.format.read_array_header_2_0
            )
            shape, _, dtype = header(stream)
        except ValueError as error:
            raise DatasetCorruptError(DATASET, path, f"member {name}: {error}") from error
        if not dtype.hasobject:
            raise DatasetCorruptError(
                DATASET, path, f"member {name} holds a {dtype} array, not [audio, labels]"
            )
        value = load_data_pickle(stream, allow=allow)
    if not isinstance(value, np.ndarray) or value.shape != shape:
        raise DatasetCorruptError(
            DATASET, path, f"member {name} does not hold the {shape} array its header announces"
        )
    return value


def read_npz(
    path: str | Path, ids: Iterable[str] | None = None
) -> dict[str, tuple[np.ndarray, object]]:
    """Read recordings of a MusicNet ``.npz``: ``{id: (audio, IntervalTree)}``.

    ``ids`` selects recordings and their order (default: all, in file order). Pickled members
    are rebuilt by the data-only unpickler allowing the interval-tree classes only
    (``UnsafePickleError`` otherwise). Raises ``DatasetNotFoundError`` for a missing file and
    ``DatasetCorruptError`` for a member that is not a pair (1-D audio array, IntervalTree) or
    an unknown id.
    """
    path = Path(path)
    _check_file(path)
    allow = intervaltree_classes()
    tree_class = allow[("intervaltree.intervaltree", "IntervalTree")]
    data = {}
    with zipfile.ZipFile(path) as archive:
        members = {
            name[: -len(".npy")]: name for name in archive.namelist() if name.endswith(".npy")
        }
        wanted = list(members) if ids is None else list(ids)
        for key in wanted:
            if key not in members:
                raise DatasetCorruptError(DATASET, path, f"no recording {key!r} in the file")
            pair = _read_member(archive, members[key], path, allow)
            if pair.shape != (2,):
                raise DatasetCorruptError(
                    DATASET, path, f"recording {key}: expected [audio, labels], got {pair.shape}"
                )
            audio, labels = pair
            if not (isinstance(audio, np.ndarray) and audio.ndim == 1) or not isinstance(
                labels, tree_class
            ):
                raise DatasetCorruptError(
                    DATASET,
                    path,
                    f"recording {key}: expected (1-D audio array, IntervalTree), got "
                    f"({type(audio).__name__}, {type(labels).__name__})",
                )
            data[key] = (audio, labels)
    return data


def write_npz(path: str | Path, data: Iterable[tuple[str, tuple[np.ndarray, object]]]) -> Path:
    """Write ``(id, (audio, IntervalTree))`` pairs as a MusicNet ``.npz`` (the layout
    :func:`read_npz` reads: one pickled object array ``[audio, labels]`` per id), one recording
    at a time; the file appears only once complete."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    try:
        with zipfile.ZipFile(partial, "w", allowZip64=True) as archive:
            for key, (audio, labels) in data:
                pair = np.empty(2, dtype=object)
                pair[0], pair[1] = audio, labels
                with archive.open(f"{key}.npy", "w", force_zip64=True) as stream:
                    np.lib.format.write_array(stream, pair, allow_pickle=True)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


# resampy's 'kaiser_best' filter: 64 zero crossings, roll-off and Kaiser beta as resampy sets them
KAISER_BEST = {
    "lowpass_filter_width": 64,
    "rolloff": 0.9475937167399596,
    "beta": 14.769656459379492,
}


def resample_audio(audio: np.ndarray, frame_rate: int, frame_rate_out: int) -> np.ndarray:
    """Band-limited resampling of a 1-D signal (Kaiser-windowed sinc with resampy's
    ``kaiser_best`` parameters, computed in float64 by ``torchaudio.functional.resample``);
    ``int(len · frame_rate_out / frame_rate)`` samples, as resampy returns, in the input dtype."""
    from torchaudio.functional import resample

    signal = torch.from_numpy(np.asarray(audio, dtype=np.float64))
    out = resample(
        signal, frame_rate, frame_rate_out, resampling_method="sinc_interp_kaiser", **KAISER_BEST
    )
    length = int(len(audio) * frame_rate_out / frame_rate)
    return out[:length].numpy().astype(np.asarray(audio).dtype, copy=False)


def resample_labels(labels, ratio: float):
    """Scale every interval's ``begin``/``end`` by ``ratio`` (truncated to int, as DCN); intervals
    that become empty are dropped (an IntervalTree cannot hold them)."""
    classes = intervaltree_classes()
    interval = classes[("intervaltree.interval", "Interval")]
    tree = classes[("intervaltree.intervaltree", "IntervalTree")]
    scaled = (interval(int(iv.begin * ratio), int(iv.end * ratio), iv.data) for iv in labels)
    return tree(iv for iv in scaled if iv.begin < iv.end)


def splits(ids: Iterable[str], fast_load: bool = False) -> tuple[list[str], list[str], list[str]]:
    """DCN's split by recording id: ``(train, valid, test)``.

    Test ``2303, 2382, 1819``; validation ``2131, 2384, 1792, 2514, 2567, 1876``; training = every
    other id of the file (DCN's helper forgets to exclude the validation ids; here they are).
    ``fast_load`` keeps the first 6 training ids. Split ids the file lacks are left out.
    """
    ids = list(ids)
    train = [key for key in ids if key not in TEST_IDS and key not in VALID_IDS]
    if fast_load:
        train = train[:6]
    present = set(ids)
    return train, [k for k in VALID_IDS if k in present], [k for k in TEST_IDS if k in present]


def note_table(labels, output_size: int = 84) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The intervals of an IntervalTree as arrays ``(begin, end, class)``, class = note − 21.

    Notes outside ``21 … 20 + output_size`` (DCN would index out of range, or wrap for notes
    below 21) are dropped with a warning.
    """
    rows = np.array([(iv.begin, iv.end, iv.data[1]) for iv in labels], dtype=np.int64).reshape(
        -1, 3
    )
    classes = rows[:, 2] - LOWEST_NOTE
    keep = (classes >= 0) & (classes < output_size)
    if not keep.all():
        log.warning(
            "dropping %d label intervals with notes outside %d..%d",
            int((~keep).sum()),
            LOWEST_NOTE,
            LOWEST_NOTE + output_size - 1,
        )
    return rows[keep, 0], rows[keep, 1], classes[keep]


def labels_at(
    table: tuple[np.ndarray, np.ndarray, np.ndarray], positions: np.ndarray, output_size: int = 84
) -> np.ndarray:
    """Multi-hot ``(len(positions), output_size)``: the notes whose interval ``[begin, end)``
    contains each sample position (what ``IntervalTree[position]`` returns)."""
    begin, end, classes = table
    positions = np.asarray(positions, dtype=np.int64)
    inside = (begin[None, :] <= positions[:, None]) & (positions[:, None] < end[None, :])
    out = np.zeros((len(positions), output_size), dtype=np.float32)
    rows, cols = np.nonzero(inside)
    out[rows, classes[cols]] = 1.0
    return out


class MusicNet:
    """DCN's in-memory MusicNet: splits, training iterator and evaluation sets.

    Arguments and defaults as DCN's ``MusicNet`` (``feature_size`` is kept for parity and
    unused, as in DCN). Features are torch tensors ``(N, 1, window_size)``: the raw window
    (float32); with ``fourier`` its unnormalised FFT, complex64 for ``complex_`` and its modulus
    (float32) otherwise. ``rng`` (a ``numpy.random.RandomState``, default seeded with ``seed``)
    draws the training windows. ``pos_per_file`` and ``step`` set the evaluation windows.
    """

    def __init__(
        self,
        filename,
        in_memory: bool = True,
        window_size: int = 4096,
        output_size: int = 84,
        feature_size: int = 1024,
        sample_freq: int = 11000,
        complex_: bool = False,
        fourier: bool = False,
        stft: bool = False,
        fast_load: bool = False,
        rng: np.random.RandomState | None = None,
        seed: int = 123,
        pos_per_file: int = 7500,
        step: int = 128,
    ) -> None:
        if not in_memory:
            raise ValueError("in_memory=False: only in-memory loading exists (as in DCN)")
        if stft:
            raise ValueError("stft=True: the STFT features are not implemented; use fourier")
        if window_size % 2:
            raise ValueError(f"window_size={window_size} must be even")
        self.filename = Path(filename)
        self.window_size = window_size
        self.output_size = output_size
        self.feature_size = feature_size
        self.sample_freq = sample_freq
        self.complex_ = complex_
        self.fourier = fourier
        self.fast_load = fast_load
        self.pos_per_file = pos_per_file
        self.step = step
        self.rng = rng if rng is not None else np.random.RandomState(seed)
        self.train_data: dict[str, tuple[np.ndarray, object]] = {}
        self.valid_data: dict[str, tuple[np.ndarray, object]] = {}
        self.test_data: dict[str, tuple[np.ndarray, object]] = {}
        self._tables: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._eval_sets: dict[str, tuple[Tensor, Tensor]] = {}
        self._loaded = False

    @staticmethod
    def note_to_class(note: int) -> int:
        return note - LOWEST_NOTE

    def splits(self) -> tuple[list[str], list[str], list[str]]:
        return splits(recording_ids(self.filename), self.fast_load)

    def load(self) -> None:
        """Read the recordings of the three splits into memory (once)."""
        if self._loaded:
            return
        train, valid, test = self.splits()
        data = read_npz(self.filename, train + valid + test)
        for key in train + valid + test:
            self._tables[key] = note_table(data[key][1], self.output_size)
            short = len(data[key][0]) < self.window_size + 1
            if short:
                raise DatasetCorruptError(
                    DATASET,
                    self.filename,
                    f"recording {key} has {len(data[key][0])} samples, fewer than a window",
                )
        self.train_data = {key: data[key] for key in train}
        self.valid_data = {key: data[key] for key in valid}
        self.test_data = {key: data[key] for key in test}
        if not self.train_data:
            raise DatasetCorruptError(DATASET, self.filename, "no training recordings")
        self._loaded = True

    def aggregate_raw_batch(
        self, features: np.ndarray, output: np.ndarray
    ) -> tuple[Tensor, Tensor]:
        """``(N, window)`` samples and ``(N, 84)`` labels -> features ``(N, 1, window)`` and
        float32 targets (DCN's post-processing: raw, or FFT / |FFT| with ``fourier``)."""
        x = torch.as_tensor(np.asarray(features, dtype=np.float32)).unsqueeze(1)
        if self.fourier:
            spectrum = torch.fft.fft(x, dim=-1) if len(x) else x.to(torch.complex64)
            x = spectrum if self.complex_ else spectrum.abs()
        return x, torch.as_tensor(output, dtype=torch.float32)

    @property
    def feature_dim(self) -> tuple[int, int]:
        """``(channels, length)`` of one feature tensor."""
        return (1, self.window_size)

    def train_iterator(self) -> Iterator[tuple[Tensor, Tensor]]:
        """Endless batches: one window per training recording, centre ``s`` uniform in
        ``[window/2, len − window/2)``, labelled with the notes at ``s``."""
        self.load()
        half = self.window_size // 2
        while True:
            features = np.empty((len(self.train_data), self.window_size), dtype=np.float32)
            output = np.empty((len(self.train_data), self.output_size), dtype=np.float32)
            for j, (key, (audio, _)) in enumerate(self.train_data.items()):
                s = self.rng.randint(half, len(audio) - half)
                features[j] = audio[s - half : s + half]
                output[j] = labels_at(self._tables[key], [s], self.output_size)[0]
            yield self.aggregate_raw_batch(features, output)

    def construct_eval_set(self, data: Mapping[str, tuple[np.ndarray, object]]):
        """``pos_per_file`` windows per recording starting at ``sample_freq + j·step``, each
        labelled with the notes at its centre sample; ``(N, window)`` and ``(N, 84)`` arrays."""
        starts = self.sample_freq + self.step * np.arange(self.pos_per_file)
        n = len(data) * self.pos_per_file
        features = np.empty((n, self.window_size), dtype=np.float32)
        outputs = np.empty((n, self.output_size), dtype=np.float32)
        for i, (key, (audio, _)) in enumerate(data.items()):
            if starts[-1] + self.window_size > len(audio):
                raise DatasetCorruptError(
                    DATASET,
                    self.filename,
                    f"recording {key} ({len(audio)} samples) is too short for "
                    f"{self.pos_per_file} evaluation windows",
                )
            rows = slice(i * self.pos_per_file, (i + 1) * self.pos_per_file)
            features[rows] = audio[starts[:, None] + np.arange(self.window_size)]
            outputs[rows] = labels_at(
                self._tables[key], starts + self.window_size // 2, self.output_size
            )
        return features, outputs

    def eval_set(self, set_name: str) -> tuple[Tensor, Tensor]:
        """The ``'valid'`` or ``'test'`` set as ``(features, targets)`` tensors (built once)."""
        if set_name not in ("valid", "test"):
            raise ValueError(f"set_name={set_name!r} must be 'valid' or 'test'")
        self.load()
        if set_name not in self._eval_sets:
            data = self.valid_data if set_name == "valid" else self.test_data
            self._eval_sets[set_name] = self.aggregate_raw_batch(*self.construct_eval_set(data))
        return self._eval_sets[set_name]
