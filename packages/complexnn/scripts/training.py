"""DCN's ``training.py``: log the invocation, load the data, build the ResNet, call the recipe."""

from __future__ import annotations

import logging
import os
import platform
import socket
import sys

import torch
from complexnn import __version__, count_real_buffers, count_real_parameters
from complexnn.datasets import (
    N_TRAIN,
    NUM_CLASSES,
    dcn_splits,
    load_raw,
    resize_splits,
    synthetic_raw,
)
from complexnn.models import build_from_args
from complexnn.recipe import fit

from paramlab.data import resolve_data_root
from paramlab.train import seed_everything, select_device


def summarize(args, root) -> str:
    lines = [
        "",
        "Software Versions:",
        f"Python:                  {platform.python_version()}",
        f"PyTorch:                 {torch.__version__}",
        f"complexnn:               {__version__}",
        "",
        "Arguments:",
        f"Path to Datasets:        {root}",
        f"Path to Workspace:       {args.workdir}",
    ]
    lines += [f"{key:<25}{value}" for key, value in sorted(vars(args).items()) if key != "func"]
    return "\n".join(lines)


def train(args) -> dict:
    entry = logging.getLogger("entry")
    entry.info("INVOCATION:     %s", " ".join(sys.argv))
    entry.info("HOSTNAME:       %s", socket.gethostname())
    entry.info("PWD:            %s", os.getcwd())
    root = resolve_data_root(args.datadir)
    entry.info(summarize(args, root))
    for flag in ("clipval", "aact"):
        entry.info("Note: --%s is accepted and unused, as in DCN.", flag)

    entry.info("Loading dataset %s ...", args.dataset)
    num_classes = NUM_CLASSES[args.dataset]
    raw = synthetic_raw(num_classes) if args.synthetic else load_raw(args.dataset, root)
    n_train = None if args.synthetic else N_TRAIN.get(args.dataset)
    data = dcn_splits(raw, num_classes, n_train, args.no_validation)
    if args.image_size:
        data = resize_splits(data, args.image_size)
    for name, x in (
        ("Training  ", data.x_train),
        ("Validation", data.x_val),
        ("Test      ", data.x_test),
    ):
        entry.info("%s set shape: %s", name, tuple(x.shape))

    seed_everything(args.seed % 2**32)  # DCN seeds NumPy with seed % 2**32
    model = build_from_args(args, num_classes)
    if args.summary:
        print(model)
        for name, module in model.named_modules():
            own = sum(p.numel() for p in module.parameters(recurse=False))
            if own:
                print(f"{name:<40} {own:>10d}")
    trainable = count_real_parameters(model)
    entry.info("# of Parameters (trainable):  %10d", trainable)
    entry.info("# of Parameters (Keras total): %10d", trainable + count_real_buffers(model))
    return fit(args, model, data, select_device(args.device), args.workdir)
