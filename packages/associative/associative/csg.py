"""The Convolutional Slice Generator (CSG) and the assembly of generated kernels.

One network-wide, bias-free linear map ``CSG: R^code_size -> R^(S0*S1*kh*kw)`` turns each row of
a layer's code matrix into one "slice"; the slices of a layer, laid end to end, are the flattened
padded kernel, which is then cropped to the layer's shape (Omidvar et al., AISTATS 2021, Eq. 1):

    G = code @ W_CSG^T                                  (n_slices, S0*S1*kh*kw)
    K = G.view(ceil(O/S0)*S0, ceil(I/S1)*S1, kh, kw)[:O, :I]

with ``n_slices = ceil(I/S0) * ceil(O/S1)``. A slice is therefore a contiguous chunk of the
flattened padded kernel, not an S0 x S1 tile of the (out, in) grid; the count uses S0 for the
input channels and the view uses S0 for the output channels, which agree because every shipped
slice shape has S0 == S1 (other shapes are rejected when the element counts disagree).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

__all__ = [
    "CSG",
    "CSGConv2d",
    "CSGNetwork",
    "GeneratedConv",
    "assemble_kernel",
    "csg_config",
    "generated_conv",
    "kernel_from_slices",
    "num_slices",
    "padded_kernel_shape",
    "run_blocks",
]


def _check_slice_shape(slice_shape: Sequence[int]) -> tuple[int, int, int, int]:
    shape = tuple(int(s) for s in slice_shape)
    if len(shape) != 4 or any(s < 1 for s in shape):
        raise ValueError(
            f"slice_shape={list(slice_shape)} must be four positive integers [S0, S1, kh, kw]"
        )
    return shape  # type: ignore[return-value]


def num_slices(in_channels: int, out_channels: int, slice_shape: Sequence[int]) -> int:
    """ceil(I / S0) * ceil(O / S1): the rows of a layer's code matrix."""
    s0, s1 = slice_shape[0], slice_shape[1]
    return int(math.ceil(in_channels / s0) * math.ceil(out_channels / s1))


def padded_kernel_shape(
    in_channels: int, out_channels: int, kernel_size: int, slice_shape: Sequence[int]
) -> tuple[int, int, int, int]:
    """(ceil(O/S0)*S0, ceil(I/S1)*S1, k, k): the shape the generated slices are viewed as.

    Raises ``ValueError`` when the slice's spatial size is not the layer's kernel size or when
    the padded kernel does not hold exactly ``num_slices * prod(slice_shape)`` numbers (possible
    only when S0 != S1).
    """
    s0, s1, kh, kw = _check_slice_shape(slice_shape)
    if (kh, kw) != (kernel_size, kernel_size):
        raise ValueError(
            f"slice_shape[2:]={[kh, kw]} must equal the layer's kernel size "
            f"{[kernel_size, kernel_size]}"
        )
    shape = (
        math.ceil(out_channels / s0) * s0,
        math.ceil(in_channels / s1) * s1,
        kernel_size,
        kernel_size,
    )
    generated = num_slices(in_channels, out_channels, slice_shape) * s0 * s1 * kh * kw
    if math.prod(shape) != generated:
        raise ValueError(
            f"slice_shape={[s0, s1, kh, kw]} with in_channels={in_channels}, "
            f"out_channels={out_channels}: the {generated} generated numbers do not fill the "
            f"padded kernel {list(shape)} (the original counts slices with S0 on the input side "
            "and views with S0 on the output side; use S0 == S1)"
        )
    return shape


def kernel_from_slices(
    slices: Tensor,
    in_channels: int,
    out_channels: int,
    kernel_size: int,
    slice_shape: Sequence[int],
) -> Tensor:
    """(n_slices, S0*S1*kh*kw) -> (O, I, k, k): row-major view as the padded kernel, then crop."""
    padded = slices.reshape(
        padded_kernel_shape(in_channels, out_channels, kernel_size, slice_shape)
    )
    return padded[:out_channels, :in_channels]


def assemble_kernel(
    code: Tensor,
    csg_weight: Tensor,
    in_channels: int,
    out_channels: int,
    kernel_size: int,
    slice_shape: Sequence[int],
) -> Tensor:
    """Kernel of one generated layer: (n_slices, C) codes, (S0*S1*kh*kw, C) CSG -> (O, I, k, k).

    ``K = (code @ csg_weight^T).view(padded)[:O, :I]`` (§3.3 of the method).
    """
    return kernel_from_slices(
        F.linear(code, csg_weight), in_channels, out_channels, kernel_size, slice_shape
    )


