"""Speed and memory of every parameterization against its dense floor, its original algorithm
and its published peers (``paramlab bench``, run by ``nox -s bench``)."""

from paramlab.bench.cases import (
    BENCH_GROUP,
    ROLES,
    BenchCase,
    Sweep,
    discover_cases,
    discover_sweeps,
    forward_backward,
    forward_only,
)
from paramlab.bench.memory import AllocationProfile, allocation_profile
from paramlab.bench.timing import Timing, time_step

__all__ = [
    "BENCH_GROUP",
    "ROLES",
    "AllocationProfile",
    "BenchCase",
    "Sweep",
    "Timing",
    "allocation_profile",
    "discover_cases",
    "discover_sweeps",
    "forward_backward",
    "forward_only",
    "time_step",
]
