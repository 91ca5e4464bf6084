"""What a benchmark times: one ``BenchCase`` per implementation, grouped with its floor.

Packages contribute cases through the entry-point group ``paramlab.bench``: each entry point
names a function ``cases(quick: bool) -> list[BenchCase]``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata

import torch
from torch import Tensor, nn

__all__ = ["BENCH_GROUP", "ROLES", "BenchCase", "discover_cases", "forward_backward"]

BENCH_GROUP = "paramlab.bench"
# ours: the implementation shipped here; floor: the dense torch layer of the same shape;
# original: the published algorithm re-stated as a reference function; peer: another library.
ROLES = ("ours", "floor", "original", "peer")


@dataclass(frozen=True)
class BenchCase:
    """One timed implementation inside a comparison group.

    ``setup()`` builds the module and inputs and returns the step to time (usually a forward and
    backward pass, see :func:`forward_backward`). ``weight_build()``, when given, returns a
    callable that builds the layer's weight once, whose allocations are measured.
    """

    suite: str
    group: str
    label: str
    role: str
    setup: Callable[[], Callable[[], object]]
    weight_build: Callable[[], Callable[[], object]] | None = None
    shape: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"role={self.role!r} must be one of {', '.join(ROLES)}")


def forward_backward(module: nn.Module, *inputs: Tensor) -> Callable[[], None]:
    """A step running ``module(*inputs)`` and the gradient of the sum of its output.

    Gradients are returned, not accumulated, so every repeat does the same work. Complex
    outputs are summed over their real and imaginary parts.
    """
    params = [p for p in module.parameters() if p.requires_grad]
    grad_inputs = [x for x in inputs if x.requires_grad]

    def step() -> None:
        out = module(*inputs)
        if isinstance(out, tuple):
            out = out[0]
        loss = torch.view_as_real(out).sum() if out.is_complex() else out.sum()
        torch.autograd.grad(loss, params + grad_inputs)

    return step


def discover_cases(quick: bool, suites: set[str] | None = None) -> list[BenchCase]:
    """The core's cases and every installed package's, optionally only the named suites."""
    from paramlab.bench.core_cases import cases as core_cases

    providers = [core_cases] + [ep.load() for ep in metadata.entry_points(group=BENCH_GROUP)]
    found = [case for provider in providers for case in provider(quick)]
    return [case for case in found if suites is None or case.suite in suites]
