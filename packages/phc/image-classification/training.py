"""``Trainer``: the original training / test loops."""

from phc.trainer import Trainer

__all__ = ["Trainer"]
