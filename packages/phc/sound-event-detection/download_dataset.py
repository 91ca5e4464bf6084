"""Download and extract the L3DAS21 dataset into a user-defined directory.

``python download_dataset.py --task Task2 --set_type train --output_path DATASETS/Task2``
(and ``--set_type dev``): fetches ``L3DAS_<task>_<set_type>.zip`` from Zenodo record 4642005
into the current directory, checks its md5, extracts it into ``<output_path>`` and deletes it.
"""

import argparse
import sys

from phc.sed.download import download_l3das_dataset, extract_dataset

from paramlab.data import DatasetError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", type=str, help="which task, can be Task1 or Task2")
    parser.add_argument(
        "--set_type",
        type=str,
        help='which set to download, can be "train100", "train360" or "dev" for task1 and '
        '"train" or "dev" for task 2',
    )
    parser.add_argument(
        "--output_path", type=str, default="DATASETS", help="where to download the dataset"
    )
    return parser


def main(argv=None) -> None:
    args = build_parser().parse_args(argv)
    try:
        download_l3das_dataset(args.task, args.set_type)
        extract_dataset(args.task, args.set_type, args.output_path)
    except (DatasetError, ValueError) as error:
        sys.exit(f"download_dataset.py: error: {error}")


if __name__ == "__main__":
    main()
