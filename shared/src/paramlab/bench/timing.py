"""Wall-clock timing with ``torch.utils.benchmark``: warm-up, repeats, median and IQR."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from torch.utils import benchmark

__all__ = ["LONG_STEP", "Timing", "time_interleaved", "time_step"]

# A step at least this long (seconds) is timed with the wall clock around its calls.
# ``Timer.timeit`` warms up with two extra calls in every round: nothing against a block of a
# hundred sub-millisecond calls, but it triples the cost of a round of one or a few long calls,
# against which the clock's own overhead is nothing.
LONG_STEP = 0.005


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
    called once to warm up and once, on the wall clock, to estimate its duration; the number of
    calls per round is chosen so that a step gets about ``min_run_time`` seconds over all
    rounds, and the number of rounds (``min_rounds`` to ``max_rounds``) so that the slowest step
    takes at most about twice that. The median and IQR are over the rounds' per-call times.
    Steps shorter than ``LONG_STEP`` are timed by ``Timer.timeit`` with ``threads`` threads;
    longer ones with ``time.perf_counter`` around their calls (the caller sets the threads).
    """
    timers = [
        benchmark.Timer(stmt="step()", globals={"step": step}, num_threads=threads)
        for step in steps
    ]
    estimates = []
    for step in steps:
        step()
        estimates.append(max(_wall_clock(step, 1), 1e-9))
    rounds = int(min(max_rounds, max(min_rounds, 2 * min_run_time // max(estimates))))
    numbers = [max(1, round(min_run_time / rounds / estimate)) for estimate in estimates]
    samples: list[list[float]] = [[] for _ in steps]
    for _ in range(rounds):
        for index, timer in enumerate(timers):
            if estimates[index] >= LONG_STEP:
                samples[index].append(_wall_clock(steps[index], numbers[index]))
            else:
                samples[index].append(timer.timeit(numbers[index]).median)
    timings = []
    for per_call, number in zip(samples, numbers, strict=True):
        low, _, high = statistics.quantiles(per_call, n=4, method="inclusive")
        timings.append(
            Timing(median=statistics.median(per_call), iqr=high - low, repeats=rounds * number)
        )
    return timings


def _wall_clock(step: Callable[[], object], number: int) -> float:
    """Seconds per call of ``number`` back-to-back calls of ``step``."""
    start = time.perf_counter()
    for _ in range(number):
        step()
    return (time.perf_counter() - start) / number
