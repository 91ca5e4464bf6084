"""SEDNet: the SELDnet-style CRNN of L3DAS21 Task 2 in real, quaternion, PHC and full-PHM form.

Input (B, C, F=256, T) STFT features (C = 4 / 8 / 16: one mic, two mics, two mics with phase);
output (B, T', classes·overlaps) sigmoid activities, T' = T / ∏ time pools (8 by default, one
prediction per 100-ms label frame). ``cnn.<i>`` = conv 3×3 (real / ``QuaternionConv`` /
``PHConv`` with W = Σ_i A_i ⊗ F_i) → BatchNorm2d → ReLU → MaxPool2d → Dropout; ``rnn`` = 3-layer
bidirectional GRU with input size 1024 (hard-coded, as the original: 2 frequency rows × 512
filters); ``sed`` = Linear/ReLU ×3 → Dropout → Linear → Sigmoid (the full-PHM variant uses
``PHMLinear`` for the three hidden layers). State_dict keys are the original's.

Both spellings exist: ``Seldnet_*`` (the classes of the original ``SEDNet.py``) and
``Sednet_*`` (the names its train / evaluate scripts import).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from torch import Tensor, nn

from phc.layers import PHMConv, PHMLinear
from phc.quaternion import QuaternionConv

__all__ = [
    "ARCHITECTURES",
    "Full_PHMSednet_augmented",
    "Full_PHMSeldnet_augmented",
    "PHMSednet_augmented",
    "PHMSeldnet_augmented",
    "QSednet_augmented",
    "QSeldnet_augmented",
    "Sednet_augmented",
    "Sednet_vanilla",
    "Seldnet_augmented",
    "Seldnet_vanilla",
    "build_sednet",
    "canonical_architecture",
    "count_parameters",
]

_DEFAULT_POOLS = ((8, 2), (8, 2), (2, 2), (1, 1))
_DEFAULT_FILTERS = (64, 128, 256, 512)


def _time_pooled_size(time_dim: int, pool_size, pool_time: bool) -> int:
    if not pool_time:
        return time_dim
    return int(time_dim / np.prod(np.array(pool_size), axis=0)[-1])


def _cnn(
    conv: Callable[[int, int], nn.Module],
    input_channels: int,
    filters: Sequence[int],
    pool_size,
    pool_time: bool,
    dropout_perc: float,
) -> nn.Sequential:
    blocks = []
    in_chans = input_channels
    for pool, out_chans in zip(pool_size, filters, strict=False):
        window = [pool[0], pool[1]] if pool_time else [pool[0], 1]
        blocks.append(
            nn.Sequential(
                conv(in_chans, out_chans),
                nn.BatchNorm2d(out_chans),
                nn.ReLU(),
                nn.MaxPool2d(window),
                nn.Dropout(dropout_perc),
            )
        )
        in_chans = out_chans
    return nn.Sequential(*blocks)


class _Seldnet(nn.Module):
    """Shared forward: cnn → (B, T', C·F') → GRU → sed head."""

    def forward(self, x: Tensor) -> Tensor:
        """(B, C, F, T) -> (B, T', classes·overlaps)."""
        x = self.cnn(x)
        if self.verbose:
            print("cnn out ", x.shape)
        x = x.permute(0, 3, 1, 2)
        if self.verbose:
            print("permuted: ", x.shape)
        x = x.reshape(x.shape[0], self.time_pooled_size, -1)
        if self.verbose:
            print("reshaped: ", x.shape)
        x, _ = self.rnn(x)
        if self.verbose:
            print("rnn out:  ", x.shape)
        sed = self.sed(x)
        if self.verbose:
            print("sed prediction:  ", sed.shape)
        return sed


class Seldnet_augmented(_Seldnet):
    """The real augmented SELDnet (the L3DAS21 Task 2 baseline): 4 conv blocks, GRU, 4-layer head.

    ``class_overlaps`` is coerced to int (the original's default ``3.`` crashes nn.Linear).
    ``time_dim`` is the number of STFT frames of the input; ``freq_dim`` is stored only.
    """

    def __init__(
        self,
        time_dim,
        freq_dim=256,
        input_channels=4,
        output_classes=14,
        pool_size=_DEFAULT_POOLS,
        cnn_filters=_DEFAULT_FILTERS,
        pool_time=True,
        rnn_size=256,
        n_rnn=3,
        fc_size=1024,
        dropout_perc=0.3,
        class_overlaps=3,
        verbose=False,
    ) -> None:
        super().__init__()
        self.verbose = verbose
        self.time_dim = time_dim
        self.freq_dim = freq_dim
        sed_output_size = int(output_classes * class_overlaps)
        self.time_pooled_size = _time_pooled_size(time_dim, pool_size, pool_time)
        self.cnn = _cnn(self._conv, input_channels, cnn_filters, pool_size, pool_time, dropout_perc)
        self.rnn = nn.GRU(
            1024,
            rnn_size,
            num_layers=n_rnn,
            batch_first=True,
            bidirectional=True,
            dropout=dropout_perc,
        )
        self.sed = nn.Sequential(
            self._hidden_linear(rnn_size * 2, fc_size),
            nn.ReLU(),
            self._hidden_linear(fc_size, fc_size),
            nn.ReLU(),
            self._hidden_linear(fc_size, fc_size),
            nn.ReLU(),
            nn.Dropout(dropout_perc),
            nn.Linear(fc_size, sed_output_size),
            nn.Sigmoid(),
        )

    def _conv(self, in_chans: int, out_chans: int) -> nn.Module:
        return nn.Conv2d(in_chans, out_chans, kernel_size=3, stride=1, padding=1)

    def _hidden_linear(self, in_features: int, out_features: int) -> nn.Module:
        return nn.Linear(in_features, out_features)


class QSeldnet_augmented(Seldnet_augmented):
    """Augmented SELDnet with ``QuaternionConv`` blocks (bias, zero-initialised); real GRU/head.

    Its quaternion init draws from NumPy's global RNG (seed it for reproducible weights).
    """

    def _conv(self, in_chans: int, out_chans: int) -> nn.Module:
        return QuaternionConv(in_chans, out_chans, kernel_size=3, stride=1, padding=1)


class PHMSeldnet_augmented(Seldnet_augmented):
    """Augmented SELDnet with PHC conv blocks of dimension ``n`` (n must divide input_channels).

    Keys ``cnn.<i>.0.{bias, A, F}``; the conv bias is stored but, as in the original, unused.
    """

    def __init__(
        self,
        time_dim,
        freq_dim=256,
        input_channels=4,
        output_classes=14,
        pool_size=_DEFAULT_POOLS,
        cnn_filters=_DEFAULT_FILTERS,
        pool_time=True,
        rnn_size=256,
        n_rnn=3,
        fc_size=1024,
        dropout_perc=0.3,
        class_overlaps=3,
        verbose=False,
        n=2,
    ) -> None:
        self.n = n
        super().__init__(
            time_dim,
            freq_dim,
            input_channels,
            output_classes,
            pool_size,
            cnn_filters,
            pool_time,
            rnn_size,
            n_rnn,
            fc_size,
            dropout_perc,
            class_overlaps,
            verbose,
        )

    def _conv(self, in_chans: int, out_chans: int) -> nn.Module:
        return PHMConv(
            self.n, in_chans, out_features=out_chans, kernel_size=3, stride=1, padding=1, cuda=False
        )


class Full_PHMSeldnet_augmented(PHMSeldnet_augmented):
    """PHC conv blocks and ``PHMLinear`` hidden head layers (``sed.{0,2,4}.{bias, A, S}``)."""

    def _hidden_linear(self, in_features: int, out_features: int) -> nn.Module:
        return PHMLinear(self.n, in_features, out_features)


class Seldnet_vanilla(_Seldnet):
    """The original SELDnet: one 64-filter block per pool, GRU(128, …), 2-layer head.

    GRU input (128) and head input (256) are hard-coded as in the original, so it runs only with
    ``rnn_size=128`` and pools that leave 2 frequency rows.
    """

    def __init__(
        self,
        time_dim,
        freq_dim=256,
        input_channels=8,
        output_classes=14,
        pool_size=((8, 2), (8, 2), (2, 2)),
        pool_time=False,
        n_cnn_filters=64,
        rnn_size=128,
        n_rnn=2,
        fc_size=128,
        dropout_perc=0.0,
        class_overlaps=3,
        verbose=False,
    ) -> None:
        super().__init__()
        self.verbose = verbose
        self.time_dim = time_dim
        self.freq_dim = freq_dim
        n_cnn_filters = int(n_cnn_filters)
        sed_output_size = int(output_classes * class_overlaps)
        self.time_pooled_size = _time_pooled_size(time_dim, pool_size, pool_time)
        self.cnn = _cnn(
            lambda i, o: nn.Conv2d(i, o, kernel_size=3, stride=1, padding=1),
            input_channels,
            [n_cnn_filters] * len(pool_size),
            pool_size,
            pool_time,
            dropout_perc,
        )
        self.rnn = nn.GRU(
            128,
            rnn_size,
            num_layers=n_rnn,
            batch_first=True,
            bidirectional=True,
            dropout=dropout_perc,
        )
        self.sed = nn.Sequential(
            nn.Linear(256, fc_size),
            nn.Dropout(dropout_perc),
            nn.Linear(fc_size, sed_output_size),
            nn.Sigmoid(),
        )


Sednet_vanilla = Seldnet_vanilla
Sednet_augmented = Seldnet_augmented
QSednet_augmented = QSeldnet_augmented
PHMSednet_augmented = PHMSeldnet_augmented
Full_PHMSednet_augmented = Full_PHMSeldnet_augmented

#: ``--architecture`` names of the train / evaluate scripts -> (class, n).
ARCHITECTURES = {
    "sednet_vanilla": (Seldnet_vanilla, None),
    "sednet_augmented": (Seldnet_augmented, None),
    "qsednet": (QSeldnet_augmented, None),
    "phmsednet_n2": (PHMSeldnet_augmented, 2),
    "phmsednet_n4": (PHMSeldnet_augmented, 4),
    "phmsednet_n8": (PHMSeldnet_augmented, 8),
    "phmsednet_n16": (PHMSeldnet_augmented, 16),
    "full_phmsednet_n4": (Full_PHMSeldnet_augmented, 4),
}


def canonical_architecture(name: str) -> str:
    """The ``sednet`` spelling of an architecture name; ``seldnet`` spellings are aliases.

    The scripts' default ``seldnet_augmented`` matches no branch of the original (its model is
    never built); here it is the real augmented SEDNet, as intended.
    """
    canonical = name.replace("seldnet", "sednet")
    if canonical not in ARCHITECTURES:
        raise ValueError(
            f"architecture={name!r} must be one of {sorted(ARCHITECTURES)} "
            "(or the same with 'seldnet' for 'sednet')"
        )
    return canonical


def build_sednet(
    architecture: str,
    time_dim: int,
    freq_dim: int = 256,
    input_channels: int = 8,
    output_classes: int = 14,
    pool_size=_DEFAULT_POOLS,
    cnn_filters=_DEFAULT_FILTERS,
    pool_time: bool = True,
    rnn_size: int = 256,
    n_rnn: int = 3,
    fc_size: int = 1024,
    dropout_perc: float = 0.3,
    n_cnn_filters: float = 64,
    class_overlaps: int = 3,
    verbose: bool = False,
) -> nn.Module:
    """The model the scripts build for ``--architecture`` with their flag values."""
    cls, n = ARCHITECTURES[canonical_architecture(architecture)]
    common = {
        "time_dim": time_dim,
        "freq_dim": freq_dim,
        "input_channels": input_channels,
        "output_classes": output_classes,
        "pool_size": pool_size,
        "pool_time": pool_time,
        "rnn_size": rnn_size,
        "n_rnn": n_rnn,
        "fc_size": fc_size,
        "dropout_perc": dropout_perc,
        "class_overlaps": class_overlaps,
        "verbose": verbose,
    }
    if cls is Seldnet_vanilla:
        return cls(n_cnn_filters=n_cnn_filters, **common)
    if n is None:
        return cls(cnn_filters=cnn_filters, **common)
    return cls(cnn_filters=cnn_filters, n=n, **common)


def count_parameters(model: nn.Module) -> int:
    """Trainable parameters of ``model.cnn`` only (the original's ``count_parameters``)."""
    return sum(p.numel() for p in model.cnn.parameters() if p.requires_grad)
