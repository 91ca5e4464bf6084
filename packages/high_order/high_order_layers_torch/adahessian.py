"""AdaHessian (Yao et al., "ADAHESSIAN: An Adaptive Second Order Optimizer for Machine
Learning", AAAI 2021), the ``optimizer=adahessian`` choice of the examples.

The original's examples used ``torch_optimizer.Adahessian`` (torch-optimizer 0.3.0, the last
release). That implementation only handles parameters with ≤ 2 or exactly 4 dimensions: every
high-order fully connected weight ``w`` [out, in, nodes] and every Conv1d kernel has 3, and
there it stops (UnboundLocalError when such a weight comes first, else a shape error or the
previous parameter's Hessian estimate used in its place). This module gives the same update
for the shapes torch-optimizer handles (same state keys, same random draws from the global
generator, same numbers) and the per-entry estimate for every other shape.

Per step, with Rademacher vectors z (entries ±1) and the gradient g built with
``backward(create_graph=True)``:

    D = z ⊙ (H z)                              Hutchinson estimate, E[D] = diag(H)
    D̄ = |D|, averaged over the kernel's spatial dimensions for 4-d conv weights
    m ← β1 m + (1 − β1) g,  v ← β2 v + (1 − β2) D̄²
    p ← p − lr · ( (m / (1 − β1^t)) / ( (√v / √(1 − β2^t))^k + eps ) + wd · p )

with k = ``hessian_power``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import torch
from torch import Tensor
from torch.optim import Optimizer

__all__ = ["Adahessian", "hutchinson_diagonal"]

_NO_GRAPH = (
    "Adahessian needs the gradients' graph: call loss.backward(create_graph=True) "
    "(in Lightning, manual_backward(loss, create_graph=True)) before step()"
)


def _rademacher(p: Tensor, generator: torch.Generator | None) -> Tensor:
    """±1 entries with probability ½ each, shaped like ``p``."""
    if generator is None:
        bits = torch.randint_like(p, high=2, memory_format=torch.preserve_format)
    else:
        bits = torch.randint(0, 2, p.shape, generator=generator, device=generator.device)
        bits = bits.to(device=p.device, dtype=p.dtype)
    return 2 * bits - 1


def hutchinson_diagonal(
    params: list[Tensor], grads: list[Tensor], generator: torch.Generator | None = None
) -> list[Tensor]:
    """One Hutchinson sample z ⊙ (H z) per parameter, E[z ⊙ (H z)] = diag(H).

    ``grads`` must carry their graph (``backward(create_graph=True)``); parameters whose
    gradient does not depend on any parameter get zeros.
    """
    vectors = [_rademacher(p, generator) for p in params]
    with_graph = [i for i, g in enumerate(grads) if g.grad_fn is not None]
    if not with_graph:
        raise RuntimeError(_NO_GRAPH)
    products = torch.autograd.grad(
        [grads[i] for i in with_graph],
        params,
        grad_outputs=[vectors[i] for i in with_graph],
        retain_graph=True,
        allow_unused=True,
    )
    return [
        torch.zeros_like(p) if hz is None else z * hz
        for p, z, hz in zip(params, vectors, products, strict=True)
    ]


class Adahessian(Optimizer):
    """AdaHessian with torch-optimizer's arguments and defaults.

    Args:
        params: parameters or parameter groups.
        lr: learning rate (default 0.15; the examples' config uses 1.0).
        betas: decay rates of the gradient and squared-Hessian moments.
        eps: added to the denominator.
        weight_decay: decoupled decay, p ← p − lr·wd·p.
        hessian_power: k in (√v)^k, 0 ≤ k ≤ 1 (k = 1: Newton-like, k = 0: signed momentum).
        seed: seeds a private generator for the Rademacher vectors (torch-optimizer reseeded
            the global generator instead); None draws from the global generator.

    State per parameter: ``step``, ``exp_avg``, ``exp_hessian_diag_sq`` (torch-optimizer's keys).
    """

    def __init__(
        self,
        params: Iterable,
        lr: float = 0.15,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-4,
        weight_decay: float = 0.0,
        hessian_power: float = 0.5,
        seed: int | None = None,
    ) -> None:
        if lr <= 0.0:
            raise ValueError(f"lr={lr} must be positive")
        if eps <= 0.0:
            raise ValueError(f"eps={eps} must be positive")
        for index, beta in enumerate(betas):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"betas[{index}]={beta} must be in [0, 1)")
        if not 0.0 <= hessian_power <= 1.0:
            raise ValueError(f"hessian_power={hessian_power} must be in [0, 1]")
        defaults = dict(
            lr=lr,
            betas=tuple(betas),
            eps=eps,
            weight_decay=weight_decay,
            hessian_power=hessian_power,
        )
        super().__init__(params, defaults)
        self._generator = None if seed is None else torch.Generator().manual_seed(seed)

    @staticmethod
    def _block_average(estimate: Tensor) -> Tensor:
        """|D|, averaged over the spatial dimensions of a 4-d conv kernel."""
        if estimate.dim() == 4:
            return estimate.abs().mean(dim=(2, 3), keepdim=True)
        return estimate.abs()

    def step(self, closure: Callable[[], Tensor] | None = None) -> Tensor | None:
        """One update; ``closure`` (optional) re-evaluates the loss and calls
        ``backward(create_graph=True)``."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        entries = [
            (p, group) for group in self.param_groups for p in group["params"] if p.grad is not None
        ]
        if not entries:
            return loss
        params = [p for p, _ in entries]
        estimates = hutchinson_diagonal(params, [p.grad for p in params], self._generator)
        with torch.no_grad():
            for (p, group), estimate in zip(entries, estimates, strict=True):
                grad = p.grad.detach()
                p.grad = grad  # drop the graph kept by create_graph=True
                hessian = self._block_average(estimate)
                state = self.state[p]
                if not state:
                    state["step"] = 0
                    state["exp_avg"] = torch.zeros_like(p)
                    state["exp_hessian_diag_sq"] = torch.zeros_like(p)
                beta1, beta2 = group["betas"]
                state["step"] += 1
                exp_avg, exp_sq = state["exp_avg"], state["exp_hessian_diag_sq"]
                exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
                exp_sq.mul_(beta2).addcmul_(hessian, hessian, value=1 - beta2)
                bias_correction1 = 1 - beta1 ** state["step"]
                bias_correction2 = 1 - beta2 ** state["step"]
                k = group["hessian_power"]
                denom = (exp_sq.sqrt() ** k) / math.sqrt(bias_correction2) ** k + group["eps"]
                update = exp_avg / bias_correction1 / denom + group["weight_decay"] * p
                p.sub_(group["lr"] * update)
        return loss
