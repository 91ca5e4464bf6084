"""Networks built from the high-order layers, and network-level refinement helpers.

``HighOrderMLP`` keeps the original's duplicated state_dict entries (``input_layer.*`` and
``output_layer.*`` are also ``model.{i}.*``) so original checkpoints load with strict=True.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any, List, Optional, Union  # noqa: UP035 (re-exported: star imports)

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.nn import Linear

from .layers import (
    SumLayer,
    SwitchLayer,
    fixed_rotation_layer,
    high_order_convolution_layers,
    high_order_convolution_transpose_layers,
    high_order_fc_layers,
)
from .PolynomialLayers import (
    Piecewise,
    PiecewiseDiscontinuous,
    PiecewiseDiscontinuousPolynomial,
    PiecewisePolynomial,
    initialize_polynomial_layer,
    interpolate_polynomial_layer,
    refine_discontinuous_polynomial_layer,
    refine_polynomial_layer,
    smooth_discontinuous_layer,
)

logger = logging.getLogger(__name__)

__all__ = [
    "LowOrderMLP",
    "HighOrderMLPList",
    "HighOrderMLP",
    "HighOrderMultiMLP",
    "HighOrderMLPMixerBlock",
    "scalar_to_list",
    "HighOrderFullyConvolutionalNetwork",
    "HighOrderFullyDeconvolutionalNetwork",
    "HighOrderTailFocusNetwork",
    "VanillaVAE",
    "transform_mlp",
    "transform_low_mlp",
    "initialize_network_polynomial_layers",
    "interpolate_high_order_mlp",
    "hp_refine_high_order_mlp",
    "smooth_discontinuous_network",
    "SumLayer",
    "SwitchLayer",
    "fixed_rotation_layer",
    "high_order_convolution_layers",
    "high_order_convolution_transpose_layers",
    "high_order_fc_layers",
    "PiecewiseDiscontinuous",
    "PiecewiseDiscontinuousPolynomial",
    "PiecewisePolynomial",
    "initialize_polynomial_layer",
    "interpolate_polynomial_layer",
    "refine_discontinuous_polynomial_layer",
    "refine_polynomial_layer",
    "smooth_discontinuous_layer",
    "torch",
    "nn",
    "F",
    "Tensor",
    "Linear",
    "math",
    "Callable",
    "Any",
    "List",
    "Optional",
    "Union",
]


class LowOrderMLP(nn.Module):
    """Plain MLP for comparison: Linear(in, h), hidden_layers × [norm(), act, Linear(h, h)],
    norm(), act, Linear(h, out). Keys ``model.{i}.weight/bias``."""

    def __init__(
        self,
        in_width: int,
        out_width: int,
        hidden_layers: int,
        hidden_width: int,
        non_linearity: nn.Module | None = None,
        normalization: Callable[[], nn.Module] | None = None,
    ) -> None:
        super().__init__()
        layers: list[nn.Module] = [Linear(in_width, hidden_width, bias=True)]
        for _ in range(hidden_layers):
            layers += _between(normalization, non_linearity, None)
            layers.append(Linear(hidden_width, hidden_width, bias=True))
        layers += _between(normalization, non_linearity, None)
        layers.append(Linear(hidden_width, out_width, bias=True))
        self.model = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        return self.model(x)


def _between(
    normalization: Callable[[], nn.Module] | None,
    non_linearity: nn.Module | None,
    dropout: nn.Module | None,
) -> list[nn.Module]:
    """The modules placed between two layers: [normalization()], [non_linearity], [dropout]."""
    modules = []
    if normalization is not None:
        modules.append(normalization())
    if non_linearity is not None:
        modules.append(non_linearity)
    if dropout is not None:
        modules.append(dropout)
    return modules


class HighOrderMLPList(nn.Module):
    """MLP with one entry per layer in ``layer_type``, ``n``, ``segments`` (and optionally
    ``non_linearity``/``normalization`` applied before layer i ≥ 1); len(width) must be
    len(layer_type) + 1. (The original built only the first layer.)"""

    def __init__(
        self,
        layer_type: list[str],
        n: list[int],
        width: list[int],
        segments: list[int],
        scale: float = 2.0,
        rescale_output: bool = False,
        periodicity: float | None = None,
        non_linearity: list[nn.Module | None] | None = None,
        normalization: list[Callable[[], nn.Module] | None] | None = None,
    ) -> None:
        super().__init__()
        self._n = n
        self._width = width
        self._segments = segments
        if len(width) != len(layer_type) + 1:
            raise ValueError(
                "width must be of size 1 more than layer_type, got width "
                f"{len(width)} and layer_type {len(layer_type)}"
            )
        layers: list[nn.Module] = []
        for i in range(len(layer_type)):
            if i > 0:
                norm = normalization[i] if normalization is not None else None
                act = non_linearity[i] if non_linearity is not None else None
                layers += _between(norm, act, None)
            layers.append(
                high_order_fc_layers(
                    layer_type=layer_type[i],
                    n=n[i],
                    in_features=width[i],
                    out_features=width[i + 1],
                    segments=segments[i],
                    rescale_output=rescale_output,
                    scale=scale,
                    periodicity=periodicity,
                )
            )
        self.model = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        return self.model(x)


class HighOrderMLP(nn.Module):
    """High-order MLP: input layer, ``hidden_layers`` hidden layers, output layer.

    Between layers: ``normalization()`` (a class, instantiated each time), the shared
    ``non_linearity`` module and the shared dropout (p > 0). ``n_in``/``n_hidden``/``n_out``
    default to n; ``scale``, ``rescale_output`` and ``initialization`` have no effect (as in
    the original). ``resnet=True`` makes hidden layer i ≥ 1 a :class:`SumLayer` of itself and
    the previous module.
    """

    def __init__(
        self,
        layer_type: str,
        n: int,
        in_width: int,
        out_width: int,
        hidden_layers: int,
        hidden_width: int,
        scale: float = 2.0,
        n_in: int | None = None,
        n_out: int | None = None,
        n_hidden: int | None = None,
        rescale_output: bool = False,
        periodicity: float | None = None,
        non_linearity: nn.Module | None = None,
        in_segments: int | None = None,
        out_segments: int | None = None,
        hidden_segments: int | None = None,
        normalization: Callable[[], nn.Module] | None = None,
        resnet: bool = False,
        device: Any = "cpu",
        layer_type_in: str | None = None,
        initialization: str = "constant_random",
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        n_in = n_in or n
        n_hidden = n_hidden or n
        n_out = n_out or n
        common = dict(
            rescale_output=rescale_output, scale=scale, periodicity=periodicity, device=device
        )
        self.dropout_layer = nn.Dropout(p=dropout)
        drop = self.dropout_layer if dropout > 0 else None
        self.input_layer = high_order_fc_layers(
            layer_type=layer_type_in or layer_type,
            n=n_in,
            in_features=in_width,
            out_features=hidden_width,
            segments=in_segments,
            **common,
        )
        layers: list[nn.Module] = [self.input_layer]
        for i in range(hidden_layers):
            layers += _between(normalization, non_linearity, drop)
            hidden = high_order_fc_layers(
                layer_type=layer_type,
                n=n_hidden,
                in_features=hidden_width,
                out_features=hidden_width,
                segments=hidden_segments,
                **common,
            )
            if resnet is True and i > 0:
                hidden = SumLayer(layer_list=[hidden, layers[-1]])
            layers.append(hidden)
        layers += _between(normalization, non_linearity, drop)
        self.output_layer = high_order_fc_layers(
            layer_type=layer_type,
            n=n_out,
            in_features=hidden_width,
            out_features=out_width,
            segments=out_segments,
            **common,
        )
        layers.append(self.output_layer)
        self.model = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        return self.model(x)


class HighOrderMultiMLP(nn.Module):
    """Input layer, then ``replicas`` parallel high-order MLP columns whose outputs are summed,
    then the output layer:

        h = act(norm(input_layer(x))),  y = output_layer(act(norm(drop(Σ_k column_k(h)))))

    Each column is a :class:`HighOrderMLP` hidden_width → hidden_width with ``hidden_layers``
    hidden layers, ``n_hidden`` nodes and ``hidden_segments`` segments everywhere (the
    arguments the original passed to its columns). The original could not be built (it made
    each column another HighOrderMultiMLP, recursing without end, and read an undefined
    ``input_list``); the attributes and state_dict keys are the ones it declares:
    ``input_layer.*``, ``layer_list.{i}.*`` / ``model_in.{i}.*`` (input side),
    ``replica_list.{k}.<HighOrderMLP keys>``, ``output_list.{i}.*`` / ``model_out.{i}.*`` and
    ``output_layer.*`` (output side), the same tensors under both names as in HighOrderMLP.
    ``scale``, ``rescale_output`` and ``initialization`` have no effect, as in HighOrderMLP.
    """

    def __init__(
        self,
        layer_type: str,
        n: int,
        replicas: int,
        in_width: int,
        out_width: int,
        hidden_layers: int,
        hidden_width: int,
        scale: float = 2.0,
        n_in: int | None = None,
        n_out: int | None = None,
        n_hidden: int | None = None,
        rescale_output: bool = False,
        periodicity: float | None = None,
        non_linearity: nn.Module | None = None,
        in_segments: int | None = None,
        out_segments: int | None = None,
        hidden_segments: int | None = None,
        normalization: Callable[[], nn.Module] | None = None,
        resnet: bool = False,
        device: Any = "cpu",
        layer_type_in: str | None = None,
        initialization: str = "constant_random",
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        if replicas < 1:
            raise ValueError(f"replicas={replicas} must be at least 1")
        self.replicas = replicas
        self.layer_list = nn.ModuleList()
        self.output_list = nn.ModuleList()
        self.replica_list = nn.ModuleList()
        n_in = n_in or n
        n_hidden = n_hidden or n
        n_out = n_out or n
        common = dict(
            rescale_output=rescale_output, scale=scale, periodicity=periodicity, device=device
        )
        self.dropout_layer = nn.Dropout(p=dropout)
        self.input_layer = high_order_fc_layers(
            layer_type=layer_type_in or layer_type,
            n=n_in,
            in_features=in_width,
            out_features=hidden_width,
            segments=in_segments,
            **common,
        )
        self.layer_list.append(self.input_layer)
        self.layer_list.extend(_between(normalization, non_linearity, None))
        for _ in range(replicas):
            self.replica_list.append(
                HighOrderMLP(
                    layer_type=layer_type,
                    n=n,
                    in_width=hidden_width,
                    out_width=hidden_width,
                    hidden_layers=hidden_layers,
                    hidden_width=hidden_width,
                    n_in=n_hidden,
                    n_out=n_hidden,
                    n_hidden=n_hidden,
                    non_linearity=non_linearity,
                    in_segments=hidden_segments,
                    out_segments=hidden_segments,
                    hidden_segments=hidden_segments,
                    normalization=normalization,
                    resnet=resnet,
                    layer_type_in=layer_type_in,
                    initialization=initialization,
                    dropout=dropout,
                    **common,
                )
            )
        if dropout > 0:
            self.output_list.append(self.dropout_layer)
        self.output_list.extend(_between(normalization, non_linearity, None))
        self.output_layer = high_order_fc_layers(
            layer_type=layer_type,
            n=n_out,
            in_features=hidden_width,
            out_features=out_width,
            segments=out_segments,
            **common,
        )
        self.output_list.append(self.output_layer)
        self.model_in = nn.Sequential(*self.layer_list)
        self.model_out = nn.Sequential(*self.output_list)

    def extra_repr(self) -> str:
        return f"replicas={self.replicas}"

    def forward(self, x: Tensor) -> Tensor:
        """[B, in_width] -> [B, out_width]."""
        hidden = self.model_in(x)
        total = self.replica_list[0](hidden)
        for column in self.replica_list[1:]:
            total = total + column(hidden)
        return self.model_out(total)


class HighOrderMLPMixerBlock(nn.Module):
    """The original's empty placeholder (a comment points to the MLP-Mixer paper, Tolstikhin
    et al. 2021): it builds, holds no parameters and defines no forward, so calling it raises
    NotImplementedError. Kept only so that code importing the name keeps importing."""


def scalar_to_list(val: Any, size: int) -> Any:
    """None stays None; an int/float/str/bool becomes [val] * size; lists are unchanged."""
    if val is None:
        return val
    if isinstance(val, int | float | str | bool):
        return [val] * size
    return val


def _check_lengths(layers: int, **lists: Any) -> None:
    for name, values in lists.items():
        if values is not None and len(values) < layers:
            raise ValueError(
                f"{name} must have at least one entry per layer ({layers}), got {list(values)}"
            )


def _conv_stack(
    factory: Callable[..., nn.Module],
    layer_type: list[str],
    n: list[int],
    channels: list[int],
    segments: list[int],
    kernel_size: list[int],
    stride: list[int] | None,
    padding: int,
    rescale_output: bool,
    periodicity: float | None,
    normalization: Callable[[int], nn.Module] | None,
) -> list[nn.Module]:
    """channels[i] -> channels[i + 1] high-order (transposed) convs from ``factory``, each
    followed by ``normalization(channels[i + 1])`` when given; per-layer lists checked."""
    count = len(channels) - 1
    _check_lengths(
        count,
        layer_type=layer_type,
        n=n,
        segments=segments,
        kernel_size=kernel_size,
        stride=stride,
    )
    layers: list[nn.Module] = []
    for i in range(count):
        layers.append(
            factory(
                layer_type=layer_type[i],
                n=n[i],
                in_channels=channels[i],
                out_channels=channels[i + 1],
                kernel_size=kernel_size[i],
                segments=segments[i],
                rescale_output=rescale_output,
                periodicity=periodicity,
                stride=1 if stride is None else stride[i],
                padding=padding,
            )
        )
        if normalization is not None:
            layers.append(normalization(channels[i + 1]))
    return layers


class HighOrderFullyConvolutionalNetwork(nn.Module):
    """Stack of high-order convolutions (+ ``normalization(channels)``), then global average
    pooling (``pooling`` "1d"/"2d"/"3d", or None) and flatten. Keys ``model.{i}.conv.weight``.
    """

    def __init__(
        self,
        layer_type: list[str] | str,
        n: list[int] | int,
        channels: list[int],
        segments: list[int] | int,
        kernel_size: list[int],
        rescale_output: bool = False,
        periodicity: float | None = None,
        normalization: Callable[[int], nn.Module] | None = None,
        pooling: str | None = "2d",
        stride: list[int] | int | None = None,
        padding: int = 0,
    ) -> None:
        super().__init__()
        if len(channels) < 2:
            raise ValueError(
                "Channels list must have at least 2 values [input_channels, output_channels], "
                f"got {channels}"
            )
        size = len(kernel_size)
        self.layer_type = scalar_to_list(layer_type, size)
        self.n = scalar_to_list(n, size)
        self.channels = channels
        self.segments = scalar_to_list(segments, size)
        self.kernel_size = kernel_size
        self.stride = scalar_to_list(stride, size)
        self._padding = padding
        layers = _conv_stack(
            high_order_convolution_layers,
            self.layer_type,
            self.n,
            channels,
            self.segments,
            kernel_size,
            self.stride,
            padding,
            rescale_output,
            periodicity,
            normalization,
        )
        pools = {
            "1d": lambda: nn.AdaptiveAvgPool1d(1),
            "2d": lambda: nn.AdaptiveAvgPool2d((1, 1)),
            "3d": lambda: nn.AdaptiveAvgPool3d((1, 1, 1)),
        }
        if pooling in pools:
            layers.append(pools[pooling]())
        self.model = nn.Sequential(*layers, nn.Flatten())

    def forward(self, x: Tensor) -> Tensor:
        return self.model(x)

    @property
    def output_size(self) -> int:
        """channels[-1] (the size after average pooling and flatten)."""
        return self.channels[-1]


class HighOrderFullyDeconvolutionalNetwork(nn.Module):
    """Stack of high-order transposed convolutions (+ ``normalization(channels)``)."""

    def __init__(
        self,
        layer_type: list[str] | str,
        n: list[int] | int,
        channels: list[int],
        segments: list[int] | int,
        kernel_size: list[int],
        rescale_output: bool = False,
        periodicity: float | None = None,
        normalization: Callable[[int], nn.Module] | None = None,
        stride: list[int] | int | None = None,
        padding: int = 0,
    ) -> None:
        super().__init__()
        if len(channels) < 2:
            raise ValueError(
                "Channels list must have at least 2 values [input_channels, output_channels], "
                f"got {channels}"
            )
        size = len(channels)
        self._layer_type = scalar_to_list(layer_type, size)
        self._n = scalar_to_list(n, size)
        self._channels = channels
        self._segments = scalar_to_list(segments, size)
        self._kernel_size = kernel_size
        self._stride = scalar_to_list(stride, size)
        self._padding = padding
        self._in_channels = channels[0]
        layers = _conv_stack(
            high_order_convolution_transpose_layers,
            self._layer_type,
            self._n,
            channels,
            self._segments,
            kernel_size,
            self._stride,
            padding,
            rescale_output,
            periodicity,
            normalization,
        )
        self.model = nn.Sequential(*layers)

    @property
    def in_channels(self) -> int:
        return self._in_channels

    def forward(self, x: Tensor) -> Tensor:
        return self.model(x)


class HighOrderTailFocusNetwork(nn.Module):
    """1-d convolutional network whose output concatenates the last ``focus[k]`` positions of
    the input and of each normalised layer output, and the whole last output (flattened).

    Layers are attributes ``conv_{i}`` and ``normal_{i}`` (keys ``conv_{i}.conv.weight``).
    """

    def __init__(
        self,
        layer_type: list[str] | str,
        n: list[int] | int,
        channels: list[int],
        segments: list[int] | int,
        kernel_size: list[int],
        rescale_output: bool = False,
        periodicity: float | None = None,
        normalization: Callable[[int], nn.Module] | None = None,
        stride: list[int] | int | None = None,
        padding: int = 0,
        focus: list[int] | int | None = None,
        device: Any = "cpu",
    ) -> None:
        super().__init__()
        if len(channels) < 2:
            raise ValueError(
                "Channels list must have at least 2 values [input_channels, output_channels], "
                f"got {channels}"
            )
        size = len(kernel_size)
        self.layer_type = scalar_to_list(layer_type, size)
        self.n = scalar_to_list(n, size)
        self.channels = channels
        self.segments = scalar_to_list(segments, size)
        self.kernel_size = kernel_size
        self.stride = scalar_to_list(stride, size)
        self._padding = padding
        self.focus = scalar_to_list(focus, size)
        count = len(channels) - 1
        _check_lengths(
            count,
            layer_type=self.layer_type,
            n=self.n,
            segments=self.segments,
            kernel_size=kernel_size,
            stride=self.stride,
        )
        self.layer_list: list[str] = []
        for i in range(count):
            name = f"conv_{i}"
            setattr(
                self,
                name,
                high_order_convolution_layers(
                    layer_type=self.layer_type[i],
                    n=self.n[i],
                    in_channels=channels[i],
                    out_channels=channels[i + 1],
                    kernel_size=kernel_size[i],
                    segments=self.segments[i],
                    rescale_output=rescale_output,
                    periodicity=periodicity,
                    stride=1 if self.stride is None else self.stride[i],
                    padding=padding,
                ),
            )
            self.layer_list.append(name)
            if normalization is not None:
                name = f"normal_{i}"
                setattr(self, name, normalization(channels[i + 1]))
                self.layer_list.append(name)

    def compute_sizes(self, input_size: int) -> tuple[list[int], list[int]]:
        """(widths after each layer, sizes of each concatenated piece)."""
        widths = [input_size]
        for i, kernel in enumerate(self.kernel_size):
            widths.append(math.ceil((widths[i] - kernel + 1) / self.stride[i]))
        output_sizes = [
            self.channels[i] * focus for i, focus in enumerate(self.focus + [widths[-1]])
        ]
        return widths, output_sizes

    def forward(self, x: Tensor) -> Tensor:
        """[B, C, W] -> [B, Σ output_sizes]."""
        pieces = [x[:, :, -self.focus[0] :].flatten(1)]
        count = 1
        for name in self.layer_list:
            x = getattr(self, name)(x)
            if "normal" in name and count < len(self.focus):
                pieces.append(x[:, :, -self.focus[count] :].flatten(1))
                count += 1
        pieces.append(x.flatten(1))
        return torch.cat(pieces, dim=1)


class VanillaVAE(nn.Module):
    """Variational autoencoder around an encoder with ``output_size`` and a decoder with
    ``in_channels`` (after AntixK/PyTorch-VAE). forward -> [recon, input, mu, log_var]."""

    def __init__(self, latent_dim: int, encoder: nn.Module, decoder: nn.Module, **kwargs):
        super().__init__()
        self.latent_dim = latent_dim
        self.encoder = encoder
        self.fc_mu = nn.Linear(encoder.output_size, latent_dim)
        self.fc_var = nn.Linear(encoder.output_size, latent_dim)
        self.decoder = decoder
        self._in_features = decoder.in_channels
        self.decoder_input = nn.Linear(latent_dim, self._in_features)

    def encode(self, input: Tensor) -> list[Tensor]:
        result = torch.flatten(self.encoder(input), start_dim=1)
        return [self.fc_mu(result), self.fc_var(result)]

    def decode(self, z: Tensor) -> Tensor:
        result = self.decoder_input(z).view(-1, self.decoder.in_channels, 1, 1)
        return self.decoder(result)

    def reparameterize(self, mu: Tensor, logvar: Tensor) -> Tensor:
        std = torch.exp(0.5 * logvar)
        return torch.randn_like(std) * std + mu

    def forward(self, input: Tensor, **kwargs) -> list[Tensor]:
        mu, log_var = self.encode(input)
        return [self.decode(self.reparameterize(mu, log_var)), input, mu, log_var]

    def loss_function(self, *args, **kwargs) -> dict:
        """mse + M_N·KLD, KLD = mean_b(−½ Σ (1 + log_var − mu² − exp(log_var)))."""
        recons, input, mu, log_var = args[:4]
        kld_weight = kwargs["M_N"]
        recons_loss = F.mse_loss(recons, input)
        kld_loss = torch.mean(-0.5 * torch.sum(1 + log_var - mu**2 - log_var.exp(), dim=1))
        return {
            "loss": recons_loss + kld_weight * kld_loss,
            "Reconstruction_Loss": recons_loss.detach(),
            "KLD": -kld_loss.detach(),
        }

    def sample(self, num_samples: int, **kwargs) -> Tensor:
        device = self.fc_mu.weight.device
        return self.decode(torch.randn(num_samples, self.latent_dim, device=device))

    def generate(self, x: Tensor, **kwargs) -> Tensor:
        return self.forward(x)[0]


def transform_mlp(
    layer_type: str,
    in_width: int,
    hidden_width: int,
    out_width: int,
    n: int,
    n_in: int,
    n_hidden: int,
    n_out: int,
    in_segments: int,
    hidden_segments: int,
    out_segments: int,
    hidden_layers: int,
    rotations: int,
    scale: float = 2.0,
    periodicity: float = 2.0,
    normalization: Callable[[], nn.Module] | None = None,
    resnet: bool = False,
    device: Any = "cpu",
) -> nn.Sequential:
    """Sequential(fixed rotation layer, HighOrderMLP on the rotated width)."""
    rotation, width = fixed_rotation_layer(n=in_width, rotations=rotations)
    mlp = HighOrderMLP(
        layer_type=layer_type,
        n=n,
        n_in=n_in,
        n_hidden=n_hidden,
        n_out=n_out,
        in_width=width,
        in_segments=in_segments,
        out_width=out_width,
        out_segments=out_segments,
        hidden_width=hidden_width,
        hidden_layers=hidden_layers,
        hidden_segments=hidden_segments,
        normalization=normalization,
        scale=scale,
        periodicity=periodicity,
        resnet=resnet,
        device=device,
    )
    return nn.Sequential(rotation, mlp)


def transform_low_mlp(
    in_width: int,
    hidden_width: int,
    out_width: int,
    hidden_layers: int,
    non_linearity: nn.Module | None,
    normalization: Callable[[], nn.Module] | None,
    rotations: int,
) -> nn.Sequential:
    """Sequential(fixed rotation layer, LowOrderMLP on the rotated width)."""
    rotation, width = fixed_rotation_layer(n=in_width, rotations=rotations)
    mlp = LowOrderMLP(
        in_width=width,
        out_width=out_width,
        hidden_width=hidden_width,
        hidden_layers=hidden_layers,
        non_linearity=non_linearity,
        normalization=normalization,
    )
    return nn.Sequential(rotation, mlp)


def _layers_of(network: nn.Module) -> list[nn.Module]:
    """Modules of ``network`` (not Sequential), in order, not descending into switch layers
    (which refine and initialise their own inner layers)."""
    inside_switch: set[int] = set()
    found = []
    for module in network.modules():
        if id(module) in inside_switch:
            continue
        if isinstance(module, SwitchLayer):
            inside_switch.update(id(m) for m in module.modules() if m is not module)
        if not isinstance(module, nn.Sequential):
            found.append(module)
    return found


def initialize_network_polynomial_layers(
    network: nn.Module,
    max_slope: float,
    max_offset: float,
    scale_slope: Callable[[float], float] = lambda input_size: 1,
) -> None:
    """Make every piecewise layer's links straight lines (slope × scale_slope(in_features))."""
    for layer in _layers_of(network):
        if isinstance(layer, Piecewise | PiecewiseDiscontinuous):
            initialize_polynomial_layer(
                layer, max_slope=max_slope * scale_slope(layer.in_features), max_offset=max_offset
            )
        if isinstance(layer, SwitchLayer):
            layer.initialize(
                max_slope=max_slope * scale_slope(layer.in_features), max_offset=max_offset
            )


def interpolate_high_order_mlp(network_in: nn.Module, network_out: nn.Module) -> None:
    """p-refinement of a whole network: pair the modules of ``network_in.model`` and
    ``network_out.model`` by position and call ``interpolate`` where defined."""
    for layer_in, layer_out in zip(
        _layers_of(network_in.model), _layers_of(network_out.model), strict=True
    ):
        if hasattr(layer_in, "interpolate"):
            layer_in.interpolate(layer_out)


def hp_refine_high_order_mlp(network_in: nn.Module, network_out: nn.Module) -> None:
    """h/hp-refinement of a whole network: as :func:`interpolate_high_order_mlp` with
    ``refine`` (segment counts and n may both change)."""
    for layer_in, layer_out in zip(
        _layers_of(network_in.model), _layers_of(network_out.model), strict=True
    ):
        if hasattr(layer_in, "refine"):
            layer_in.refine(layer_out)


def smooth_discontinuous_network(network_in: nn.Module, factor: float) -> None:
    """:func:`smooth_discontinuous_layer` on every discontinuous layer of ``network_in.model``."""
    for layer in network_in.model.modules():
        if isinstance(layer, PiecewiseDiscontinuous):
            smooth_discontinuous_layer(layer=layer, factor=factor)