def csg_config(
    module_name: str,
    code_size: int | None = None,
    slice_shape: Sequence[int] | None = None,
    binary_csg: bool | None = None,
) -> tuple[int, tuple[int, int, int, int], bool]:
    """Explicit values, else the module-level ``CODE_SIZE`` / ``SLICE_SHAPE`` / ``BINARY_CSG``
    of ``module_name``, read now (the original workflow edits those constants per experiment)."""
    module = sys.modules[module_name]
    code_size = int(module.CODE_SIZE if code_size is None else code_size)
    if code_size < 1:
        raise ValueError(f"code_size={code_size} must be a positive integer")
    shape = _check_slice_shape(module.SLICE_SHAPE if slice_shape is None else slice_shape)
    binary = bool(getattr(module, "BINARY_CSG", False) if binary_csg is None else binary_csg)
    return code_size, shape, binary


class CSG(nn.Linear):
    """Convolutional Slice Generator: (..., code_size) -> (..., S0*S1*kh*kw), ``s = W c``.

    An ``nn.Linear(code_size, prod(slice_shape), bias=False)`` (weight
    ``(prod(slice_shape), code_size)``, state_dict key ``weight``) that also records the slice
    shape. ``binary=True`` gives the frozen random binary CSG of the ``*_bcsg`` models: entries
    ``0.5 * sign(kaiming_normal)`` and ``requires_grad=False``.
    """

    def __init__(
        self,
        code_size: int,
        slice_shape: Sequence[int],
        binary: bool = False,
        device=None,
        dtype=None,
    ) -> None:
        shape = _check_slice_shape(slice_shape)
        if int(code_size) < 1:
            raise ValueError(f"code_size={code_size} must be a positive integer")
        super().__init__(int(code_size), math.prod(shape), bias=False, device=device, dtype=dtype)
        self.slice_shape = shape
        self.binary = bool(binary)
        if self.binary:
            self.reset_parameters()
            self.weight.requires_grad_(False)

    @property
    def code_size(self) -> int:
        return self.in_features

    def reset_parameters(self) -> None:
        if getattr(self, "binary", False):
            with torch.no_grad():
                nn.init.kaiming_normal_(self.weight)
                self.weight.copy_(torch.sign(self.weight) * 0.5)
        else:
            super().reset_parameters()

    def extra_repr(self) -> str:
        return (
            f"code_size={self.in_features}, slice_shape={list(self.slice_shape)}, "
            f"binary={self.binary}"
        )


@dataclass(frozen=True)
class GeneratedConv:
    """One CSG-generated convolution of a block.

    ``code`` names the block's code parameter, ``plain`` the ordinary ``nn.Conv2d`` it stands
    for (the org model's name, used by ``export_plain``). The convolution is
    ``F.conv2d(x, K, stride=stride, padding=padding, dilation=dilation)`` without bias.
    """

    code: str
    plain: str
    in_channels: int
    out_channels: int
    kernel_size: int
    stride: int = 1
    padding: int = 0
    dilation: int = 1

    def num_slices(self, slice_shape: Sequence[int]) -> int:
        return num_slices(self.in_channels, self.out_channels, slice_shape)

    def new_code(self, code_size: int, slice_shape: Sequence[int]) -> nn.Parameter:
        """A fresh code matrix ~ N(0, 1) of shape (n_slices, code_size); checks the geometry."""
        padded_kernel_shape(self.in_channels, self.out_channels, self.kernel_size, slice_shape)
        return nn.Parameter(torch.randn(self.num_slices(slice_shape), code_size))

    def from_slices(self, slices: Tensor, slice_shape: Sequence[int]) -> Tensor:
        return kernel_from_slices(
            slices, self.in_channels, self.out_channels, self.kernel_size, slice_shape
        )

    def kernel(self, block: nn.Module) -> Tensor:
        """The kernel assembled from ``block``'s own code and ``block.CSG`` (per-layer path)."""
        csg = block.CSG
        return assemble_kernel(
            getattr(block, self.code),
            csg.weight,
            self.in_channels,
            self.out_channels,
            self.kernel_size,
            csg.slice_shape,
        )


def generated_conv(
    block: nn.Module, spec: GeneratedConv, x: Tensor, kernels: dict[str, Tensor] | None = None
) -> Tensor:
    """(B, I, H, W) -> (B, O, H', W') through the generated convolution ``spec`` of ``block``.

    The kernel comes from ``kernels[spec.code]`` when the network generated all kernels at once,
    else it is assembled now from the block's code. After ``export_plain`` the block holds an
    ordinary convolution under ``spec.plain`` and that is used instead.
    """
    plain = block._modules.get(spec.plain)
    if plain is not None:
        return plain(x)
    kernel = kernels[spec.code] if kernels is not None else spec.kernel(block)
    return F.conv2d(x, kernel, None, spec.stride, spec.padding, spec.dilation)


