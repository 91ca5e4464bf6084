"""The training runtime every package script uses.

- ``seed_everything``, ``seed_worker``; ``select_device`` (cpu | cuda | mps | auto).
- ``save_checkpoint`` (atomic) / ``load_checkpoint`` (``weights_only``, ``CheckpointError``).
- ``capture_training_state`` / ``restore_training_state``: model, optimizer, scheduler, RNGs,
  counters and metrics in one checkpointable dict (bit-identical resume on CPU).
- ``init_distributed`` (torchrun env vars; gloo on CPU, nccl on CUDA), ``DistInfo``,
  ``wrap_model``, ``unwrap_model``, ``barrier``, ``cleanup``; ``make_loader`` /
  ``ResumableSampler`` / ``set_loader_epoch`` for (seed, epoch)-ordered, resumable loading.
- ``progress`` (tqdm, off when not a TTY); ``MetricsLogger`` (CSV; TensorBoard, wandb optional).
- ``fit``, ``train_step``, ``evaluate``: a small resumable supervised loop.
"""

from paramlab.train.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from paramlab.train.device import DeviceUnavailableError, select_device
from paramlab.train.distributed import (
    DistInfo,
    barrier,
    cleanup,
    init_distributed,
    unwrap_model,
    wrap_model,
)
from paramlab.train.loader import ResumableSampler, make_loader, set_loader_epoch
from paramlab.train.loop import evaluate, fit, train_step
from paramlab.train.metrics import MetricsLogger, MissingExtraError, read_metrics_csv
from paramlab.train.progress import progress, progress_enabled
from paramlab.train.seed import seed_everything, seed_worker
from paramlab.train.state import (
    capture_rng_state,
    capture_training_state,
    restore_rng_state,
    restore_training_state,
)

__all__ = [
    "CheckpointError",
    "DeviceUnavailableError",
    "DistInfo",
    "MetricsLogger",
    "MissingExtraError",
    "ResumableSampler",
    "barrier",
    "capture_rng_state",
    "capture_training_state",
    "cleanup",
    "evaluate",
    "fit",
    "init_distributed",
    "load_checkpoint",
    "make_loader",
    "progress",
    "progress_enabled",
    "read_metrics_csv",
    "restore_rng_state",
    "restore_training_state",
    "save_checkpoint",
    "seed_everything",
    "seed_worker",
    "select_device",
    "set_loader_epoch",
    "train_step",
    "unwrap_model",
    "wrap_model",
]
