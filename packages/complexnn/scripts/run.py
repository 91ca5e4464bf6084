#!/usr/bin/env python
"""DCN's command line: ``python scripts/run.py train [flags]`` (flags, aliases and defaults of
``deep_complex_networks/scripts/run.py``, plus a few extensions listed in the README)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from complexnn import __version__  # noqa: E402
from complexnn.datasets import DATASETS  # noqa: E402
from complexnn.models.resnet import ACTIVATIONS, IMAG_STEMS, SPECTRAL_POOL_SCHEMES  # noqa: E402

from paramlab.data import DatasetError  # noqa: E402


def _seed(value: str) -> int:
    return int(value, 0)


LOGLEVELS = {
    "none": logging.NOTSET,
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warn": logging.WARN,
    "err": logging.ERROR,
    "crit": logging.CRITICAL,
}
INITS = ["complex", "complex_independent", "torch"]
OPTIMIZERS = ["sgd", "nag", "adam", "rmsprop"]
# (group, names, options): DCN's flags, aliases and defaults, then our extensions.
TRAIN_FLAGS = [
    (
        None,
        ("-d", "--datadir", "--data_root"),
        dict(
            default=None,
            help="Datasets directory (default: $PARAMLAB_DATA, else the repository's datasets/).",
        ),
    ),
    (None, ("-w", "--workdir"), dict(default=".", help="Workspace of this experiment.")),
    (None, ("-l", "--loglevel"), dict(default="info", choices=list(LOGLEVELS), help="Log level.")),
    (None, ("-s", "--seed"), dict(default=0xE4223644E98B8E64, type=_seed, help="PRNG seed.")),
    (None, ("--summary",), dict(action="store_true", help="Print a summary of the network.")),
    (None, ("--model",), dict(default="complex", choices=["real", "complex"], help="Model.")),
    (None, ("--dataset",), dict(default="cifar10", choices=list(DATASETS), help="Dataset.")),
    (None, ("--dropout",), dict(default=0, type=float, help="Dropout inside each block.")),
    (None, ("-n", "--num-epochs"), dict(default=200, type=int, help="Number of epochs.")),
    (None, ("-b", "--batch-size"), dict(default=64, type=int, help="Batch size.")),
    (None, ("--start-filter", "--sf"), dict(default=11, type=int, help="Stage-2 width.")),
    (None, ("--num-blocks", "--nb"), dict(default=10, type=int, help="Blocks per stage.")),
    (None, ("--spectral-param",), dict(action="store_true", help="Spectral parametrization.")),
    (None, ("--spectral-pool-gamma",), dict(default=0.50, type=float, help="Kept fraction.")),
    (
        None,
        ("--spectral-pool-scheme",),
        dict(default="none", choices=SPECTRAL_POOL_SCHEMES, help="Spectral pooling scheme."),
    ),
    (
        None,
        ("--act",),
        dict(
            default="relu",
            choices=ACTIVATIONS,
            help="Activation (relu = CReLU on the complex model).",
        ),
    ),
    (None, ("--aact",), dict(default="modrelu", choices=["modrelu"], help="Unused, as in DCN.")),
    (None, ("--no-validation",), dict(action="store_true", help="Train on train+validation.")),
    (
        None,
        ("--comp_init",),
        dict(
            default="complex_independent", choices=INITS, help="Initializer of the complex kernels."
        ),
    ),
    (
        "Optimizers",
        ("--optimizer", "--opt"),
        dict(default="nag", choices=OPTIMIZERS, help="Optimizer."),
    ),
    ("Optimizers", ("--clipnorm", "--cn"), dict(default=1.0, type=float, help="Global clip.")),
    ("Optimizers", ("--clipval", "--cv"), dict(default=1.0, type=float, help="Unused, as in DCN.")),
    ("Optimizers", ("--l1",), dict(default=0, type=float, help="L1 penalty on the kernels.")),
    ("Optimizers", ("--l2",), dict(default=0, type=float, help="L2 penalty (0 = DCN's 1e-4).")),
    ("Optimizers", ("--lr",), dict(default=1e-3, type=float, help="LR (non-default schedule).")),
    ("Optimizers", ("--momentum", "--mom"), dict(default=0.9, type=float, help="Momentum.")),
    ("Optimizers", ("--decay",), dict(default=0, type=float, help="lr/(1 + decay*iterations).")),
    ("Optimizers", ("--schedule",), dict(default="default", help="'default' = DCN's steps.")),
    ("Adam", ("--beta1",), dict(default=0.9, type=float, help="Beta1 for Adam.")),
    ("Adam", ("--beta2",), dict(default=0.999, type=float, help="Beta2 for Adam.")),
    ("Extensions", ("--device",), dict(default="auto", help="cpu, cuda, mps or auto.")),
    ("Extensions", ("--workers",), dict(default=0, type=int, help="Unused; data in memory.")),
    ("Extensions", ("--synthetic",), dict(action="store_true", help="Random images.")),
    ("Extensions", ("--max-steps",), dict(default=0, type=int, help="Steps/epoch cap (0 = all).")),
    ("Extensions", ("--chkpt-period",), dict(default=10, type=int, help="Checkpoint period.")),
    (
        "Extensions",
        ("--imag-stem",),
        dict(
            default="learn",
            choices=IMAG_STEMS,
            help="Imaginary part of the input: learned (DCN), zero, or the image's FFT.",
        ),
    ),
    ("Extensions", ("--image-size",), dict(default=0, type=int, help="Resize (0 = keep 32).")),
    ("Extensions", ("--no-flip",), dict(action="store_true", help="No horizontal flips.")),
]


class MsgFormatter(logging.Formatter):
    """Timestamps as ``YYYY-MM-DD HH:MM:SS.mmm TZ``."""

    def formatTime(self, record, datefmt=None):  # noqa: N802 (logging API name)
        stamp = time.localtime(record.created)
        fraction = f"{record.created % 1:.3f}"[1:]
        return time.strftime("%F %T", stamp) + fraction + " " + time.strftime("%Z", stamp)


class Subcommand:
    """A subcommand: ``name``, ``add_args(parser)`` and ``run(args)``."""

    name: str = ""

    @classmethod
    def add_parser(cls, subparsers) -> argparse.ArgumentParser:
        parser = subparsers.add_parser(
            cls.name, help=cls.__doc__, formatter_class=argparse.ArgumentDefaultsHelpFormatter
        )
        cls.add_args(parser)
        parser.set_defaults(func=cls.run)
        return parser

    @classmethod
    def add_args(cls, parser) -> None:
        pass

    @classmethod
    def run(cls, args) -> int:
        return 0


class Screw(Subcommand):
    """Screw around with me in Screw(Subcommand)."""

    name = "screw"

    @classmethod
    def run(cls, args) -> int:
        print(cls.__doc__)
        return 0


class Train(Subcommand):
    """Train a DCN ResNet (complex or real) on CIFAR-10/100, SVHN or the embedded digits."""

    name = "train"

    @classmethod
    def add_args(cls, p) -> None:
        groups = {
            None: p,
            "Optimizers": p.add_argument_group("Optimizers", "Tunables for all optimizers"),
            "Adam": p.add_argument_group("Adam", "Tunables for Adam optimizer"),
            "Extensions": p.add_argument_group(
                "Extensions", "Not in DCN; the defaults change nothing"
            ),
        }
        for group, names, options in TRAIN_FLAGS:
            groups[group].add_argument(*names, **options)

    @classmethod
    def run(cls, args) -> int:
        os.makedirs(os.path.join(args.workdir, "logs"), exist_ok=True)
        level = LOGLEVELS[args.loglevel]
        formatter = MsgFormatter("[%(asctime)s ~~ %(levelname)-8s] %(message)s")
        stdout = logging.StreamHandler(sys.stdout)
        stdout.setFormatter(formatter)
        root = logging.getLogger()
        root.setLevel(level)
        root.addHandler(stdout)
        installed = [(root, stdout)]
        for name in ("train", "entry"):
            path = os.path.join(args.workdir, "logs", f"{name}.txt")
            handler = logging.FileHandler(path, "a", "UTF-8", delay=True)
            handler.setFormatter(formatter)
            logger = logging.getLogger(name)
            logger.setLevel(level)
            logger.addHandler(handler)
            installed.append((logger, handler))
        import training

        try:
            training.train(args)
        except DatasetError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        finally:
            for logger, handler in installed:
                logger.removeHandler(handler)
                handler.close()
        return 0


def get_arg_parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog)
    parser.add_argument("--version", action="version", version=__version__)
    subparsers = parser.add_subparsers(dest="subcommand", required=True)
    for command in (Screw, Train):
        command.add_parser(subparsers)
    return parser


def main(argv: list[str]) -> int:
    args = get_arg_parser(os.path.basename(argv[0])).parse_args(argv[1:])
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
