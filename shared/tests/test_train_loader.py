"""Resumable, (seed, epoch)-ordered loaders and their DistributedSampler wiring."""

import pytest
import torch
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

from paramlab.train import DistInfo, ResumableSampler, make_loader, set_loader_epoch

DATA = TensorDataset(torch.arange(20))


def order(loader):
    return torch.cat([batch[0] for batch in loader]).tolist()


def test_same_order_as_distributed_sampler():
    for rank in (0, 1):
        ours = ResumableSampler(DATA, num_replicas=2, rank=rank, seed=4)
        theirs = DistributedSampler(DATA, num_replicas=2, rank=rank, seed=4)
        ours.set_epoch(3)
        theirs.set_epoch(3)
        assert list(ours) == list(theirs)


def test_epochs_differ_and_repeat():
    loader = make_loader(DATA, batch_size=4, seed=1)
    set_loader_epoch(loader, 0)
    epoch0 = order(loader)
    set_loader_epoch(loader, 1)
    epoch1 = order(loader)
    set_loader_epoch(loader, 0)
    assert order(loader) == epoch0 and sorted(epoch0) == list(range(20)) and epoch1 != epoch0


def test_skip_resumes_mid_epoch():
    loader = make_loader(DATA, batch_size=4, seed=1)
    set_loader_epoch(loader, 2)
    full = order(loader)
    set_loader_epoch(loader, 2, skip_batches=3)
    assert order(loader) == full[12:] and len(loader) == 2


def test_ranks_partition_each_global_batch():
    single = make_loader(DATA, batch_size=4, seed=2)
    ranks = [make_loader(DATA, batch_size=2, seed=2, dist=DistInfo(r, 2, r)) for r in (0, 1)]
    for loader in (single, *ranks):
        set_loader_epoch(loader, 5)
    global_batches = [batch[0].tolist() for batch in single]
    for step, (a, b) in enumerate(zip(*ranks, strict=True)):
        assert sorted(a[0].tolist() + b[0].tolist()) == sorted(global_batches[step])


def test_plain_loaders():
    plain = DataLoader(DATA, batch_size=4, shuffle=True)
    assert set_loader_epoch(plain, 1) is False
    with pytest.raises(ValueError, match="cannot skip 2 batches with a RandomSampler"):
        set_loader_epoch(plain, 1, skip_batches=2)
    sampled = DataLoader(DATA, sampler=DistributedSampler(DATA, num_replicas=1, rank=0))
    assert set_loader_epoch(sampled, 4) and sampled.sampler.epoch == 4


def test_iterating_does_not_touch_the_global_rng():
    loader = make_loader(DATA, batch_size=4, seed=0)
    torch.manual_seed(0)
    order(loader)
    after_loader = torch.rand(1)
    torch.manual_seed(0)
    assert torch.equal(torch.rand(1), after_loader)