class CSGConv2d(nn.Module):
    """A convolution whose kernel the shared ``csg`` generates from this layer's own codes.

    (B, in_channels, H, W) -> (B, out_channels, H', W'): ``conv2d(x, K) (+ bias)`` with
    ``K = (code @ W_CSG^T).view(padded)[:O, :I]``. Parameters: ``code`` (n_slices, code_size)
    ~ N(0, 1) and, if ``bias``, ``bias`` (O,); ``CSG`` is a reference to the shared generator
    (its weight appears under this layer's state_dict too, as in the original's blocks).
    ``kernel_size`` must equal the CSG slice's spatial size; groups are not supported.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int,
        stride: int = 1,
        padding: int = 0,
        dilation: int = 1,
        bias: bool = False,
        *,
        csg: CSG,
    ) -> None:
        super().__init__()
        if not isinstance(csg, CSG):
            raise ValueError(f"csg must be an associative.CSG, got {type(csg).__name__}")
        self.spec = GeneratedConv(
            "code", "conv", in_channels, out_channels, kernel_size, stride, padding, dilation
        )
        self.generated_convs = (self.spec,)
        self.CSG = csg
        self.code = self.spec.new_code(csg.code_size, csg.slice_shape)
        self.bias = nn.Parameter(torch.empty(out_channels)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Codes ~ N(0, 1) (the original's ``torch.randn``); bias as ``nn.Conv2d`` would set it."""
        with torch.no_grad():
            self.code.normal_()
            if self.bias is not None:
                fan_in = self.spec.in_channels * self.spec.kernel_size**2
                bound = 1 / math.sqrt(fan_in)
                self.bias.uniform_(-bound, bound)

    def forward(self, x: Tensor) -> Tensor:
        out = generated_conv(self, self.spec, x)
        return out if self.bias is None else out + self.bias.view(1, -1, 1, 1)

    def extra_repr(self) -> str:
        s = self.spec
        return (
            f"{s.in_channels}, {s.out_channels}, kernel_size={s.kernel_size}, stride={s.stride}, "
            f"padding={s.padding}, dilation={s.dilation}, bias={self.bias is not None}, "
            f"slices={self.code.shape[0]}"
        )


def run_blocks(
    blocks: Iterable[nn.Module], x: Tensor, kernels: dict[nn.Module, dict[str, Tensor]] | None
) -> Tensor:
    """Apply ``blocks`` in order, handing each CSG block its pre-generated kernels (if any)."""
    for block in blocks:
        x = block(x, kernels[block]) if kernels is not None and block in kernels else block(x)
    return x


class CSGNetwork(nn.Module):
    """Base of the networks sharing one CSG (attribute ``CSG``, ``None`` in org mode).

    Every forward generates all kernels of the network with one matrix product of the stacked
    codes and the CSG weight (``generate_kernels``); set ``batched_generation = False`` for the
    original per-layer path (same numbers up to float rounding). Loading checks that the
    state_dict's copies of the shared CSG weight (one per CSG block, as the original saves them)
    are all equal, since they load into one tensor.
    """

    batched_generation: bool = True

    def generated_layers(self) -> list[tuple[nn.Module, GeneratedConv]]:
        """(block, spec) of every convolution still generated (not exported), in module order."""
        return [
            (module, spec)
            for module in self.modules()
            for spec in getattr(module, "generated_convs", ())
            if spec.code in module._parameters
        ]

    def generate_kernels(self) -> dict[nn.Module, dict[str, Tensor]] | None:
        """All generated kernels {block: {code name: (O, I, k, k)}} from one GEMM.

        ``cat(codes) @ W_CSG^T`` is split back per layer, viewed and cropped. Returns ``None``
        on the per-layer path (``batched_generation = False``) or when there is no CSG.
        """
        csg = getattr(self, "CSG", None)
        if not self.batched_generation or csg is None:
            return None
        layers = self.generated_layers()
        if not layers:
            return {}
        codes = [getattr(block, spec.code) for block, spec in layers]
        slices = F.linear(torch.cat(codes), csg.weight).split([c.shape[0] for c in codes])
        kernels: dict[nn.Module, dict[str, Tensor]] = {}
        for (block, spec), chunk in zip(layers, slices, strict=True):
            kernels.setdefault(block, {})[spec.code] = spec.from_slices(chunk, csg.slice_shape)
        return kernels

    def _load_from_state_dict(
        self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, errors
    ):
        copies = [
            key
            for key in state_dict
            if key.startswith(prefix)
            and (key == prefix + "CSG.weight" or key.endswith(".CSG.weight"))
        ]
        for key in copies[1:]:
            first = state_dict[copies[0]]
            value = state_dict[key]
            if value.shape != first.shape or not torch.equal(value, first.to(value.dtype)):
                errors.append(
                    f"{key} differs from {copies[0]}: every copy of the shared CSG weight must "
                    "be equal (they load into one tensor)"
                )
        super()._load_from_state_dict(
            state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, errors
        )
