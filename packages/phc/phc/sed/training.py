"""Training and evaluation of SEDNet on preprocessed L3DAS21 Task 2 pickles.

:func:`train_task2` and :func:`evaluate_task2` are the bodies of ``train_baseline_task2.py``
and ``evaluate_baseline_task2.py`` (they take the scripts' parsed flags). Behaviour kept from
the original: each split is standardised with its own statistics, the loss is BCE on the 42
activity columns only, the best-validation checkpoint ``<checkpoint_dir>/checkpoint_<arch>``
(``model_state_dict``, ``optimizer_state_dict``, ``state``) is reloaded at the end, results go
to ``results_dict.json.npy`` / ``task2_metrics_dict.json.npy`` (``np.save`` of a dict; a real
JSON file ``*.json`` is written beside them). Checkpoints are written atomically and read with
``weights_only=True`` through :mod:`paramlab.train`.
"""

from __future__ import annotations

import json
import os
from collections import OrderedDict
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from paramlab.train import load_checkpoint, progress, save_checkpoint, seed_everything
from phc.layers import remap_legacy_keys
from phc.sed.cli import model_kwargs
from phc.sed.dataset import normalize_predictors, read_pickle
from phc.sed.labels import gen_submission_list_task2
from phc.sed.metric import f_score, location_sensitive_detection
from phc.sed.models import build_sednet

__all__ = [
    "evaluate_loss",
    "evaluate_task2",
    "load_model",
    "load_split",
    "save_model",
    "seld_loss",
    "select_task2_device",
    "train_task2",
]


def select_task2_device(use_cuda: bool, gpu_id: int = 0) -> torch.device:
    """``cuda:<gpu_id>`` when asked for and present, else the CPU (the original crashed)."""
    if use_cuda and torch.cuda.is_available():
        return torch.device(f"cuda:{gpu_id}")
    if use_cuda:
        print("CUDA is not available: running on the CPU")
    return torch.device("cpu")


def load_split(predictors_path, target_path) -> tuple[torch.Tensor, torch.Tensor]:
    """(predictors, target) float32 tensors of one split, predictors standardised per split."""
    predictors = np.array(read_pickle(predictors_path))
    target = np.array(read_pickle(target_path))
    if predictors.ndim != 4 or target.ndim != 3 or len(predictors) != len(target):
        raise ValueError(
            f"{predictors_path} / {target_path}: expected (N, C, F, T) predictors and (N, frames,"
            f" D) targets of the same N, got {predictors.shape} and {target.shape}"
        )
    predictors = normalize_predictors(predictors)
    return torch.tensor(predictors).float(), torch.tensor(target).float()


def seld_loss(sed: torch.Tensor, target: torch.Tensor, num_outputs: int, weight: float = 1.0):
    """BCE between the flattened (B, T', num_outputs) output and target[:, :, :num_outputs]."""
    target_sed = target[:, :, :num_outputs]
    loss = nn.functional.binary_cross_entropy(
        torch.flatten(sed, start_dim=1), torch.flatten(target_sed, start_dim=1)
    )
    return loss * weight


def evaluate_loss(model, loader, device, num_outputs: int, weight: float = 1.0) -> float:
    """Running-mean loss over ``loader`` in eval mode, without gradients."""
    model.eval()
    mean = 0.0
    with torch.no_grad():
        for number, (x, target) in enumerate(progress(loader, desc="evaluate")):
            loss = seld_loss(model(x.to(device)), target.to(device), num_outputs, weight).item()
            mean += (loss - mean) / (number + 1)
    return mean


def save_model(model: nn.Module, optimizer, state: dict, path) -> Path:
    """Write ``{model_state_dict, optimizer_state_dict, state}`` atomically (unwraps DDP/DP)."""
    model = getattr(model, "module", model)
    return save_checkpoint(
        path,
        {
            "model_state_dict": model.state_dict(),
            "optimizer_state_dict": optimizer.state_dict(),
            "state": state,
        },
    )


def load_model(
    model: nn.Module, optimizer, path, cuda: bool = False, legacy_keys: bool = False
) -> dict:
    """Load a checkpoint (``weights_only``) into ``model`` (and ``optimizer``); return its state.

    As the original, a strict load that fails is retried with a ``module.`` prefix stripped from
    the keys (checkpoints saved from DataParallel). ``legacy_keys`` renames the PHM keys of
    checkpoints that predate the rename (``.a`` → ``.A``, ``.s`` → ``.F`` / ``.S``) first.
    """
    model = getattr(model, "module", model)
    checkpoint = load_checkpoint(path, map_location=None if cuda else "cpu")
    if legacy_keys:
        checkpoint["model_state_dict"] = remap_legacy_keys(checkpoint["model_state_dict"], model)
    try:
        model.load_state_dict(checkpoint["model_state_dict"])
    except RuntimeError:
        fixed = OrderedDict(
            (key.removeprefix("module."), value)
            for key, value in checkpoint["model_state_dict"].items()
        )
        model.load_state_dict(fixed)
    if optimizer is not None:
        optimizer.load_state_dict(checkpoint["optimizer_state_dict"])
    return checkpoint["state"] if "state" in checkpoint else {"step": checkpoint["step"]}


def _save_results(results: dict, folder, name: str) -> None:
    os.makedirs(folder, exist_ok=True)
    np.save(os.path.join(folder, name), results)
    with open(os.path.join(folder, name), "w") as handle:
        json.dump({key: np.asarray(value).tolist() for key, value in results.items()}, handle)


