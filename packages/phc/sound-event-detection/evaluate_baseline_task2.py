"""Compute the L3DAS21 Task 2 detection F-score of a trained SEDNet checkpoint.

Prints F score, precision, recall, TP, FP, FN and saves ``{precision, recall, F score}`` to
``<results_path>/task2_metrics_dict.json(.npy)``. The metric keeps the original's counting
(see ``phc.sed.metric``); ``--fixed_metric`` counts one-to-one matches once per frame.
"""

import argparse
import sys

from phc.sed.cli import add_model_arguments, parse_literal_flags
from phc.sed.dataset import PickleRefusedError
from phc.sed.training import evaluate_task2

from paramlab.train import CheckpointError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model_path", type=str, default="RESULTS/Task2/checkpoint")
    parser.add_argument("--results_path", type=str, default="RESULTS/Task2/metrics")
    parser.add_argument(
        "--predictors_path", type=str, default="DATASETS/processed/task2_predictors_test.pkl"
    )
    parser.add_argument(
        "--target_path", type=str, default="DATASETS/processed/task2_target_test.pkl"
    )
    parser.add_argument("--sr", type=int, default=32000)
    parser.add_argument("--max_loc_value", type=float, default=2.0)
    parser.add_argument("--num_frames", type=int, default=600)
    parser.add_argument("--spatial_threshold", type=float, default=1000.0, help="unused")
    parser.add_argument("--use_cuda", type=str, default="True")
    parser.add_argument("--gpu_id", type=int, default=0)
    parser.add_argument(
        "--fixed_metric",
        action="store_true",
        help="one-to-one matches counted once per frame, threshold p >= 0.5 "
        "(default: the original's counting)",
    )
    parser.add_argument(
        "--legacy_keys",
        action="store_true",
        help="rename the PHM keys of checkpoints older than the a/s -> A/F/S rename",
    )
    add_model_arguments(parser)
    return parser


def main(argv=None) -> dict:
    parser = build_parser()
    args = parser.parse_args(argv)
    parse_literal_flags(parser, args, ("use_cuda", "pool_size", "cnn_filters", "verbose"))
    # As the original, --pool_time is not parsed here: any non-empty string is true.
    args.pool_time = bool(args.pool_time)
    try:
        return evaluate_task2(args)
    except (FileNotFoundError, PickleRefusedError, CheckpointError, ValueError) as error:
        sys.exit(f"evaluate_baseline_task2.py: error: {error}")


if __name__ == "__main__":
    main()
