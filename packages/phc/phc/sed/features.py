"""Audio reading and the STFT features of L3DAS21 Task 2 preprocessing.

:func:`spectrum_fast` computes, with ``torch.stft``, exactly what the original computes with
``scipy.signal.stft`` defaults: periodic window, ``nperseg // 2`` zeros on both sides, zero
padding at the end until the frames tile the signal, one-sided FFT of every windowed frame
divided by the window sum ("spectrum" scaling). :func:`load_ambisonics` reads a first-order
Ambisonics wav (4 channels at 32 kHz) with soundfile and refuses anything else, naming the file.
"""

from __future__ import annotations

import os

import numpy as np
import torch
from scipy.signal import get_window

from paramlab.data import DatasetCorruptError, DatasetNotFoundError
from phc.sed.labels import DATASET_NAME

__all__ = ["AMBISONICS_CHANNELS", "SAMPLE_RATE", "load_ambisonics", "spectrum_fast", "stft"]

SAMPLE_RATE = 32000
AMBISONICS_CHANNELS = 4
HOW_TO_OBTAIN = (
    "download L3DAS_Task2_train.zip and L3DAS_Task2_dev.zip from https://zenodo.org/record/4642005 "
    "(download_dataset.py --task Task2 --set_type train|dev) or generate a small scene set with "
    "python -m phc.sed.make_scenes --output_path <folder>"
)


def stft(x: np.ndarray | torch.Tensor, nperseg: int = 512, noverlap: int = 128, window="hamming"):
    """(…, N) signal -> (…, nperseg // 2 + 1, T) complex STFT as ``scipy.signal.stft`` defaults.

    X[f, m] = Σ_k w[k]·x̃[m·hop + k]·e^{−2πi f k / nperseg} / Σ_k w[k], hop = nperseg − noverlap,
    x̃ = x with nperseg // 2 zeros on both sides and zeros appended so that the frames tile it;
    T = (len(x̃) − nperseg) / hop + 1. Returns a tensor (complex64 for float32 input).
    """
    signal = torch.as_tensor(x)
    if not signal.is_floating_point():
        signal = signal.to(torch.get_default_dtype())
    hop = nperseg - noverlap
    if not 0 < hop <= nperseg:
        raise ValueError(f"noverlap={noverlap} must be in [0, nperseg={nperseg})")
    win = torch.as_tensor(get_window(window, nperseg), dtype=signal.dtype, device=signal.device)
    half = nperseg // 2
    length = signal.shape[-1] + 2 * half
    extra = (-(length - nperseg) % hop) % nperseg
    padded = torch.nn.functional.pad(signal, (half, half + extra))
    batch_shape = padded.shape[:-1]
    spec = torch.stft(
        padded.reshape(-1, padded.shape[-1]),
        n_fft=nperseg,
        hop_length=hop,
        window=win,
        center=False,
        onesided=True,
        return_complex=True,
    )
    return (spec / win.sum()).reshape(*batch_shape, *spec.shape[-2:])


def spectrum_fast(
    x,
    nperseg: int = 512,
    noverlap: int = 128,
    window="hamming",
    cut_dc: bool = True,
    output_phase: bool = True,
    cut_last_timeframe: bool = True,
    normalize: bool = True,
) -> np.ndarray:
    """(C, N) signal -> (C or 2C, F, T) magnitude (and phase) features, as the original.

    Magnitude |X| / nperseg; with ``output_phase`` the phases angle(X) / π follow the C
    magnitude channels on the channel axis; ``cut_dc`` drops bin 0 (→ nperseg / 2 bins),
    ``cut_last_timeframe`` the last frame (60 s at 32 kHz, hop 400 → 4800 frames). Returns a
    NumPy array of the input's floating dtype.
    """
    spec = stft(x, nperseg=nperseg, noverlap=noverlap, window=window)
    output = spec.abs()
    if normalize:
        output = output / nperseg
    if output_phase:
        phase = spec.angle()
        if normalize:
            phase = phase / torch.pi
        output = torch.cat([output, phase], dim=-3)
    if cut_dc:
        output = output[..., 1:, :]
    if cut_last_timeframe:
        output = output[..., :-1]
    return output.numpy()


def load_ambisonics(
    path: str | os.PathLike, sr: int = SAMPLE_RATE, channels: int = AMBISONICS_CHANNELS
) -> np.ndarray:
    """(channels, samples) float32 audio of one microphone's wav (soundfile, no resampling).

    Raises ``DatasetNotFoundError`` when the file is missing and ``DatasetCorruptError`` naming
    the file when it is unreadable or has another sample rate or channel count.
    """
    import soundfile as sf  # only the audio readers and writers need libsndfile

    if not os.path.isfile(path):
        raise DatasetNotFoundError(DATASET_NAME, path, HOW_TO_OBTAIN)
    try:
        audio, rate = sf.read(path, dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, ValueError) as error:
        raise DatasetCorruptError(DATASET_NAME, path, f"unreadable audio ({error})") from None
    if rate != sr:
        raise DatasetCorruptError(
            DATASET_NAME, path, f"sample rate {rate} Hz, expected {sr} Hz (no resampling is done)"
        )
    if audio.shape[1] != channels:
        raise DatasetCorruptError(
            DATASET_NAME,
            path,
            f"{audio.shape[1]} channel(s), expected {channels} (first-order Ambisonics)",
        )
    return np.ascontiguousarray(audio.T)
