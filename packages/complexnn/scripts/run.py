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
    LOGLEVELS = {
        "none": logging.NOTSET,
        "debug": logging.DEBUG,
        "info": logging.INFO,
        "warn": logging.WARN,
        "err": logging.ERROR,
        "crit": logging.CRITICAL,
    }

    @classmethod
    def add_args(cls, p) -> None:
        p.add_argument(
            "-d",
            "--datadir",
            "--data_root",
            default=None,
            type=str,
            help="Path to datasets directory (default: $PARAMLAB_DATA, else the "
            "repository's datasets/).",
        )
        p.add_argument(
            "-w",
            "--workdir",
            default=".",
            type=str,
            help="Path to the workspace directory for this experiment.",
        )
        p.add_argument(
            "-l",
            "--loglevel",
            default="info",
            choices=list(cls.LOGLEVELS),
            help="Logging severity level.",
        )
        p.add_argument(
            "-s",
            "--seed",
            default=0xE4223644E98B8E64,
            type=lambda v: int(v, 0),
            help="Seed for PRNGs (decimal or 0x hex).",
        )
        p.add_argument("--summary", action="store_true", help="Print a summary of the network.")
        p.add_argument(
            "--model", default="complex", choices=["real", "complex"], help="Model Selection."
        )
        p.add_argument(
            "--dataset",
            default="cifar10",
            choices=list(DATASETS),
            help="Dataset Selection ('digits' is the embedded offline set).",
        )
        p.add_argument(
            "--dropout",
            default=0,
            type=float,
            help="Dropout probability between the two convs of each block.",
        )
        p.add_argument("-n", "--num-epochs", default=200, type=int, help="Number of epochs")
        p.add_argument("-b", "--batch-size", default=64, type=int, help="Batch Size")
        p.add_argument(
            "--start-filter",
            "--sf",
            default=11,
            type=int,
            help="Number of feature maps in starting stage",
        )
        p.add_argument(
            "--num-blocks", "--nb", default=10, type=int, help="Number of residual blocks per stage"
        )
        p.add_argument(
            "--spectral-param", action="store_true", help="Use spectral parametrization."
        )
        p.add_argument(
            "--spectral-pool-gamma",
            default=0.50,
            type=float,
            help="Use spectral pooling, preserving a fraction gamma of frequencies",
        )
        p.add_argument(
            "--spectral-pool-scheme",
            default="none",
            choices=SPECTRAL_POOL_SCHEMES,
            help="Spectral pooling scheme",
        )
        p.add_argument(
            "--act",
            default="relu",
            choices=ACTIVATIONS,
            help="Activation ('relu' on the complex model is CReLU).",
        )
        p.add_argument(
            "--aact",
            default="modrelu",
            choices=["modrelu"],
            help="Advanced Activation (accepted and unused, as in DCN).",
        )
        p.add_argument(
            "--no-validation", action="store_true", help="Do not create a separate validation set."
        )
        p.add_argument(
            "--comp_init",
            default="complex_independent",
            choices=["complex", "complex_independent", "torch"],
            help="Initializer for the complex kernel.",
        )
        o = p.add_argument_group("Optimizers", "Tunables for all optimizers")
        o.add_argument(
            "--optimizer",
            "--opt",
            default="nag",
            choices=["sgd", "nag", "adam", "rmsprop"],
            help="Optimizer selection.",
        )
        o.add_argument(
            "--clipnorm",
            "--cn",
            default=1.0,
            type=float,
            help="The norm of the gradient will be clipped at this magnitude.",
        )
        o.add_argument(
            "--clipval",
            "--cv",
            default=1.0,
            type=float,
            help="Accepted and unused, as in DCN (only clipnorm is applied).",
        )
        o.add_argument("--l1", default=0, type=float, help="Extra L1 penalty on the kernels.")
        o.add_argument(
            "--l2",
            default=0,
            type=float,
            help="L2 penalty on the kernels; 0 keeps DCN's hard-wired 1e-4.",
        )
        o.add_argument(
            "--lr",
            default=1e-3,
            type=float,
            help="Master learning rate (used when --schedule is not 'default').",
        )
        o.add_argument(
            "--momentum",
            "--mom",
            default=0.9,
            type=float,
            help="Momentum for optimizers supporting momentum.",
        )
        o.add_argument(
            "--decay",
            default=0,
            type=float,
            help="Learning rate decay: lr / (1 + decay * iterations).",
        )
        o.add_argument(
            "--schedule",
            default="default",
            type=str,
            help="Learning rate schedule ('default' = DCN's step schedule).",
        )
        a = p.add_argument_group("Adam", "Tunables for Adam optimizer")
        a.add_argument("--beta1", default=0.9, type=float, help="Beta1 for Adam.")
        a.add_argument("--beta2", default=0.999, type=float, help="Beta2 for Adam.")
        e = p.add_argument_group("Extensions", "Not in DCN; the defaults change nothing")
        e.add_argument("--device", default="auto", help="cpu, cuda, mps or auto.")
        e.add_argument(
            "--workers",
            default=0,
            type=int,
            help="Accepted for compatibility; data are held in memory.",
        )
        e.add_argument(
            "--synthetic",
            action="store_true",
            help="Random images of the dataset's shape (smoke tests).",
        )
        e.add_argument(
            "--max-steps",
            default=0,
            type=int,
            help="Cap on training steps per epoch (0 = a full epoch).",
        )
        e.add_argument(
            "--chkpt-period",
            default=10,
            type=int,
            help="Epochs between checkpoints (the last epoch is always saved).",
        )
        e.add_argument(
            "--imag-stem",
            default="learn",
            choices=IMAG_STEMS,
            help="Imaginary part of the complex input: learned (DCN), zero, or the image's FFT.",
        )
        e.add_argument(
            "--image-size",
            default=0,
            type=int,
            help="Resize images to this size after the split (0 = keep 32x32).",
        )
        e.add_argument(
            "--no-flip", action="store_true", help="No random horizontal flips (e.g. for digits)."
        )

    @classmethod
    def run(cls, args) -> int:
        os.makedirs(os.path.join(args.workdir, "logs"), exist_ok=True)
        level = cls.LOGLEVELS[args.loglevel]
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
