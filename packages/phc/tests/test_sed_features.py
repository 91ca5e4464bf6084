"""STFT features of L3DAS21 Task 2 against an independent NumPy reference of the original's
``scipy.signal.stft`` call, and the audio reader's refusals."""

import numpy as np
import pytest
from phc.sed.features import load_ambisonics, spectrum_fast
from scipy import signal

from paramlab.data import DatasetCorruptError, DatasetNotFoundError

sf = pytest.importorskip("soundfile")


def reference_spectrum(x, nperseg, noverlap, output_phase):
    """The original's features written out: periodic Hamming window, nperseg/2 zeros at both
    ends, zeros appended until the hops tile the signal, rFFT of each windowed frame / Σw,
    |X|/nperseg (+ angle/π after all magnitudes), bin 0 and the last frame dropped."""
    x = np.asarray(x, dtype=np.float64)
    hop = nperseg - noverlap
    window = 0.54 - 0.46 * np.cos(2 * np.pi * np.arange(nperseg) / nperseg)
    padded = np.concatenate(
        [np.zeros((x.shape[0], nperseg // 2)), x, np.zeros((x.shape[0], nperseg // 2))], axis=1
    )
    extra = (-(padded.shape[1] - nperseg) % hop) % nperseg
    padded = np.concatenate([padded, np.zeros((x.shape[0], extra))], axis=1)
    count = (padded.shape[1] - nperseg) // hop + 1
    frames = np.stack([padded[:, m * hop : m * hop + nperseg] for m in range(count)], axis=-1)
    spec = np.fft.rfft(frames * window[None, :, None], axis=1) / window.sum()
    out = np.abs(spec) / nperseg
    if output_phase:
        out = np.concatenate([out, np.angle(spec) / np.pi], axis=0)
    return out[:, 1:, :-1], np.abs(spec)[:, 1:, :-1]


def _phase_close(actual, expected, magnitude, atol=1e-4):
    mask = magnitude > 1e-3 * magnitude.max()
    diff = np.abs(actual - expected)
    diff = np.minimum(diff, 2.0 - diff)  # angles / π wrap at ±1
    assert diff[mask].max() < atol


@pytest.mark.parametrize("length", [3200, 7777, 1000])
def test_spectrum_matches_reference(length):
    rng = np.random.default_rng(length)
    x = rng.standard_normal((8, length)).astype(np.float32)
    out = spectrum_fast(x, nperseg=512, noverlap=112, window="hamming", output_phase=True)
    expected, magnitude = reference_spectrum(x, 512, 112, True)
    assert out.dtype == np.float32
    assert out.shape == expected.shape == (16, 256, expected.shape[-1])
    scale = np.abs(expected[:8]).max()
    assert np.abs(out[:8] - expected[:8]).max() < 2e-6 * scale
    _phase_close(out[8:], expected[8:], magnitude)


def test_spectrum_equals_the_original_scipy_call():
    x = np.random.default_rng(1).standard_normal((4, 4000)).astype(np.float32)
    _, _, spec = signal.stft(x, window="hamming", nperseg=512, noverlap=112)
    out = spectrum_fast(x, nperseg=512, noverlap=112, output_phase=False)
    expected = np.abs(spec)[:, 1:, :-1] / 512
    assert np.abs(out - expected).max() < 2e-6 * expected.max()


def test_sixty_seconds_give_4800_frames_and_phase_layout():
    x = np.zeros((1, 60 * 32000), dtype=np.float32)
    x[0, ::997] = 1.0
    assert spectrum_fast(x, nperseg=512, noverlap=112, output_phase=False).shape == (1, 256, 4800)
    # Two mics with phase: [magA(4), magB(4), phaseA(4), phaseB(4)].
    two = np.random.default_rng(2).standard_normal((8, 8000)).astype(np.float32)
    two[4:] *= 10.0
    out = spectrum_fast(two, nperseg=512, noverlap=112, output_phase=True)
    assert out.shape[0] == 16
    assert out[4:8].mean() > 5 * out[:4].mean()
    assert np.abs(out[8:]).max() <= 1.0


def _write(path, channels, rate, seconds=0.1):
    sf.write(path, np.zeros((int(rate * seconds), channels)), rate, "PCM_16")
    return path


def test_load_ambisonics_reads_channels_first(tmp_path):
    data = np.random.default_rng(3).uniform(-0.5, 0.5, (3200, 4))
    sf.write(tmp_path / "a.wav", data, 32000, "FLOAT")
    audio = load_ambisonics(tmp_path / "a.wav")
    assert audio.shape == (4, 3200) and audio.dtype == np.float32
    np.testing.assert_allclose(audio, data.T, atol=1e-7)


@pytest.mark.parametrize(
    ("channels", "rate", "problem"),
    [(2, 32000, "2 channel(s), expected 4"), (4, 16000, "sample rate 16000 Hz, expected 32000")],
)
def test_load_ambisonics_refuses_bad_files(tmp_path, channels, rate, problem):
    path = _write(tmp_path / "bad_A.wav", channels, rate)
    with pytest.raises(DatasetCorruptError) as info:
        load_ambisonics(path)
    assert problem in str(info.value) and str(path) in str(info.value)


def test_load_ambisonics_missing_and_unreadable(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="zenodo.org/record/4642005"):
        load_ambisonics(tmp_path / "missing_A.wav")
    (tmp_path / "junk_A.wav").write_bytes(b"not a wav file at all")
    with pytest.raises(DatasetCorruptError, match="unreadable audio"):
        load_ambisonics(tmp_path / "junk_A.wav")
