"""Complex convolutions ``W * h = (A*x − B*y) + i (B*x + A*y)`` (Trabelsi et al. 2018, Eq. 6).

``W = A + iB`` is stored as two real parameters ``weight_real`` / ``weight_imag`` with the shape
torch's real layer gives ``weight`` (``(out, in/groups, *k)``, transposed:
``(in, out/groups, *k)``), the bias as ``bias_real`` / ``bias_imag`` (``(out,)``). No
conjugation anywhere. ``impl`` selects how the complex product is computed; all give the same
result up to float rounding (the parameters and the state dict do not depend on it):

* ``'auto'`` (default): chosen per call by :func:`choose_impl` from the input's device and the
  input channels per group (on CPU ``'block'`` for at most 4, else ``'gauss'``; elsewhere
  ``'native'``), the fastest in the package's measurements (README, "Choice of ``impl``");
* ``'native'``: torch's complex convolution on ``torch.complex(A, B)`` (which itself runs three
  real convolutions, the Gauss trick);
* ``'split'``: four real convolutions (``paramlab.complex.complex_bilinear(method='four')``,
  the tutorial / complexPyTorch ``apply_complex``);
* ``'gauss'``: three real convolutions (Gauss/Karatsuba, ``method='gauss'``);
* ``'block'``: one real convolution on ``[Re | Im]`` with the block kernel ``[[A, −B], [B, A]]``
  (``paramlab.complex.complex_block_weight``; DCN's method), group-wise for ``groups > 1``.

``spectral_parametrization=True`` (DCN ``--spectral-param``) reads the stored kernel as its
orthonormal DFT over the kernel's spatial axes: the kernel used is ``ifftn(A + iB)``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.nn.modules.utils import _ntuple, _reverse_repeat_tuple

from paramlab.complex import (
    complex_bilinear,
    complex_block_weight,
    complex_to_split,
    grouped_to_split,
    split_to_complex,
    split_to_grouped,
)

from .bn import whiten_2x2
from .init import InitSpec, init_complex_weight, sqrt_init_
from .utils import as_complex

__all__ = [
    "AUTO_BLOCK_MAX_IN",
    "CONV_IMPLS",
    "IMPLS",
    "choose_impl",
    "complex_conv",
    "complex_conv1d",
    "complex_conv2d",
    "complex_conv3d",
    "complex_conv_transpose1d",
    "complex_conv_transpose2d",
    "complex_conv_transpose3d",
    "ComplexConv1d",
    "ComplexConv2d",
    "ComplexConv3d",
    "ComplexConvTranspose1d",
    "ComplexConvTranspose2d",
    "ComplexConvTranspose3d",
    "ComplexWeightNormConv1d",
    "ComplexWeightNormConv2d",
    "ComplexWeightNormConv3d",
]

IMPLS = ("native", "split", "block", "gauss")
CONV_IMPLS = ("auto", *IMPLS)
# impl='auto' on CPU: the block kernel up to this many input channels per group, Gauss above.
AUTO_BLOCK_MAX_IN = 4
_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")
_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_CONV_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


def choose_impl(device: torch.device | str, in_per_group: int) -> str:
    """What ``impl='auto'`` runs for an input on ``device`` with ``in_per_group`` input channels
    per group.

    CPU: ``'block'`` (one real convolution with the ``[[A, −B], [B, A]]`` kernel) when
    ``in_per_group <= AUTO_BLOCK_MAX_IN`` — with so few channels the work per real convolution is
    small and one call beats three — else ``'gauss'`` (three real convolutions, the algorithm of
    torch's complex convolution without its complex/real copies). Every other device (CUDA, MPS,
    ...): ``'native'``, i.e. torch's own complex path (cuDNN there); not measured in this package.
    """
    if torch.device(device).type != "cpu":
        return "native"
    return "block" if in_per_group <= AUTO_BLOCK_MAX_IN else "gauss"


def complex_product(
    op: Callable[[Tensor, Tensor], Tensor],
    x: Tensor,
    weight_real: Tensor,
    weight_imag: Tensor,
    impl: str = "native",
    groups: int = 1,
    transposed: bool = False,
    channel_dim: int = 1,
) -> Tensor:
    """``W * x`` for a real bias-free bilinear ``op`` (conv / conv_transpose / linear).

    ``x`` is complex; the weight parts are real and are cast to ``x``'s real dtype, so the
    output keeps ``x``'s complex dtype. ``channel_dim`` is the feature axis (1 for conv, -1 for
    linear), used by ``impl='block'``. ``impl='auto'`` resolves with :func:`choose_impl`.
    """
    w_re, w_im = weight_real.to(x.real.dtype), weight_imag.to(x.real.dtype)
    if impl == "auto":
        in_per_group = w_re.shape[0] // groups if transposed else w_re.shape[1]
        impl = choose_impl(x.device, in_per_group)
    if impl == "native":
        return op(x, torch.complex(w_re, w_im))
    if impl in ("split", "gauss"):
        method = "four" if impl == "split" else "gauss"
        return torch.complex(*complex_bilinear(op, x.real, x.imag, w_re, w_im, method=method))
    if impl == "block":
        block = complex_block_weight(w_re, w_im, transposed=transposed, groups=groups)
        inp = split_to_grouped(complex_to_split(x, dim=channel_dim), groups, dim=channel_dim)
        out = op(inp, block)
        return split_to_complex(grouped_to_split(out, groups, dim=channel_dim), dim=channel_dim)
    raise ValueError(f"impl={impl!r} must be one of {CONV_IMPLS}")


def _add_bias(y: Tensor, bias: Tensor | None, channel_dim: int = 1) -> Tensor:
    if bias is None:
        return y
    shape = [1] * y.dim()
    shape[channel_dim] = -1
    return y + bias.to(y.dtype).reshape(shape)


def complex_conv(
    x: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    *,
    dims: int = 2,
    transposed: bool = False,
    impl: str = "auto",
    stride=1,
    padding=0,
    dilation=1,
    groups: int = 1,
    output_padding=0,
) -> Tensor:
    """Functional complex (transposed) convolution with a complex ``weight`` and ``bias``.

    ``x`` ``(N, C_in, *spatial)`` complex (real input is promoted) -> ``(N, C_out, *spatial')``
    with torch's output-size formulas; ``weight`` uses torch's real layout.
    """
    x = as_complex(x)
    weight = weight if weight.is_complex() else as_complex(weight)
    if transposed:
        op = functools.partial(
            _CONV_T[dims],
            stride=stride,
            padding=padding,
            output_padding=output_padding,
            groups=groups,
            dilation=dilation,
        )
    else:
        op = functools.partial(
            _CONV[dims], stride=stride, padding=padding, dilation=dilation, groups=groups
        )
    y = complex_product(op, x, weight.real, weight.imag, impl, groups, transposed)
    return _add_bias(y, bias)


def _functional(dims: int, transposed: bool):
    def fn(x: Tensor, weight: Tensor, bias: Tensor | None = None, impl: str = "auto", **kw):
        return complex_conv(x, weight, bias, dims=dims, transposed=transposed, impl=impl, **kw)

    kind = "conv_transpose" if transposed else "conv"
    fn.__name__ = f"complex_{kind}{dims}d"
    fn.__doc__ = (
        f"Complex ``F.{kind}{dims}d``: ``(N, C_in, *{dims} spatial)`` complex -> complex; "
        "``weight``/``bias`` complex. Keywords as torch's, plus ``impl`` (default ``'auto'``)."
    )
    return fn


complex_conv1d = _functional(1, False)
complex_conv2d = _functional(2, False)
complex_conv3d = _functional(3, False)
complex_conv_transpose1d = _functional(1, True)
complex_conv_transpose2d = _functional(2, True)
complex_conv_transpose3d = _functional(3, True)


class _ComplexConvNd(nn.Module):
    """Shared machinery of the complex (transposed) convolutions."""

    _dims: int = 2
    _transposed: bool = False

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size,
        stride=1,
        padding=0,
        dilation=1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        output_padding=0,
        init: InitSpec = "complex",
        criterion: str = "he",
        impl: str = "auto",
        spectral_parametrization: bool = False,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        ntuple = _ntuple(self._dims)
        if in_channels <= 0 or out_channels <= 0:
            raise ValueError(
                f"in_channels={in_channels} and out_channels={out_channels} must be positive"
            )
        if groups <= 0 or in_channels % groups or out_channels % groups:
            raise ValueError(
                f"in_channels={in_channels} and out_channels={out_channels} must be divisible "
                f"by groups={groups}"
            )
        if impl not in CONV_IMPLS:
            raise ValueError(f"impl={impl!r} must be one of {CONV_IMPLS}")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"padding_mode={padding_mode!r} must be one of {_PADDING_MODES}")
        if isinstance(padding, str):
            if padding not in ("same", "valid") or self._transposed:
                raise ValueError(
                    f"padding={padding!r}: string padding must be 'same' or 'valid' and is only "
                    "available for non-transposed convolutions"
                )
            if padding_mode != "zeros":
                raise ValueError(
                    f"padding={padding!r} needs padding_mode='zeros', got {padding_mode!r}"
                )
        if self._transposed and padding_mode != "zeros":
            raise ValueError(
                f"padding_mode={padding_mode!r}: transposed convolutions only support 'zeros'"
            )
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = ntuple(kernel_size)
        self.stride = ntuple(stride)
        self.padding = padding if isinstance(padding, str) else ntuple(padding)
        self.dilation = ntuple(dilation)
        self.output_padding = ntuple(output_padding)
        self.groups = groups
        self.padding_mode = padding_mode
        self.init = init
        self.criterion = criterion
        self.impl = impl
        self.spectral_parametrization = spectral_parametrization
        factory = {"device": device, "dtype": dtype}
        if self._transposed:
            shape = (in_channels, out_channels // groups, *self.kernel_size)
        else:
            shape = (out_channels, in_channels // groups, *self.kernel_size)
        self.weight_real = nn.Parameter(torch.empty(shape, **factory))
        self.weight_imag = nn.Parameter(torch.empty(shape, **factory))
        if bias:
            self.bias_real = nn.Parameter(torch.empty(out_channels, **factory))
            self.bias_imag = nn.Parameter(torch.empty(out_channels, **factory))
        else:
            self.register_parameter("bias_real", None)
            self.register_parameter("bias_imag", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Complex init of the kernel (``init``/``criterion``); zero biases."""
        init_complex_weight(self.weight_real, self.weight_imag, self.init, self.criterion)
        if self.bias_real is not None:
            nn.init.zeros_(self.bias_real)
            nn.init.zeros_(self.bias_imag)

    @property
    def weight(self) -> Tensor:
        """The complex kernel ``weight_real + i·weight_imag`` (read-only view)."""
        return torch.complex(self.weight_real, self.weight_imag)

    @property
    def bias(self) -> Tensor | None:
        """The complex bias ``bias_real + i·bias_imag`` or ``None``."""
        if self.bias_real is None:
            return None
        return torch.complex(self.bias_real, self.bias_imag)

    def effective_kernel(self) -> tuple[Tensor, Tensor]:
        """``(Re, Im)`` of the spatial kernel actually convolved (spectral param applied)."""
        if not self.spectral_parametrization:
            return self.weight_real, self.weight_imag
        dims = tuple(range(-self._dims, 0))
        spatial = torch.fft.ifftn(self.weight, dim=dims, norm="ortho")
        return spatial.real, spatial.imag

    def _op(self) -> Callable[[Tensor, Tensor], Tensor]:
        padding = self.padding if self.padding_mode == "zeros" else 0
        if self._transposed:
            return functools.partial(
                _CONV_T[self._dims],
                stride=self.stride,
                padding=padding,
                output_padding=self.output_padding,
                groups=self.groups,
                dilation=self.dilation,
            )
        return functools.partial(
            _CONV[self._dims],
            stride=self.stride,
            padding=padding,
            dilation=self.dilation,
            groups=self.groups,
        )

    def forward(self, x: Tensor) -> Tensor:
        x = as_complex(x)
        if x.dim() != self._dims + 2:
            raise ValueError(
                f"{type(self).__name__} expects a {self._dims + 2}-D input "
                f"(N, C, *{self._dims} spatial), got shape {tuple(x.shape)}"
            )
        if self.padding_mode != "zeros":
            pad = _reverse_repeat_tuple(self.padding, 2)
            x = torch.complex(
                F.pad(x.real, pad, mode=self.padding_mode),
                F.pad(x.imag, pad, mode=self.padding_mode),
            )
        w_re, w_im = self.effective_kernel()
        y = complex_product(
            self._op(), x, w_re, w_im, self.impl, self.groups, transposed=self._transposed
        )
        return _add_bias(y, self.bias)

    def extra_repr(self) -> str:
        s = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        if self.padding != (0,) * self._dims:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * self._dims:
            s += f", dilation={self.dilation}"
        if self._transposed and self.output_padding != (0,) * self._dims:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias_real is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode!r}"
        s += f", impl={self.impl!r}"
        if self.spectral_parametrization:
            s += ", spectral_parametrization=True"
        return s

    @classmethod
    def from_complexpytorch(cls, state_dict: dict[str, Tensor], **kwargs) -> _ComplexConvNd:
        """Build from a complexPyTorch layer's ``state_dict`` (``conv_r.*`` / ``conv_i.*`` or
        ``conv_tran_r.*`` / ``conv_tran_i.*``).

        Channels and kernel size come from the weight shape; pass the rest (stride, padding,
        groups, …) as keywords. complexPyTorch's two real biases combine into the complex bias
        ``(b_r − b_i) + i (b_r + b_i)`` (see :func:`complexnn.convert.from_complexpytorch`).
        """
        from .convert import from_complexpytorch

        ours = from_complexpytorch(state_dict)
        groups = kwargs.get("groups", 1)
        shape = ours["weight_real"].shape
        if cls._transposed:
            in_channels, out_channels = shape[0], shape[1] * groups
        else:
            in_channels, out_channels = shape[1] * groups, shape[0]
        kwargs.setdefault("bias", "bias_real" in ours)
        layer = cls(in_channels, out_channels, tuple(shape[2:]), **kwargs)
        layer.load_state_dict(ours, strict=True)
        return layer


