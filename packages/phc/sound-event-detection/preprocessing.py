"""Preprocess the unzipped L3DAS21 folders into the pickled feature / target matrices.

Task 2: ``python preprocessing.py --task 2 --input_path DATASETS/Task2 --num_mics 1
--frame_len 100 [--output_phase True]`` writes ``task2_{predictors,target}_{train,validation,
test}.pkl`` to ``--output_path``. Added flags: ``--file_size`` (recording length in seconds,
60 for the released data), ``--sort_files`` (name order instead of ``os.listdir`` order) and
``--data_root`` (read ``<data root>/L3DAS21/Task2`` when ``--input_path`` does not exist).
Task 1 (speech enhancement) preprocessing is not ported.
"""

import argparse
import sys

from phc.sed.cli import parse_literal_flags
from phc.sed.dataset import Task2Config, preprocess_task2, resolve_input_path

from paramlab.data import DatasetError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", type=int, help="task to be pre-processed")
    parser.add_argument("--input_path", type=str, default="DATASETS/Task1")
    parser.add_argument("--output_path", type=str, default="DATASETS/processed")
    parser.add_argument("--train_val_split", type=float, default=0.8)
    parser.add_argument("--num_mics", type=int, default=1, help="how many ambisonics mics (1 or 2)")
    parser.add_argument("--num_data", type=int, default=None, help="max data points per folder")
    parser.add_argument("--training_set", type=str, default="train100", help="task 1 only")
    parser.add_argument("--segmentation_len", type=float, default=2, help="task 1 only")
    parser.add_argument("--frame_len", type=int, default=100, help="label frame (msecs)")
    parser.add_argument("--stft_nperseg", type=int, default=512)
    parser.add_argument("--stft_noverlap", type=int, default=112)
    parser.add_argument("--stft_window", type=str, default="hamming")
    parser.add_argument("--output_phase", type=str, default="False")
    parser.add_argument("--predictors_len_segment", type=int, default=None)
    parser.add_argument("--target_len_segment", type=int, default=None)
    parser.add_argument("--segment_overlap", type=float, default=None)
    parser.add_argument("--ov_subsets", type=str, default='["ov1", "ov2", "ov3"]')
    parser.add_argument("--no_overlaps", type=str, default="False")
    parser.add_argument("--file_size", type=float, default=60.0, help="recording length (s)")
    parser.add_argument("--sort_files", action="store_true", help="process files in name order")
    parser.add_argument(
        "--data_root",
        type=str,
        default=None,
        help="used when --input_path is missing: <data_root>/L3DAS21/Task2 "
        "(default $PARAMLAB_DATA, else the repository's datasets/)",
    )
    return parser


def main(argv=None) -> None:
    parser = build_parser()
    args = parser.parse_args(argv)
    parse_literal_flags(parser, args, ("output_phase", "ov_subsets", "no_overlaps"))
    if args.task != 2:
        parser.error(f"--task {args.task}: only task 2 (sound event detection) is ported")
    config = Task2Config(
        num_mics=args.num_mics,
        num_data=args.num_data,
        frame_len=args.frame_len,
        stft_nperseg=args.stft_nperseg,
        stft_noverlap=args.stft_noverlap,
        stft_window=args.stft_window,
        output_phase=args.output_phase,
        predictors_len_segment=args.predictors_len_segment,
        target_len_segment=args.target_len_segment,
        segment_overlap=args.segment_overlap,
        ov_subsets=args.ov_subsets,
        no_overlaps=args.no_overlaps,
        file_size=args.file_size,
        sort_files=args.sort_files,
    )
    try:
        input_path = resolve_input_path(args.input_path, args.data_root)
        preprocess_task2(input_path, args.output_path, config, args.train_val_split)
    except (DatasetError, ValueError, IndexError) as error:
        sys.exit(f"preprocessing.py: error: {error}")


if __name__ == "__main__":
    main()
