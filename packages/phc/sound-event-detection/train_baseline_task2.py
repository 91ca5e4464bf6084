"""Train a SEDNet variant on the preprocessed L3DAS21 Task 2 pickles.

Saves the best-validation checkpoint ``<checkpoint_dir>/checkpoint_<architecture>`` and the
losses to ``<results_path>/results_dict.json(.npy)``. Score the checkpoint with
``evaluate_baseline_task2.py --model_path <checkpoint_dir>/checkpoint_<architecture>``.
"""

import argparse
import sys

from phc.sed.cli import add_model_arguments, parse_literal_flags
from phc.sed.dataset import PickleRefusedError
from phc.sed.training import train_task2

_PROCESSED = "DATASETS/processed/task2_"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results_path", type=str, default="RESULTS/Task2")
    parser.add_argument("--checkpoint_dir", type=str, default="RESULTS/Task2")
    parser.add_argument("--load_model", type=str, default=None)
    for split, name in (("training", "train"), ("validation", "validation"), ("test", "test")):
        for kind in ("predictors", "target"):
            parser.add_argument(
                f"--{split}_{kind}_path", type=str, default=f"{_PROCESSED}{kind}_{name}.pkl"
            )
    parser.add_argument("--gpu_id", type=int, default=0)
    parser.add_argument("--use_cuda", type=str, default="True")
    parser.add_argument("--early_stopping", type=str, default="True", help="unused")
    parser.add_argument("--fixed_seed", type=str, default="False")
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--lr", type=float, default=0.00001)
    parser.add_argument("--batch_size", type=int, default=3, help="Batch size")
    parser.add_argument("--sr", type=int, default=32000, help="Sampling rate (unused)")
    parser.add_argument("--patience", type=int, default=100, help="unused")
    add_model_arguments(parser)
    return parser


def main(argv=None) -> dict:
    parser = build_parser()
    args = parser.parse_args(argv)
    flags = ("use_cuda", "early_stopping", "fixed_seed", "pool_size", "pool_time")
    parse_literal_flags(parser, args, (*flags, "cnn_filters", "verbose"))
    try:
        return train_task2(args)
    except (FileNotFoundError, PickleRefusedError, ValueError) as error:
        sys.exit(f"train_baseline_task2.py: error: {error}")


if __name__ == "__main__":
    main()
