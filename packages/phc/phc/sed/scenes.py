"""Small synthetic scenes in the L3DAS21 Task 2 format (the embedded sound default).

Each scene is a set of short synthetic events (one sound recipe per class, see
:func:`class_sound`) placed at labelled positions in a room and rendered as first-order
Ambisonics for one or two microphones: mic A at the origin, mic B 20 cm along +X. For a source
at distance r, azimuth θ and elevation φ from a microphone, its four channels (ACN order,
SN3D normalisation, the AmbiX convention) are

    [W, Y, Z, X] = s(t − r/c) / max(r, r_min) · [1, sin θ cos φ, sin φ, cos θ cos φ],

plus a little independent sensor noise. Files follow the released layout and names::

    <output_path>/L3DAS_Task2_{train,dev}/data/split<X>_ov<k>_<Y>_{A,B}.wav    32 kHz, 4 ch, PCM 16
    <output_path>/L3DAS_Task2_{train,dev}/labels/label_split<X>_ov<k>_<Y>.csv  File,Start,End,...

``ov<k>``: at most k events overlap (k tracks of non-overlapping events, at least
``min_gap`` seconds apart on a track, so a label frame never holds more than k events).
Everything is drawn from ``numpy.random.default_rng(seed)``: the same seed gives the same files.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np

from phc.sed.features import SAMPLE_RATE
from phc.sed.labels import LABEL_COLUMNS, SOUND_CLASSES

__all__ = [
    "MIC_POSITIONS",
    "ROOM_LIMITS",
    "ambisonic_gains",
    "class_sound",
    "make_scene",
    "render_scene",
    "write_dataset",
]

#: Position limits (metres) of the labels: X ∈ [−2, 2], Y ∈ [−1.5, 1.5], Z ∈ [−1, 1].
ROOM_LIMITS = ((-2.0, 2.0), (-1.5, 1.5), (-1.0, 1.0))
#: Microphone positions (metres): A at the room centre, B 20 cm away along +X.
MIC_POSITIONS = {"A": np.zeros(3), "B": np.array([0.2, 0.0, 0.0])}
SPEED_OF_SOUND = 343.0
MIN_DISTANCE = 0.5
NOISE_STD = 0.003


def class_sound(class_id: int, num_samples: int, rng: np.random.Generator, sr: int = SAMPLE_RATE):
    """(num_samples,) float64 mono event of class ``class_id`` (peak about 1).

    The class sets a base frequency f = 500 + 800·class Hz (500 Hz … 10.9 kHz, 12.8 FFT bins
    apart at nperseg 512, so classes do not share bins) and a recipe by ``class_id % 3``:
    0 a tone amplitude-modulated at 8 Hz, 1 a rising chirp f → 1.025 f, 2 a noise band
    f·[0.975, 1.025]. A 10-ms raised-cosine fade opens and closes every event; ``rng`` sets the
    phase / noise.
    """
    t = np.arange(num_samples) / sr
    base = 500.0 + 800.0 * class_id
    kind = class_id % 3
    if kind == 0:
        carrier = np.sin(2 * np.pi * base * t + rng.uniform(0, 2 * np.pi))
        sound = carrier * (0.6 + 0.4 * np.cos(2 * np.pi * 8.0 * t))
    elif kind == 1:
        span = max(num_samples, 1) / sr
        sweep = base * t + 0.0125 * base * t**2 / span
        sound = np.sin(2 * np.pi * sweep + rng.uniform(0, 2 * np.pi))
    else:
        spectrum = np.fft.rfft(rng.standard_normal(num_samples))
        freqs = np.fft.rfftfreq(num_samples, 1.0 / sr)
        spectrum[(freqs < 0.975 * base) | (freqs > 1.025 * base)] = 0.0
        sound = np.fft.irfft(spectrum, num_samples)
    peak = np.abs(sound).max() if num_samples else 0.0
    sound = sound / peak if peak > 0 else sound
    fade = min(int(0.01 * sr), num_samples // 2)
    if fade:
        ramp = 0.5 - 0.5 * np.cos(np.pi * np.arange(fade) / fade)
        sound[:fade] *= ramp
        sound[num_samples - fade :] *= ramp[::-1]
    return sound


def ambisonic_gains(direction: np.ndarray) -> np.ndarray:
    """(4,) first-order ACN/SN3D gains [W, Y, Z, X] of a plane wave from ``direction`` (3,)."""
    x, y, z = direction / np.linalg.norm(direction)
    return np.array([1.0, y, z, x])


def make_scene(
    rng: np.random.Generator,
    duration: float,
    max_overlap: int,
    min_event: float = 0.3,
    max_event: float = 1.0,
    min_gap: float = 0.3,
    max_gap: float = 0.8,
    num_classes: int = len(SOUND_CLASSES),
) -> list[dict]:
    """Events of one scene: dicts with start, end (s), class id and x, y, z (m), by start time.

    ``max_overlap`` tracks; on each, events of ``min_event``–``max_event`` seconds separated by
    ``min_gap``–``max_gap`` seconds, all inside [0, duration]. Times are rounded to 0.1 ms and
    positions to 1 mm, the values written to the CSV and used to render. Classes are drawn
    from the first ``num_classes`` ids (all 14 by default; fewer make a quicker demo).
    """
    if not 1 <= num_classes <= len(SOUND_CLASSES):
        raise ValueError(f"num_classes={num_classes} must be in [1, {len(SOUND_CLASSES)}]")
    max_event = min(max_event, duration / 2)
    events = []
    for _ in range(max_overlap):
        start = rng.uniform(0.0, max_gap)
        while True:
            length = rng.uniform(min_event, max(min_event, max_event))
            if start + length > duration - 0.01:
                break
            position = [round(rng.uniform(low, high), 3) for low, high in ROOM_LIMITS]
            events.append(
                {
                    "start": round(start, 4),
                    "end": round(start + length, 4),
                    "class_id": int(rng.integers(num_classes)),
                    "position": position,
                }
            )
            start += length + rng.uniform(min_gap, max_gap)
    events.sort(key=lambda event: event["start"])
    return events


def render_scene(
    events: list[dict], duration: float, rng: np.random.Generator, sr: int = SAMPLE_RATE
) -> dict[str, np.ndarray]:
    """{"A": (4, N), "B": (4, N)} float64 Ambisonics signals of the events (N = duration·sr)."""
    num_samples = round(duration * sr)
    signals = {mic: np.zeros((4, num_samples)) for mic in MIC_POSITIONS}
    for event in events:
        first = round(event["start"] * sr)
        length = round(event["end"] * sr) - first
        sound = class_sound(event["class_id"], length, rng, sr) * rng.uniform(0.5, 1.0)
        for mic, mic_position in MIC_POSITIONS.items():
            offset = np.asarray(event["position"], dtype=float) - mic_position
            distance = max(float(np.linalg.norm(offset)), 1e-6)
            delay = round(distance / SPEED_OF_SOUND * sr)
            begin = min(first + delay, num_samples)
            stop = min(begin + length, num_samples)
            gains = ambisonic_gains(offset) / max(distance, MIN_DISTANCE)
            signals[mic][:, begin:stop] += np.outer(gains, sound[: stop - begin])
    for mic in signals:
        signals[mic] += NOISE_STD * rng.standard_normal(signals[mic].shape)
    return signals


def _write_scene(folder: Path, stem: str, events, signals) -> None:
    import soundfile as sf  # only the audio readers and writers need libsndfile

    peak = max(np.abs(signal).max() for signal in signals.values())
    scale = 0.9 / peak if peak > 0.9 else 1.0
    for mic, signal in signals.items():
        sf.write(folder / "data" / f"{stem}_{mic}.wav", (signal * scale).T, SAMPLE_RATE, "PCM_16")
    with open(folder / "labels" / f"label_{stem}.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(LABEL_COLUMNS)
        for number, event in enumerate(events):
            name = SOUND_CLASSES[event["class_id"]]
            writer.writerow(
                [f"synthetic/{name}_{number}.wav", event["start"], event["end"], name]
                + event["position"]
            )


def write_dataset(
    output_path: str | os.PathLike,
    num_scenes: int = 12,
    num_dev_scenes: int | None = None,
    duration: float = 60.0,
    seed: int = 0,
    overlaps: tuple[int, ...] = (1, 2, 3),
    num_classes: int = len(SOUND_CLASSES),
) -> dict[str, list[str]]:
    """Write ``num_scenes`` train and ``num_dev_scenes`` dev scenes; returns the stems per folder.

    Scene Y of a folder is ``split<Y // 10>_ov<k>_<Y>`` with k cycling through ``overlaps``;
    ``num_dev_scenes`` defaults to ⌈num_scenes / 4⌉.
    """
    if num_scenes < 1:
        raise ValueError(f"num_scenes={num_scenes} must be at least 1")
    if duration < 1.0:
        raise ValueError(f"duration={duration} must be at least 1 second")
    if num_dev_scenes is None:
        num_dev_scenes = -(-num_scenes // 4)
    rng = np.random.default_rng(seed)
    written = {}
    for folder_name, count in (
        ("L3DAS_Task2_train", num_scenes),
        ("L3DAS_Task2_dev", num_dev_scenes),
    ):
        folder = Path(output_path) / folder_name
        (folder / "data").mkdir(parents=True, exist_ok=True)
        (folder / "labels").mkdir(parents=True, exist_ok=True)
        stems = []
        for index in range(count):
            overlap = overlaps[index % len(overlaps)]
            stem = f"split{index // 10}_ov{overlap}_{index}"
            events = make_scene(rng, duration, overlap, num_classes=num_classes)
            _write_scene(folder, stem, events, render_scene(events, duration, rng))
            stems.append(stem)
        written[folder_name] = stems
    return written
