"""Reading the original's checkpoints and re-using a trained CSG.

The shipped files (``Pretrained_Models/*/*.t7``) are ``{'net': state_dict, 'acc', 'epoch'}``
saved from ``DataParallel`` (keys prefixed ``module.``), some with the old name ``CLG`` for the
CSG, some in float16. ``load_original`` turns any of them (or a flat state_dict) into a
state_dict that loads with ``strict=True`` into the models of this package.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import torch
from torch import Tensor, nn

from paramlab.train import load_checkpoint

__all__ = ["CheckpointFormatError", "convert_state_dict", "load_csg", "load_original", "read_state"]

PREFIX = "module."


class CheckpointFormatError(ValueError):
    """A checkpoint does not hold what was asked of it."""


def convert_state_dict(
    state: Mapping[str, Tensor], dtype: torch.dtype = torch.float32
) -> dict[str, Tensor]:
    """Strip ``module.``, rename the old ``CLG`` to ``CSG``, cast floating tensors to ``dtype``."""
    converted = {}
    for key, value in state.items():
        if key.startswith(PREFIX):
            key = key[len(PREFIX) :]
        key = ".".join("CSG" if part == "CLG" else part for part in key.split("."))
        if torch.is_tensor(value) and value.is_floating_point():
            value = value.to(dtype)
        converted[key] = value
    return converted


def read_state(source: str | os.PathLike | Mapping) -> dict[str, Tensor]:
    """The state_dict inside ``source``: a path (``paramlab.train.load_checkpoint``, which reads
    with ``weights_only=True``) or a mapping,
    either flat or wrapped as ``{'net': state_dict, ...}`` like ``main.py`` writes it."""
    if isinstance(source, Mapping):
        obj = source
    else:
        obj = load_checkpoint(source)
    if isinstance(obj, Mapping) and isinstance(obj.get("net"), Mapping):
        obj = obj["net"]
    if not isinstance(obj, Mapping) or not all(torch.is_tensor(v) for v in obj.values()):
        raise CheckpointFormatError(
            f"{source if not isinstance(source, Mapping) else 'the mapping'} is neither a "
            "state_dict nor a {'net': state_dict, ...} checkpoint"
        )
    return dict(obj)


def load_original(
    path: str | os.PathLike | Mapping, dtype: torch.dtype = torch.float32
) -> dict[str, Tensor]:
    """A shipped (or ``main.py``-written) checkpoint as a state_dict for this package's models."""
    return convert_state_dict(read_state(path), dtype)


def load_csg(model: nn.Module, source: str | os.PathLike | Mapping, freeze: bool = True) -> int:
    """Copy the CSG weight of a checkpoint into ``model`` and (by default) freeze it.

    ``source`` is a path or a state_dict, flat or wrapped in ``{'net': ...}``, with or without
    ``module.``/``CLG``/float16 (``-cl`` of ``main.py``). Every ``*CSG.weight`` copy in the
    checkpoint must be equal and have the model's shape, i.e. the same CODE_SIZE and
    SLICE_SHAPE. Returns the number of parameters frozen.
    """
    target = getattr(model, "CSG", None)
    if target is None:
        raise CheckpointFormatError("the model has no CSG (org=True?): nothing to load")
    state = load_original(source)
    copies = {k: v for k, v in state.items() if k == "CSG.weight" or k.endswith(".CSG.weight")}
    if not copies:
        raise CheckpointFormatError("the checkpoint holds no CSG weight (no '*CSG.weight' key)")
    first_key, weight = next(iter(copies.items()))
    for key, value in copies.items():
        if not torch.equal(value, weight):
            raise CheckpointFormatError(f"{key} differs from {first_key} in the checkpoint")
    if weight.shape != target.weight.shape:
        raise CheckpointFormatError(
            f"checkpoint CSG weight has shape {list(weight.shape)} but the model's is "
            f"{list(target.weight.shape)} (code_size={target.code_size}, "
            f"slice_shape={list(target.slice_shape)}): CODE_SIZE and SLICE_SHAPE must match"
        )
    with torch.no_grad():
        target.weight.copy_(weight)
    print(f"==> Loaded the CSG ({len(copies)} copies of {first_key}, shape {list(weight.shape)})")
    frozen = 0
    if freeze:
        for name, param in model.named_parameters():
            if "CSG" in name and param.requires_grad:
                print("NO GRAD FOR:", name, "==> Reducing Params by:", param.numel())
                param.requires_grad = False
                frozen += param.numel()
    return frozen
