"""Flag handling shared by the Task 2 scripts: literal flags and the model flags.

The original scripts ``eval`` some string flags (``--use_cuda 'True'``, ``--pool_size
'[[8,2],...]'``); here they go through :func:`literal`, which accepts the same Python literals
and nothing else.
"""

from __future__ import annotations

import argparse
import ast

__all__ = ["add_model_arguments", "literal", "model_kwargs", "parse_literal_flags"]


def literal(text: str, flag: str = "value"):
    """The Python literal ``text`` (``ast.literal_eval``); ``ValueError`` naming the flag."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        raise ValueError(
            f"{flag}={text!r} must be a Python literal (e.g. True, [[8,2],[8,2]])"
        ) from None


def parse_literal_flags(parser: argparse.ArgumentParser, args: argparse.Namespace, names) -> None:
    """Replace each string flag in ``names`` by its literal value (parser error if invalid)."""
    for name in names:
        try:
            setattr(args, name, literal(getattr(args, name), f"--{name}"))
        except ValueError as error:
            parser.error(str(error))


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    """The model flags the train and evaluate scripts share (names, types, defaults kept)."""
    parser.add_argument(
        "--architecture",
        type=str,
        default="seldnet_augmented",
        help="sednet_vanilla, sednet_augmented, qsednet, phmsednet_n{2,4,8,16}, "
        "full_phmsednet_n4 ('seldnet' spellings are aliases)",
    )
    parser.add_argument(
        "--input_channels",
        type=int,
        default=8,
        help="4/8 for 1/2 mics, multiply x2 if using also phase information",
    )
    parser.add_argument(
        "--class_overlaps",
        type=int,
        default=3,
        help="max number of simultaneous sounds of the same class",
    )
    parser.add_argument("--time_dim", type=int, default=4800)
    parser.add_argument("--freq_dim", type=int, default=256)
    parser.add_argument("--output_classes", type=int, default=14)
    parser.add_argument("--pool_size", type=str, default="[[8,2],[8,2],[2,2],[1,1]]")
    parser.add_argument(
        "--cnn_filters", type=str, default="[64,128,256,512]", help="only for seldnet augmented"
    )
    parser.add_argument("--pool_time", type=str, default="True")
    parser.add_argument("--rnn_size", type=int, default=256)
    parser.add_argument("--n_rnn", type=int, default=3)
    parser.add_argument("--fc_size", type=int, default=1024)
    parser.add_argument("--dropout_perc", type=float, default=0.3)
    parser.add_argument("--n_cnn_filters", type=float, default=64, help="only for seldnet vanilla")
    parser.add_argument("--verbose", type=str, default="False")
    parser.add_argument("--sed_loss_weight", type=float, default=1.0)
    parser.add_argument("--doa_loss_weight", type=float, default=5.0)


def model_kwargs(args: argparse.Namespace) -> dict:
    """Keyword arguments of :func:`phc.sed.models.build_sednet` from parsed flags."""
    return {
        "architecture": args.architecture,
        "freq_dim": args.freq_dim,
        "input_channels": args.input_channels,
        "output_classes": args.output_classes,
        "pool_size": args.pool_size,
        "cnn_filters": args.cnn_filters,
        "pool_time": args.pool_time,
        "rnn_size": args.rnn_size,
        "n_rnn": args.n_rnn,
        "fc_size": args.fc_size,
        "dropout_perc": args.dropout_perc,
        "n_cnn_filters": args.n_cnn_filters,
        "class_overlaps": args.class_overlaps,
        "verbose": args.verbose,
    }
