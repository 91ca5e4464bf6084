"""The image-classification experiment behind ``image-classification/main.py``.

Order of work is the original's: parse the TextArgs file; seed ``random``, NumPy and torch
(cuDNN deterministic, no benchmark); build the loaders (the eval split draws from the seeded
torch RNG); build the model with ``GetModel``; print ``Number of parameters: <count>``; make
``checkpoints/``; SGD (lr, momentum, weight decay) or Adam (lr, weight decay, betas (0.5,
0.999)); the scheduler (``cosine`` T_max=200, ``StepLR`` 50, ``MultiStepLR`` [59, 119, 159] γ
0.15, ``CyclicLR`` 0.001–0.1), stepped once per epoch; ``Trainer.train`` then ``Trainer.test``.

Differences, each only where the original fails: unknown ``--Dataset`` / ``--optim`` /
``--scheduler`` stop with a ``ValueError``; ``--n_workers`` from a file is an int; wandb runs
only with ``--wandb=True``; with ``--cuda=True`` on a machine without CUDA the run uses the CPU
(and says so); ``--device`` overrides both.
"""

from __future__ import annotations

import argparse
import os
import random
from collections.abc import Sequence

import numpy as np
import torch
from torch import optim
from torch.optim.lr_scheduler import CosineAnnealingLR, CyclicLR, MultiStepLR, StepLR

from paramlab.train import MetricsLogger, select_device
from phc.data import NUM_CLASSES, get_dataloaders
from phc.get_model import GetModel, model_flavour
from phc.textargs import parse_args
from phc.trainer import Trainer, default_workers

__all__ = ["build_optimizer", "build_scheduler", "main", "resolve_device", "run"]

CHECKPOINT_FOLDER = "checkpoints/"


def resolve_device(opt: argparse.Namespace) -> torch.device:
    """``--device`` if given; else ``cuda:<gpu_num>`` when ``--cuda`` and CUDA exist; else CPU."""
    if opt.device is not None:
        return select_device(opt.device)
    if opt.cuda and torch.cuda.is_available():
        return torch.device(f"cuda:{opt.gpu_num}")
    if opt.cuda:
        print("CUDA is not available: running on the CPU")
    return torch.device("cpu")


def build_optimizer(name: str, parameters, opt: argparse.Namespace) -> optim.Optimizer:
    """``SGD`` (lr, momentum, weight decay) or ``Adam`` (lr, weight decay, betas (0.5, 0.999))."""
    if name == "SGD":
        return optim.SGD(
            parameters, lr=opt.lr, momentum=opt.momentum, weight_decay=opt.weight_decay
        )
    if name == "Adam":
        return optim.Adam(parameters, lr=opt.lr, weight_decay=opt.weight_decay, betas=(0.5, 0.999))
    raise ValueError(f"optim={name!r} must be SGD or Adam")


def build_scheduler(name: str, optimizer: optim.Optimizer):
    """The original's four schedules, with its fixed constants."""
    if name == "cosine":
        return CosineAnnealingLR(optimizer, T_max=200)
    if name == "StepLR":
        return StepLR(optimizer, step_size=50)
    if name == "MultiStepLR":
        return MultiStepLR(optimizer, milestones=[59, 119, 159], gamma=0.15)
    if name == "CyclicLR":
        return CyclicLR(optimizer, base_lr=0.001, max_lr=0.1)
    raise ValueError(f"scheduler={name!r} must be cosine, StepLR, MultiStepLR or CyclicLR")


def _seed(seed: int) -> None:
    random.seed(seed)
    torch.manual_seed(seed)
    np.random.seed(seed)
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)


def run(opt: argparse.Namespace) -> dict:
    """Train and test as the original ``main.py``; returns parameters and test accuracy."""
    _seed(opt.seed)
    root = opt.data_root if opt.Dataset == "digits" else opt.train_dir
    train_loader, test_loader, eval_loader, _ = get_dataloaders(
        opt.Dataset,
        root,
        opt.quat_data,
        opt.image_size,
        opt.batch_size,
        default_workers(opt.n_workers),
    )
    layer_kwargs = {"use_bias_in_forward": True} if opt.use_bias_in_forward else {}
    if model_flavour(opt.model) != "phc":
        layer_kwargs = {}
    net = GetModel(
        str_model=opt.model,
        quat_data=opt.quat_data,
        n=opt.n,
        num_classes=NUM_CLASSES[opt.Dataset],
        fix_152_block=opt.fix_152_block,
        **layer_kwargs,
    )
    params = sum(p.numel() for p in net.parameters() if p.requires_grad)
    print("Number of parameters:", params)
    print()
    os.makedirs(CHECKPOINT_FOLDER, exist_ok=True)
    config = {k: v for k, v in vars(opt).items() if isinstance(v, str | int | float | bool)}
    logger = MetricsLogger(
        CHECKPOINT_FOLDER,
        wandb=bool(opt.wandb),
        wandb_project="phm-resnet",
        config=config,
        append=opt.resume is not None,
    )
    if opt.wandb and logger.wandb_run is not None:
        logger.wandb_run.watch(net)
    optimizer = build_optimizer(opt.optim, net.parameters(), opt)
    scheduler = build_scheduler(opt.scheduler, optimizer)
    trainer = Trainer(
        net,
        optimizer,
        scheduler,
        epochs=opt.epochs,
        quat_data=opt.quat_data,
        n=opt.n,
        print_every=opt.print_every,
        checkpoint_folder=CHECKPOINT_FOLDER,
        saveModelsPerEpoch=opt.EpochCheckpoints,
        get_iter_time=opt.get_iter_time,
        get_inf_time=opt.get_inf_time,
        optim_name=opt.optim,
        lr=opt.lr,
        momentum=opt.momentum,
        weight_decay=opt.weight_decay,
        l1_reg=opt.l1_reg,
        device=resolve_device(opt),
        logger=logger,
        fix_val_loss_print=opt.fix_val_loss_print,
    )
    trainer.train(train_loader, eval_loader, test_loader, resume=opt.resume)
    accuracy = trainer.test(test_loader, get_params=False)
    logger.close()
    return {"model": opt.model, "parameters": params, "test_accuracy": accuracy}


def main(argv: Sequence[str] | None = None, config_dirs: Sequence[str | os.PathLike] = ()) -> dict:
    """``python main.py --TextArgs=<file>``: parse the file's flags and :func:`run`."""
    return run(parse_args(argv, config_dirs))
