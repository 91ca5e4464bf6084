"""Lion restricted to the entries whose gradient is non-zero.

For entries with g ≠ 0: u = sign(β1·m + (1 − β1)·g); p ← p − lr·u; m ← β2·m + (1 − β2)·g.
Other entries keep p and m. As in the original, ``weight_decay`` has no effect (its decay
was applied to a copy); state key ``exp_avg``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch
from torch.optim.optimizer import Optimizer

__all__ = ["SparseLion", "exists", "update_fn"]


def exists(val: object) -> bool:
    """``val is not None`` (the original's helper)."""
    return val is not None


def update_fn(
    p: torch.Tensor,
    grad: torch.Tensor,
    exp_avg: torch.Tensor,
    lr: float,
    wd: float,
    beta1: float,
    beta2: float,
    update_indexes: torch.Tensor,
) -> None:
    """In place, for the entries where the boolean ``update_indexes`` is True:
    p ← p − lr·sign(β1·m + (1 − β1)·g), m ← β2·m + (1 − β2)·g. ``wd`` is accepted and has no
    effect (the original decayed a copy). Call under ``torch.no_grad()`` for parameters."""
    update = torch.sign(exp_avg * beta1 + grad * (1 - beta1))
    p.sub_(torch.where(update_indexes, update, torch.zeros_like(update)), alpha=lr)
    exp_avg.copy_(torch.where(update_indexes, exp_avg * beta2 + grad * (1 - beta2), exp_avg))


class SparseLion(Optimizer):
    """Sparse Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms")."""

    def __init__(
        self,
        params: Iterable,
        lr: float = 1e-4,
        betas: tuple[float, float] = (0.9, 0.99),
        weight_decay: float = 0.0,
        use_triton: bool = False,
    ):
        if not lr > 0.0:
            raise ValueError(f"lr={lr} must be > 0")
        if not all(0.0 <= beta <= 1.0 for beta in betas):
            raise ValueError(f"betas={betas} must lie in [0, 1]")
        if use_triton:
            raise ValueError("use_triton=True is not supported: the sparse update is pure torch")
        super().__init__(params, dict(lr=lr, betas=betas, weight_decay=weight_decay))
        self.update_fn = update_fn

    @torch.no_grad()
    def step(self, closure: Callable | None = None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr = group["lr"]
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["exp_avg"] = torch.zeros_like(p)
                grad = p.grad
                self.update_fn(
                    p, grad, state["exp_avg"], lr, group["weight_decay"], beta1, beta2, grad != 0.0
                )
        return loss