class ComplexConv1d(_ComplexConvNd):
    """Complex 1-D convolution: ``(N, C_in, L)`` -> ``(N, C_out, L')``; ``y = W * h + b``."""

    _dims = 1


class ComplexConv2d(_ComplexConvNd):
    """Complex 2-D convolution: ``(N, C_in, H, W)`` -> ``(N, C_out, H', W')``;
    ``y = (A*x − B*y) + i (B*x + A*y) + b``."""

    _dims = 2


class ComplexConv3d(_ComplexConvNd):
    """Complex 3-D convolution: ``(N, C_in, D, H, W)`` -> ``(N, C_out, D', H', W')``."""

    _dims = 3


class _ComplexConvTransposeNd(_ComplexConvNd):
    _transposed = True

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size,
        stride=1,
        padding=0,
        output_padding=0,
        groups: int = 1,
        bias: bool = True,
        dilation=1,
        padding_mode: str = "zeros",
        init: InitSpec = "complex",
        criterion: str = "he",
        impl: str = "auto",
        spectral_parametrization: bool = False,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__(
            in_channels,
            out_channels,
            kernel_size,
            stride=stride,
            padding=padding,
            dilation=dilation,
            groups=groups,
            bias=bias,
            padding_mode=padding_mode,
            output_padding=output_padding,
            init=init,
            criterion=criterion,
            impl=impl,
            spectral_parametrization=spectral_parametrization,
            device=device,
            dtype=dtype,
        )


