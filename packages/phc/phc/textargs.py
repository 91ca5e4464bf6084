"""The image-classification CLI: the original's argparse flags and its TextArgs mechanism.

``main.py`` reads the real command line only for ``--TextArgs`` (default
``TrainingArguments.txt``), turns that file into a token list with :func:`readFile`, and parses
**only that list**: every other command-line flag is ignored, as in the original. Write flags
one per line as ``--flag=value``.

Tokeniser (exact): replace every ``=`` and newline by ``+``, split on ``+``; a piece that is
exactly ``True`` becomes the string ``'1'``, exactly ``False`` the *integer* ``0``; empty
pieces and any piece containing ``#`` are dropped; everything else is kept verbatim. Boolean
flags use ``type=bool``, so ``'1'`` → True, ``0`` (from ``False``) → False, and any other
non-empty string (``0``, ``false``) → True.

Flags added here (defaults keep the original's behaviour): ``--Dataset digits`` (alias
``--dataset``) for the embedded UCI digits, ``--data_root`` (its data root), ``--device``,
``--resume``, ``--wandb``, ``--fix_152_block``, ``--fix_val_loss_print``,
``--use_bias_in_forward``.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from pathlib import Path

__all__ = ["build_parser", "parse_args", "readFile", "resolve_textargs"]


def readFile(path: str | os.PathLike) -> list:
    """Token list of a TextArgs file (the original ``utils/readFile.readFile``)."""
    with open(path) as handle:
        text = handle.read()
    tokens: list = []
    for piece in text.replace("=", "+").replace("\n", "+").split("+"):
        if piece == "True":
            tokens.append("1")
        elif piece == "False":
            tokens.append(0)
        elif piece != "" and "#" not in piece:
            tokens.append(piece)
    return tokens


def build_parser() -> argparse.ArgumentParser:
    """Every flag of the original ``main.py`` with its type and default, plus the added ones."""
    parser = argparse.ArgumentParser(
        description="PHC image classification (TextArgs: all flags are read from the file)"
    )
    add = parser.add_argument
    add("--cuda", type=bool, default=True)
    add("--seed", type=int, default=1656079)
    add("--gpu_num", type=int, default=1)
    add("--n_workers", default=1)
    add("--quat_data", type=bool, default=False)
    add("--n", type=int, default=4, help="n parameter for PHM layer")
    add("--optim", type=str, default="SGD")
    add("--scheduler", type=str, default="cosine")
    add("--l1_reg", type=bool, default=False)
    add("--train_dir", type=str, default="./data/", help="root of the torchvision datasets")
    add(
        "--Dataset",
        "--dataset",
        dest="Dataset",
        type=str,
        default="SVHN",
        help="SVHN, CIFAR10, CIFAR100, STL10, or digits (embedded)",
    )
    add("--image_size", type=int, default=32, help="no effect except for --Dataset=digits")
    add("--model", type=str, default="resnet20", help="a GetModel name")
    add("--batch_size", type=int, default=64)
    add("--epochs", type=int, default=10)
    add("--lr", type=float, default=0.0002)
    add("--weight_decay", type=float, default=5e-4)
    add("--momentum", type=float, default=0.9)
    add("--betas", default=(0.0, 0.9))
    add("--print_every", type=int, default=50, help="Print Loss every n iterations (unused)")
    add("--get_iter_time", type=bool, default=False)
    add("--get_inf_time", type=bool, default=False)
    add("--EpochCheckpoints", type=bool, default=True, help="unused, as in the original")
    add("--TextArgs", type=str, default="TrainingArguments.txt", help="text file with the flags")
    # Added flags; their defaults reproduce the original.
    add("--data_root", type=str, default=None, help="data root of --Dataset=digits")
    add("--device", type=str, default=None, help="cpu, cuda, cuda:<i>, mps or auto")
    add("--resume", type=str, default=None, help="training-state checkpoint to continue from")
    add("--wandb", type=bool, default=False, help="log to wandb (project phm-resnet)")
    add("--fix_152_block", type=bool, default=False, help="Bottleneck in (q)resnet152large")
    add("--fix_val_loss_print", type=bool, default=False, help="print the real val loss")
    add("--use_bias_in_forward", type=bool, default=False, help="add the PHC conv bias")
    return parser


def resolve_textargs(path: str | os.PathLike, config_dirs: Sequence[str | os.PathLike] = ()):
    """The TextArgs file: ``path`` as given (relative to the working directory, as the
    original), else ``configs/<path>``, else ``<dir>/<path>`` for each of ``config_dirs``."""
    candidates = [Path(path), Path("configs") / path]
    candidates += [Path(folder) / path for folder in config_dirs]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    tried = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(f"TextArgs file {str(path)!r} not found (tried {tried})")


def parse_args(
    argv: Sequence[str] | None = None, config_dirs: Sequence[str | os.PathLike] = ()
) -> argparse.Namespace:
    """Parse ``argv`` for ``--TextArgs`` only, then parse the tokens of that file."""
    parser = build_parser()
    text_args = parser.parse_args(argv).TextArgs
    return parser.parse_args(readFile(resolve_textargs(text_args, config_dirs)))
