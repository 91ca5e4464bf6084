"""Wall-clock timing with ``torch.utils.benchmark``: warm-up, repeats, median and IQR."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from torch.utils import benchmark

__all__ = ["LONG_STEP", "Timing", "time_interleaved", "time_step"]

# A step this long (seconds) is timed one call per round with the wall clock: ``Timer.timeit``
# would add two warm-up calls to every round, tripling the cost of multi-second steps, and
# against such a call the clock's overhead is nothing.
LONG_STEP = 0.2


@dataclass(frozen=True)
class Timing:
    """Seconds per call over the measured repeats (``repeats``: calls timed)."""

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


def time_interleaved(
    steps: Sequence[Callable[[], object]],
    threads: int,
    min_run_time: float,
    max_rounds: int = 5,
    min_rounds: int = 3,
) -> list[Timing]:
    """Time several steps in alternation: round after round, each step once more.

    On a shared machine the load drifts; timing the members of a comparison side by side, round
    by round, exposes them to the same drift, so their ratios stay meaningful. Each step is
    called once to warm up and once to estimate its duration; the number of calls per round is
    chosen so that a step gets about ``min_run_time`` seconds over all rounds, and the number of
    rounds (``min_rounds`` to ``max_rounds``) so that the slowest step takes at most about
    twice that. The median and IQR are over the rounds' per-call times. Steps estimated at
    ``LONG_STEP`` seconds or more are timed one call per round with ``time.perf_counter``.
    """
    timers = [
        benchmark.Timer(stmt="step()", globals={"step": step}, num_threads=threads)
        for step in steps
    ]
    estimates = []
    for step, timer in zip(steps, timers, strict=True):
        step()
        estimates.append(max(timer.timeit(1).median, 1e-9))
    rounds = int(min(max_rounds, max(min_rounds, 2 * min_run_time // max(estimates))))
    numbers = [max(1, round(min_run_time / rounds / estimate)) for estimate in estimates]
    samples: list[list[float]] = [[] for _ in steps]
    for _ in range(rounds):
        for index, timer in enumerate(timers):
            if estimates[index] >= LONG_STEP:
                start = time.perf_counter()
                steps[index]()
                samples[index].append(time.perf_counter() - start)
            else:
                samples[index].append(timer.timeit(numbers[index]).median)
    timings = []
    for per_call, number in zip(samples, numbers, strict=True):
        low, _, high = statistics.quantiles(per_call, n=4, method="inclusive")
        timings.append(
            Timing(median=statistics.median(per_call), iqr=high - low, repeats=rounds * number)
        )
    return timings
