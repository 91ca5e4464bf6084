"""Data loaders whose order is a function of (seed, epoch) and that can resume mid-epoch.

``ResumableSampler`` is a ``DistributedSampler`` (one replica when not distributed) that can
skip the samples an interrupted epoch already consumed; ``make_loader`` wires it, with its own
``torch.Generator`` so that iterating a loader never draws from the global torch RNG. With
``num_workers=0`` a resumed run sees exactly the batches the uninterrupted run saw.
"""

from collections.abc import Iterator

import torch
from torch.utils.data import DataLoader, Dataset, DistributedSampler

from paramlab.train.distributed import DistInfo

__all__ = ["ResumableSampler", "make_loader", "set_loader_epoch"]


class ResumableSampler(DistributedSampler):
    """This rank's indices of a (seed, epoch)-permutation, minus the first ``skip`` of them.

    Identical to ``DistributedSampler`` (same order, same padding) when ``skip`` is 0.
    """

    def __init__(
        self,
        dataset: Dataset,
        *,
        num_replicas: int = 1,
        rank: int = 0,
        shuffle: bool = True,
        seed: int = 0,
    ) -> None:
        super().__init__(dataset, num_replicas=num_replicas, rank=rank, shuffle=shuffle, seed=seed)
        self.skip = 0

    def set_epoch(self, epoch: int, skip: int = 0) -> None:
        """Select the permutation of ``epoch`` and drop its first ``skip`` indices on this rank."""
        super().set_epoch(epoch)
        self.skip = skip

    def __iter__(self) -> Iterator[int]:
        return iter(list(super().__iter__())[self.skip :])

    def __len__(self) -> int:
        return max(self.num_samples - self.skip, 0)


def make_loader(
    dataset: Dataset,
    batch_size: int,
    *,
    shuffle: bool = True,
    seed: int = 0,
    dist: DistInfo | None = None,
    drop_last: bool = False,
    num_workers: int = 0,
    **kwargs,
) -> DataLoader:
    """A ``DataLoader`` over ``ResumableSampler``; ``batch_size`` is per process.

    Under DDP each rank reads 1/world_size of every epoch (global batch = batch_size x
    world_size). Call ``set_loader_epoch`` at the start of every epoch.
    """
    dist = dist or DistInfo()
    sampler = ResumableSampler(
        dataset, num_replicas=dist.world_size, rank=dist.rank, shuffle=shuffle, seed=seed
    )
    return DataLoader(
        dataset,
        batch_size=batch_size,
        sampler=sampler,
        drop_last=drop_last,
        num_workers=num_workers,
        generator=torch.Generator().manual_seed(seed),
        **kwargs,
    )


def set_loader_epoch(loader: DataLoader, epoch: int, skip_batches: int = 0) -> bool:
    """Point ``loader`` at ``epoch``, skipping ``skip_batches`` already-done batches.

    Works for loaders from ``make_loader`` (also reseeds their generator, which seeds worker
    processes, from (seed, epoch)); for a plain ``DistributedSampler`` only ``skip_batches=0``
    is possible. Returns False when the loader's sampler has no epochs (nothing was done).
    """
    sampler = loader.sampler
    if isinstance(sampler, ResumableSampler):
        sampler.set_epoch(epoch, skip_batches * (loader.batch_size or 1))
        if loader.generator is not None:
            loader.generator.manual_seed(sampler.seed + 1_000_003 * epoch)
        return True
    if skip_batches:
        raise ValueError(
            f"cannot skip {skip_batches} batches with a {type(sampler).__name__}; "
            "build the loader with paramlab.train.make_loader to resume mid-epoch"
        )
    if isinstance(sampler, DistributedSampler):
        sampler.set_epoch(epoch)
        return True
    return False
