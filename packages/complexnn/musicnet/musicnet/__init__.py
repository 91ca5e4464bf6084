"""DCN's MusicNet experiment (``musicnet/musicnet``): the dataset reader and windows, the models
by name and the training callbacks (average precision, JSON-lines log, checkpoints)."""

from .callbacks import JsonlLogger, Performance, SaveLastModel, average_precision, evaluate
from .dataset import TEST_IDS, VALID_IDS, MusicNet, read_npz, recording_ids, splits
from .models import MUSICNET_MODELS, get_model, lr_schedule

__all__ = [
    "MUSICNET_MODELS",
    "TEST_IDS",
    "VALID_IDS",
    "JsonlLogger",
    "MusicNet",
    "Performance",
    "SaveLastModel",
    "average_precision",
    "evaluate",
    "get_model",
    "lr_schedule",
    "read_npz",
    "recording_ids",
    "splits",
]
