"""Choosing each method's width so that every method lands near one parameter budget."""

from __future__ import annotations

from dataclasses import replace

from paramlab.ablation.registry import Parameterization
from paramlab.ablation.runner import RunConfig, build_model, count_trainable

__all__ = ["width_for_budget"]


def width_for_budget(method: Parameterization, config: RunConfig, budget: int) -> int:
    """The width (a multiple of ``method.width_multiple``) whose backbone's trainable
    parameter count is closest to ``budget``; parameters grow with width, so bisect."""
    if budget < 1:
        raise ValueError(f"budget={budget} must be a positive number of parameters")
    step = method.width_multiple

    def params(width: int) -> int:
        return count_trainable(build_model(method, replace(config, width=width)))

    low, high = 1, 1
    while params(high * step) < budget:
        low, high = high, high * 2
        if high * step > 4096:
            raise ValueError(f"{method.name} needs a width above 4096 to reach {budget} parameters")
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if params(middle * step) < budget else (low, middle)
    candidates = {low * step, high * step}
    return min(candidates, key=lambda width: (abs(params(width) - budget), width))
