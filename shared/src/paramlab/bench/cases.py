"""What a benchmark times: one ``BenchCase`` per implementation, grouped with its floor.

Packages contribute cases through the entry-point group ``paramlab.bench``: each entry point
names a function ``cases(quick: bool) -> list[BenchCase]``. The module holding that function may
also define ``sweeps(quick: bool) -> list[Sweep]``: the scaling sweeps of ``paramlab bench
--scaling``. A provider can also be named directly as ``module:function`` (``--cases``), for a
package used from a checkout without being installed.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata

import torch
from torch import Tensor, nn

__all__ = [
    "BENCH_GROUP",
    "ROLES",
    "BenchCase",
    "Sweep",
    "discover_cases",
    "discover_sweeps",
    "forward_backward",
    "forward_only",
]

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


@dataclass(frozen=True)
class Sweep:
    """How time and memory grow along one shape key: ``cases`` differ in ``shape[key]``.

    Each label (implementation) is one line of the plot. The memory measured is the peak of
    ``weight_build()`` for cases that give one, else the peak of one step.
    """

    suite: str
    name: str
    key: str
    cases: list[BenchCase]

    def __post_init__(self):
        missing = [case.label for case in self.cases if self.key not in case.shape]
        if missing:
            raise ValueError(f"sweep {self.name!r}: cases {missing} have no shape[{self.key!r}]")


def forward_backward(module: nn.Module, *inputs: Tensor) -> Callable[[], None]:
    """A step running ``module(*inputs)`` and the gradient of the sum of its output.

    Gradients are returned, not accumulated, so every repeat does the same work. Complex
    outputs are summed over their real and imaginary parts. Parameters the forward does not use
    (kept only so checkpoints load) get no gradient.
    """
    params = [p for p in module.parameters() if p.requires_grad]
    grad_inputs = [x for x in inputs if x.requires_grad]

    def step() -> None:
        out = module(*inputs)
        if isinstance(out, tuple):
            out = out[0]
        loss = torch.view_as_real(out).sum() if out.is_complex() else out.sum()
        torch.autograd.grad(loss, params + grad_inputs, allow_unused=True)

    return step


def forward_only(module: nn.Module, *inputs: Tensor) -> Callable[[], None]:
    """A step running ``module(*inputs)`` without autograd (inference)."""

    def step() -> None:
        with torch.no_grad():
            module(*inputs)

    return step


def _providers(extra: Sequence[str]) -> list[Callable[[bool], list[BenchCase]]]:
    """The core's ``cases``, every entry point's, then each ``module:function`` in ``extra``."""
    from paramlab.bench.core_cases import cases as core_cases

    found = [core_cases] + [ep.load() for ep in metadata.entry_points(group=BENCH_GROUP)]
    for name in extra:
        module_name, _, function = name.partition(":")
        if not module_name or not function:
            raise ValueError(f"case provider {name!r} must be written module:function")
        provider = getattr(importlib.import_module(module_name), function)
        if provider not in found:
            found.append(provider)
    return found


def discover_cases(
    quick: bool, suites: set[str] | None = None, extra: Sequence[str] = ()
) -> list[BenchCase]:
    """The core's cases and every installed package's, optionally only the named suites."""
    found = [case for provider in _providers(extra) for case in provider(quick)]
    return [case for case in found if suites is None or case.suite in suites]


def discover_sweeps(
    quick: bool, suites: set[str] | None = None, extra: Sequence[str] = ()
) -> list[Sweep]:
    """The ``sweeps`` of every provider's module (see the module docstring)."""
    found = []
    for provider in _providers(extra):
        sweeps = getattr(importlib.import_module(provider.__module__), "sweeps", None)
        if sweeps is not None:
            found.extend(sweeps(quick))
    return [sweep for sweep in found if suites is None or sweep.suite in suites]
