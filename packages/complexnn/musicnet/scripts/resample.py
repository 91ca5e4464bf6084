#!/usr/bin/env python
"""DCN's MusicNet resampler: ``resample.py file_in file_out frame_rate frame_rate_out``.

Every recording's audio is resampled from ``frame_rate`` to ``frame_rate_out`` Hz (band-limited,
resampy's ``kaiser_best`` filter) and every label interval's begin/end is scaled by
``frame_rate_out / frame_rate`` (truncated to int); the output ``.npz`` has the input's layout.
Recordings are read and written one at a time. Exit code 2 when the input is missing or unreadable.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from musicnet.dataset import (  # noqa: E402
    read_npz,
    recording_ids,
    resample_audio,
    resample_labels,
    write_npz,
)

from paramlab.data import DatasetError, UnsafePickleError  # noqa: E402


def resample_musicnet(file_in: str, file_out: str, frame_rate: int, frame_rate_out: int) -> None:
    ratio = frame_rate_out / float(frame_rate)
    print(f".. resampling {file_in} ({frame_rate}Hz) into {file_out} ({frame_rate_out}Hz)")
    print(f".. sampling with ratio {ratio}")
    ids = recording_ids(file_in)

    def recordings():
        for i, key in enumerate(ids):
            print(f".. aggregating {key} ({i} / {len(ids)})")
            audio, labels = read_npz(file_in, [key])[key]
            yield (
                key,
                (
                    resample_audio(audio, frame_rate, frame_rate_out),
                    resample_labels(labels, ratio),
                ),
            )

    write_npz(file_out, recordings())
    print(".. saved output")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file_in")
    parser.add_argument("file_out")
    parser.add_argument("frame_rate", type=int)
    parser.add_argument("frame_rate_out", type=int)
    args = parser.parse_args(argv)
    try:
        resample_musicnet(**vars(args))
    except (DatasetError, UnsafePickleError, ModuleNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
