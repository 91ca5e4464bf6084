"""Wall-clock timing with ``torch.utils.benchmark``: warm-up, repeats, median and IQR."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from torch.utils import benchmark

__all__ = ["Timing", "time_step"]


@dataclass(frozen=True)
class Timing:
    """Seconds per call over the measured repeats."""

    median: float
    iqr: float
    repeats: int


def time_step(step: Callable[[], object], threads: int, min_run_time: float) -> Timing:
    """Time ``step()`` with ``threads`` torch threads for at least ``min_run_time`` seconds.

    Two untimed calls warm up caches and lazy initialisation; ``blocked_autorange`` then
    picks a block size and repeats blocks until ``min_run_time`` has passed.
    """
    step()
    step()
    timer = benchmark.Timer(stmt="step()", globals={"step": step}, num_threads=threads)
    measurement = timer.blocked_autorange(min_run_time=min_run_time)
    return Timing(median=measurement.median, iqr=measurement.iqr, repeats=len(measurement.times))
