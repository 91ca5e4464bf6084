"""The MusicNet models by DCN's names (they live in :mod:`complexnn.models.musicnet`)."""

from __future__ import annotations

from complexnn.models.musicnet import MUSICNET_MODELS, build_musicnet_model, lr_schedule
from torch import nn

__all__ = ["MUSICNET_MODELS", "get_model", "lr_schedule"]


def get_model(model: str, feature_dim: tuple[int, int]) -> nn.Module:
    """DCN's ``get_model``: ``model`` is one of :data:`MUSICNET_MODELS` (a ``complex_`` prefix
    selects the complex family; there is no complex ``mlp``), ``feature_dim`` is ``(channels,
    window)`` of the features (one channel: the raw window or its FFT)."""
    channels, window = feature_dim
    if channels != 1:
        raise ValueError(f"feature_dim={feature_dim}: the MusicNet models take one channel")
    return build_musicnet_model(model, window_size=window)
