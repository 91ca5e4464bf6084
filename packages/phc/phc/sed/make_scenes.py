"""``python -m phc.sed.make_scenes``: write a small synthetic L3DAS21 Task 2 dataset.

Example (12 train and 3 dev scenes of 4 s, then the original preprocessing on them)::

    python -m phc.sed.make_scenes --output_path DATASETS/Task2 --num_scenes 12 --duration 4
    python preprocessing.py --task 2 --input_path DATASETS/Task2 --file_size 4
"""

from __future__ import annotations

import argparse

from phc.sed.scenes import write_dataset

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m phc.sed.make_scenes",
        description="Synthetic first-order Ambisonics scenes in the L3DAS21 Task 2 format.",
    )
    parser.add_argument("--output_path", type=str, default="DATASETS/Task2")
    parser.add_argument("--num_scenes", type=int, default=12, help="scenes in L3DAS_Task2_train")
    parser.add_argument(
        "--num_dev_scenes", type=int, default=None, help="scenes in L3DAS_Task2_dev (⌈n/4⌉)"
    )
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per scene")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--num_classes", type=int, default=14, help="draw events from the first n classes"
    )
    return parser


def main(argv: list[str] | None = None) -> dict[str, list[str]]:
    args = build_parser().parse_args(argv)
    written = write_dataset(
        args.output_path,
        num_scenes=args.num_scenes,
        num_dev_scenes=args.num_dev_scenes,
        duration=args.duration,
        seed=args.seed,
        num_classes=args.num_classes,
    )
    for folder, stems in written.items():
        print(f"{folder}: {len(stems)} scenes of {args.duration:g} s in {args.output_path}")
    return written


if __name__ == "__main__":
    main()