def train_task2(args) -> dict:
    """Train as ``train_baseline_task2.py``; returns the results dict it saves."""
    device = select_task2_device(args.use_cuda, args.gpu_id)
    if args.fixed_seed:
        seed_everything(1, deterministic=True)
    print("\nLoading dataset")
    splits = {
        "train": load_split(args.training_predictors_path, args.training_target_path),
        "validation": load_split(args.validation_predictors_path, args.validation_target_path),
        "test": load_split(args.test_predictors_path, args.test_target_path),
    }
    for name, (predictors, target) in splits.items():
        print(f"{name} predictors: {tuple(predictors.shape)}, target: {tuple(target.shape)}")
    pin = device.type == "cuda"
    loaders = {
        name: DataLoader(
            TensorDataset(*tensors), args.batch_size, shuffle=name == "train", pin_memory=pin
        )
        for name, tensors in splits.items()
    }
    model = build_sednet(time_dim=splits["test"][0].shape[-1], **model_kwargs(args)).to(device)
    print("Total paramters: " + str(sum(p.numel() for p in model.parameters())))
    num_outputs = args.output_classes * args.class_overlaps
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    state = {"step": 0, "worse_epochs": 0, "epochs": 0, "best_loss": float("inf")}
    if args.load_model is not None:
        print("Continuing training full model from checkpoint " + str(args.load_model))
        state = load_model(model, optimizer, args.load_model, device.type == "cuda")
    checkpoint_path = args.checkpoint_dir + "/checkpoint_" + args.architecture
    train_loss_hist, val_loss_hist = [], []
    print("TRAINING START")
    for epoch in range(args.epochs):
        print("Training epoch " + str(epoch))
        model.train()
        train_loss = 0.0
        for number, (x, target) in enumerate(progress(loaders["train"], desc="train")):
            optimizer.zero_grad()
            loss = seld_loss(model(x.to(device)), target.to(device), num_outputs)
            loss.backward()
            optimizer.step()
            train_loss += (loss.item() - train_loss) / (number + 1)
            state["step"] += 1
        val_loss = evaluate_loss(
            model, loaders["validation"], device, num_outputs, args.sed_loss_weight
        )
        print("VALIDATION FINISHED: LOSS: " + str(val_loss))
        if val_loss >= state["best_loss"]:
            state["worse_epochs"] += 1
        else:
            print("MODEL IMPROVED ON VALIDATION SET!")
            state.update(worse_epochs=0, best_loss=val_loss, best_checkpoint=checkpoint_path)
            print("Saving model...")
            save_model(model, optimizer, state, checkpoint_path)
        state["epochs"] += 1
        train_loss_hist.append(train_loss)
        val_loss_hist.append(val_loss)
    print("TESTING")
    if "best_checkpoint" not in state:
        raise RuntimeError(
            f"no checkpoint was saved (validation loss never improved on {state['best_loss']})"
        )
    load_model(model, None, state["best_checkpoint"], device.type == "cuda")
    results = {
        f"{name}_loss": evaluate_loss(
            model, loaders[key], device, num_outputs, args.sed_loss_weight
        )
        for name, key in (("train", "train"), ("val", "validation"), ("test", "test"))
    }
    print("RESULTS")
    for key, value in results.items():
        print(key, value)
    results.update(train_loss_hist=train_loss_hist, val_loss_hist=val_loss_hist)
    _save_results(results, args.results_path, "results_dict.json")
    return results


def evaluate_task2(args) -> dict:
    """Compute the Task 2 detection metric as ``evaluate_baseline_task2.py``; returns the results.

    ``args.fixed_metric`` switches :func:`location_sensitive_detection` to one-to-one matching
    counted once per frame and the activity threshold to p ≥ 0.5.
    """
    device = select_task2_device(args.use_cuda, args.gpu_id)
    print("\nLoading dataset")
    predictors, target = load_split(args.predictors_path, args.target_path)
    print(f"Predictors: {tuple(predictors.shape)}, Target: {tuple(target.shape)}")
    model = build_sednet(time_dim=predictors.shape[-1], **model_kwargs(args)).to(device)
    load_model(model, None, args.model_path, device.type == "cuda", args.legacy_keys)
    num_outputs = args.output_classes * args.class_overlaps
    threshold = 0.5 if args.fixed_metric else None
    print("COMPUTING TASK 2 METRICS")
    tp = fp = fn = 0
    model.eval()
    loader = DataLoader(TensorDataset(predictors, target), 1, shuffle=False)
    with torch.no_grad():
        for x, truth in progress(loader, desc="metric"):
            sed = model(x.to(device)).cpu().numpy().squeeze()
            sed_target = truth.numpy().squeeze()[:, :num_outputs]
            kwargs = {"max_overlaps": args.class_overlaps, "max_loc_value": args.max_loc_value}
            prediction = gen_submission_list_task2(sed, threshold=threshold, **kwargs)
            reference = gen_submission_list_task2(sed_target, threshold=threshold, **kwargs)
            counts = location_sensitive_detection(
                prediction,
                reference,
                args.num_frames,
                args.spatial_threshold,
                False,
                fixed=args.fixed_metric,
            )
            tp, fp, fn = tp + counts[0], fp + counts[1], fn + counts[2]
    score, precision, recall = f_score(tp, fp, fn)
    results = {"precision": precision, "recall": recall, "F score": score}
    print("*******************************")
    print("RESULTS")
    print("F score: ", score)
    print("Precision: ", precision)
    print("Recall: ", recall)
    print("TP: ", tp)
    print("FP: ", fp)
    print("FN: ", fn)
    _save_results(results, args.results_path, "task2_metrics_dict.json")
    return {**results, "TP": tp, "FP": fp, "FN": fn}
