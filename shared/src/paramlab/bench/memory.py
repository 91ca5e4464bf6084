"""How much memory a call allocates, measured on the tensors themselves."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch.profiler import ProfilerActivity, profile

__all__ = ["AllocationProfile", "allocation_profile"]


@dataclass(frozen=True)
class AllocationProfile:
    """Bytes allocated while a call ran: the peak of live bytes and the largest single block."""

    peak_bytes: int
    largest_bytes: int


def allocation_profile(
    fn: Callable, *args, device: str | torch.device = "cpu"
) -> AllocationProfile:
    """Run ``fn(*args)`` once and measure the tensor memory it allocates.

    On CPU the allocations and frees that ``torch.profiler`` records are replayed in time order
    (the tensor equivalent of tracemalloc); on CUDA the allocator's peak statistics are used.
    Memory that already existed before the call is not counted.
    """
    device = torch.device(device)
    if device.type == "cuda":
        torch.cuda.synchronize(device)
        torch.cuda.reset_peak_memory_stats(device)
        start = torch.cuda.memory_allocated(device)
        fn(*args)
        torch.cuda.synchronize(device)
        peak = torch.cuda.max_memory_allocated(device) - start
        return AllocationProfile(peak_bytes=peak, largest_bytes=peak)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*Profiler clears events.*")
        with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
            fn(*args)
    live = peak = largest = 0
    for event in sorted(prof.events(), key=lambda e: e.time_range.start):
        live += event.self_cpu_memory_usage
        peak = max(peak, live)
        largest = max(largest, event.self_cpu_memory_usage)
    return AllocationProfile(peak_bytes=peak, largest_bytes=largest)