class ComplexConvTranspose1d(_ComplexConvTransposeNd):
    """Complex transposed 1-D convolution, weight ``(in, out/groups, k)``."""

    _dims = 1


class ComplexConvTranspose2d(_ComplexConvTransposeNd):
    """Complex transposed 2-D convolution, weight ``(in, out/groups, kh, kw)``."""

    _dims = 2


class ComplexConvTranspose3d(_ComplexConvTransposeNd):
    """Complex transposed 3-D convolution, weight ``(in, out/groups, kd, kh, kw)``."""

    _dims = 3


class _ComplexWeightNormConvNd(_ComplexConvNd):
    """Complex conv with DCN's weight normalisation (``normalize_weight=True``).

    For every ``(out, in)`` pair the ``prod(kernel_size)`` taps are treated as samples of a
    complex variable: the tap mean is subtracted (real and imaginary separately), the taps are
    whitened with the inverse square root of their 2x2 covariance (``eps`` on the diagonal only;
    DCN also adds it to the off-diagonal term) and multiplied by a learned symmetric Γ
    (``gamma_rr``, ``gamma_ii`` init 1/√2, ``gamma_ri`` init 0; each ``(out, in/groups)``).
    Extra parameters: ``3·out·in/groups``.
    """

    def __init__(self, *args, eps: float = 1e-7, **kwargs) -> None:
        self.eps = eps
        super().__init__(*args, **kwargs)

    def reset_parameters(self) -> None:
        shape = self.weight_real.shape[:2]
        factory = {"device": self.weight_real.device, "dtype": self.weight_real.dtype}
        if not hasattr(self, "gamma_rr"):
            self.gamma_rr = nn.Parameter(torch.empty(shape, **factory))
            self.gamma_ii = nn.Parameter(torch.empty(shape, **factory))
            self.gamma_ri = nn.Parameter(torch.empty(shape, **factory))
        super().reset_parameters()
        sqrt_init_(self.gamma_rr.data)
        sqrt_init_(self.gamma_ii.data)
        nn.init.zeros_(self.gamma_ri)

    def effective_kernel(self) -> tuple[Tensor, Tensor]:
        w_re, w_im = super().effective_kernel()
        taps = tuple(range(2, w_re.dim()))
        w_re = w_re - w_re.mean(taps, keepdim=True)
        w_im = w_im - w_im.mean(taps, keepdim=True)
        v_rr = w_re.square().mean(taps, keepdim=True) + self.eps
        v_ii = w_im.square().mean(taps, keepdim=True) + self.eps
        v_ri = (w_re * w_im).mean(taps, keepdim=True)
        u_re, u_im = whiten_2x2(w_re, w_im, v_rr, v_ii, v_ri)
        expand = (...,) + (None,) * len(taps)
        g_rr, g_ii, g_ri = self.gamma_rr[expand], self.gamma_ii[expand], self.gamma_ri[expand]
        return g_rr * u_re + g_ri * u_im, g_ri * u_re + g_ii * u_im


class ComplexWeightNormConv1d(_ComplexWeightNormConvNd):
    """Weight-normalised complex 1-D convolution (DCN ``normalize_weight``)."""

    _dims = 1


class ComplexWeightNormConv2d(_ComplexWeightNormConvNd):
    """Weight-normalised complex 2-D convolution (DCN ``normalize_weight``)."""

    _dims = 2


class ComplexWeightNormConv3d(_ComplexWeightNormConvNd):
    """Weight-normalised complex 3-D convolution (DCN ``normalize_weight``)."""

    _dims = 3
