"""Distributed data parallel from ``torchrun`` environment variables.

``torchrun --nproc_per_node=N script.py`` sets ``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK`` (and the
rendezvous address); ``init_distributed`` reads them, joins the process group (gloo on CPU, nccl
on CUDA) and returns a ``DistInfo``. Without those variables everything degrades to a single
process, so scripts need no second code path. Convention: only rank 0 logs and writes
checkpoints (``DistInfo.is_main``).
"""

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel

from paramlab.train.device import select_device

__all__ = [
    "DistInfo",
    "barrier",
    "cleanup",
    "init_distributed",
    "unwrap_model",
    "wrap_model",
]


@dataclass(frozen=True)
class DistInfo:
    """This process in the job: ``rank`` of ``world_size``, ``local_rank`` on its node."""

    rank: int = 0
    world_size: int = 1
    local_rank: int = 0
    backend: str | None = None

    @property
    def is_main(self) -> bool:
        """True on rank 0, the process that logs and checkpoints."""
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        """True when more than one process takes part."""
        return self.world_size > 1

    @property
    def device(self) -> torch.device:
        """``cuda:<local_rank>`` under nccl, else CPU."""
        return torch.device(f"cuda:{self.local_rank}" if self.backend == "nccl" else "cpu")


def init_distributed(device: str | torch.device = "auto", backend: str | None = None) -> DistInfo:
    """Join the ``torchrun`` process group if ``WORLD_SIZE`` > 1, else return a single-process info.

    ``backend`` defaults to nccl when the selected ``device`` (``select_device`` rules) is CUDA,
    else gloo; under nccl the current CUDA device becomes ``cuda:<LOCAL_RANK>``.
    """
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    if world_size <= 1:
        return DistInfo()
    missing = [name for name in ("RANK", "LOCAL_RANK", "MASTER_ADDR") if name not in os.environ]
    if missing:
        raise RuntimeError(
            f"WORLD_SIZE={world_size} but {', '.join(missing)} not set: launch with torchrun"
        )
    rank, local_rank = int(os.environ["RANK"]), int(os.environ["LOCAL_RANK"])
    if backend is None:
        backend = "nccl" if select_device(device).type == "cuda" else "gloo"
    if backend == "nccl":
        torch.cuda.set_device(local_rank)
    if not dist.is_initialized():
        dist.init_process_group(backend=backend, rank=rank, world_size=world_size)
    return DistInfo(rank=rank, world_size=world_size, local_rank=local_rank, backend=backend)


def wrap_model(model: nn.Module, info: DistInfo) -> nn.Module:
    """``DistributedDataParallel(model)`` when distributed (model on its device), else model."""
    if not info.distributed:
        return model
    device_ids = [info.local_rank] if info.backend == "nccl" else None
    return DistributedDataParallel(model, device_ids=device_ids)


def unwrap_model(model: nn.Module) -> nn.Module:
    """The module inside a DDP wrapper (so checkpoint keys carry no ``module.`` prefix)."""
    return model.module if isinstance(model, DistributedDataParallel) else model


def barrier(info: DistInfo) -> None:
    """Wait for every rank (no-op in a single process)."""
    if info.distributed and dist.is_initialized():
        dist.barrier()


def cleanup() -> None:
    """Leave the process group if one was joined."""
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()
