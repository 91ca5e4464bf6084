"""The training-state bundle: everything a run needs to continue bit-identically after a restart.

``capture_training_state`` gathers model, optimizer, scheduler, the RNG states (torch CPU, every
CUDA device when present, NumPy's global RNG, Python ``random``), epoch / step counters, metrics
and any extra tensors-only entries into one dict that ``save_checkpoint`` can write and
``load_checkpoint`` can read; ``restore_training_state`` puts all of it back.
"""

import random
from typing import Any

import numpy as np
import torch
from torch import nn

from paramlab.train.distributed import unwrap_model

__all__ = [
    "STATE_FORMAT",
    "capture_rng_state",
    "capture_training_state",
    "restore_rng_state",
    "restore_training_state",
]

STATE_FORMAT = "paramlab-training-state-1"


def capture_rng_state() -> dict[str, Any]:
    """Tensors-only snapshot of torch (CPU, CUDA), NumPy and Python ``random`` generators."""
    version, internal, gauss_next = random.getstate()
    kind, keys, position, has_gauss, cached_gaussian = np.random.get_state()
    state = {
        "torch": torch.get_rng_state(),
        "numpy": {
            "kind": kind,
            "keys": torch.from_numpy(keys.astype(np.int64)),
            "position": int(position),
            "has_gauss": int(has_gauss),
            "cached_gaussian": float(cached_gaussian),
        },
        "python": {
            "version": version,
            "internal": torch.tensor(internal, dtype=torch.int64),
            "gauss_next": gauss_next,
        },
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def restore_rng_state(state: dict[str, Any]) -> None:
    """Inverse of ``capture_rng_state``; CUDA states are restored only where CUDA exists."""
    torch.set_rng_state(state["torch"].cpu())
    numpy_state = state["numpy"]
    np.random.set_state(
        (
            numpy_state["kind"],
            numpy_state["keys"].numpy().astype(np.uint32),
            numpy_state["position"],
            numpy_state["has_gauss"],
            numpy_state["cached_gaussian"],
        )
    )
    python_state = state["python"]
    random.setstate(
        (
            python_state["version"],
            tuple(python_state["internal"].tolist()),
            python_state["gauss_next"],
        )
    )
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all([s.cpu() for s in state["cuda"]])


def capture_training_state(
    model: nn.Module,
    optimizer: torch.optim.Optimizer | None = None,
    scheduler: Any = None,
    *,
    epoch: int = 0,
    step: int = 0,
    batch_in_epoch: int = 0,
    metrics: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One dict for ``save_checkpoint``: the model's ``state_dict`` (DDP wrapper removed), ...

    ``epoch`` is the epoch in progress and ``batch_in_epoch`` the batches of it already done
    (0 at an epoch boundary); ``step`` counts optimizer steps since the start of training.
    """
    return {
        "format": STATE_FORMAT,
        "model": unwrap_model(model).state_dict(),
        "optimizer": optimizer.state_dict() if optimizer is not None else None,
        "scheduler": scheduler.state_dict() if scheduler is not None else None,
        "rng": capture_rng_state(),
        "epoch": int(epoch),
        "step": int(step),
        "batch_in_epoch": int(batch_in_epoch),
        "metrics": dict(metrics or {}),
        "extra": dict(extra or {}),
    }


def restore_training_state(
    state: dict[str, Any],
    model: nn.Module,
    optimizer: torch.optim.Optimizer | None = None,
    scheduler: Any = None,
    *,
    restore_rng: bool = True,
    strict: bool = True,
) -> dict[str, Any]:
    """Load model, optimizer, scheduler and (by default) RNG states from ``state``, in place.

    Returns the counters and records: ``{"epoch", "step", "batch_in_epoch", "metrics",
    "extra"}``. Raises ``KeyError`` if ``state`` is not a training state and ``ValueError`` if
    an optimizer or scheduler is given but the state has none.
    """
    if state.get("format") != STATE_FORMAT:
        raise KeyError(f"not a training state: format={state.get('format')!r}")
    unwrap_model(model).load_state_dict(state["model"], strict=strict)
    for name, target in (("optimizer", optimizer), ("scheduler", scheduler)):
        if target is None:
            continue
        if state[name] is None:
            raise ValueError(f"a {name} was given but the checkpoint holds no {name} state")
        target.load_state_dict(state[name])
    if restore_rng:
        restore_rng_state(state["rng"])
    return {key: state[key] for key in ("epoch", "step", "batch_in_epoch", "metrics", "extra")}
