"""Quaternion convolution and linear layers (Parcollet et al.; Orkis "Pytorch-Quaternion-Neural-
Networks"), the baselines of the PHC paper, with the original's keys and seeded initialisation.

A quaternion weight ``r + i·i + j·j + k·k`` acts on a 4-component input through the real block
matrix of the Hamilton product (row block = output component, column block = input component):

    | r  -i  -j  -k |
    | i   r  -k   j |
    | j   k   r  -i |
    | k  -j   i   r |

built by :func:`paramlab.complex.hamilton_matrix`. The initialisers draw from NumPy's *global*
RNG in the original's order (constructor ``randint``, then ``randint`` for the phase seed,
``scipy.stats.chi`` moduli, three uniform draws), so ``np.random.seed(s)`` before building a
model reproduces the original's weights bit for bit; the per-weight normalisation the original
runs as a Python loop is vectorised here with the same floating-point operations.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from scipy.stats import chi
from torch import Tensor, nn

from paramlab.complex import hamilton_matrix

__all__ = [
    "QuaternionConv",
    "QuaternionLinear",
    "quaternion_conv",
    "quaternion_init",
    "quaternion_linear",
    "random_init",
    "unitary_init",
]

_CONV = {3: F.conv1d, 4: F.conv2d, 5: F.conv3d}
_OPERATIONS = {"convolution1d": 1, "convolution2d": 2, "convolution3d": 3}


def _fans_and_shape(in_features, out_features, kernel_size):
    if kernel_size is None:
        return in_features, out_features, (in_features, out_features)
    kernel = (kernel_size,) if isinstance(kernel_size, int) else tuple(kernel_size)
    receptive = int(np.prod(kernel))
    shape = (out_features, in_features, *kernel)
    return in_features * receptive, out_features * receptive, shape


def _scale(criterion: str, fan_in: int, fan_out: int) -> float:
    if criterion == "glorot":
        return 1.0 / np.sqrt(2 * (fan_in + fan_out))
    if criterion == "he":
        return 1.0 / np.sqrt(2 * fan_in)
    raise ValueError(f"Invalid criterion: {criterion!r} (must be 'glorot' or 'he')")


def quaternion_init(in_features, out_features, rng=None, kernel_size=None, criterion="glorot"):
    """Quaternion-polar init: modulus ~ chi(4)·s, unit pure quaternion u, phase θ ~ U(−π, π);
    returns (r, i, j, k) = (m cos θ, m u_i sin θ, m u_j sin θ, m u_k sin θ) as float64 arrays
    of shape (in, out) (linear, ``kernel_size=None``) or (out, in, *kernel) (conv).

    s = 1/√(2(fan_in+fan_out)) ('glorot') or 1/√(2 fan_in) ('he'). ``rng`` is unused, as in
    the original (the phase uses its own ``RandomState`` seeded from the global RNG).
    """
    fan_in, fan_out, shape = _fans_and_shape(in_features, out_features, kernel_size)
    s = _scale(criterion, fan_in, fan_out)
    phase_rng = np.random.RandomState(np.random.randint(1, 1234))
    modulus = chi.rvs(4, loc=0, scale=s, size=shape)
    count = int(np.prod(shape))
    v_i = np.random.uniform(-1.0, 1.0, count)
    v_j = np.random.uniform(-1.0, 1.0, count)
    v_k = np.random.uniform(-1.0, 1.0, count)
    norm = np.sqrt(v_i**2 + v_j**2 + v_k**2 + 0.0001)
    v_i, v_j, v_k = (v / norm for v in (v_i, v_j, v_k))
    phase = phase_rng.uniform(low=-np.pi, high=np.pi, size=shape)
    sin = np.sin(phase)
    return (
        modulus * np.cos(phase),
        modulus * v_i.reshape(shape) * sin,
        modulus * v_j.reshape(shape) * sin,
        modulus * v_k.reshape(shape) * sin,
    )


def unitary_init(in_features, out_features, rng=None, kernel_size=None, criterion="he"):
    """Random unit quaternions: four U(−1, 1) draws divided by (‖q‖ + 1e-4)."""
    _, _, shape = _fans_and_shape(in_features, out_features, kernel_size)
    count = int(np.prod(shape))
    parts = [np.random.uniform(-1.0, 1.0, count) for _ in range(4)]
    norm = np.sqrt(parts[0] ** 2 + parts[1] ** 2 + parts[2] ** 2 + parts[3] ** 2) + 0.0001
    return tuple((part / norm).reshape(shape) for part in parts)


def random_init(in_features, out_features, rng=None, kernel_size=None, criterion="glorot"):
    """Four raw U(−1, 1) draws (the criterion is only validated, as in the original)."""
    fan_in, fan_out, shape = _fans_and_shape(in_features, out_features, kernel_size)
    _scale(criterion, fan_in, fan_out)
    count = int(np.prod(shape))
    return tuple(np.random.uniform(-1.0, 1.0, count).reshape(shape) for _ in range(4))


def quaternion_conv(
    input, r_weight, i_weight, j_weight, k_weight, bias, stride, padding, groups, dilatation
):
    """(B, I, *S) -> (B, O, *S'): conv1d/2d/3d (by input rank) with the Hamilton block weight of
    components (O/4, I/4, *k)."""
    if input.dim() not in _CONV:
        raise ValueError(
            f"The convolutional input is either 3, 4 or 5 dimensions. input.dim = {input.dim()}"
        )
    weight = hamilton_matrix(r_weight, i_weight, j_weight, k_weight)
    return _CONV[input.dim()](input, weight, bias, stride, padding, dilatation, groups)


def quaternion_linear(input, r_weight, i_weight, j_weight, k_weight, bias=None):
    """(*, I) -> (*, O): x M (+ bias) with M the input-major Hamilton matrix of components
    (I/4, O/4)."""
    weight = hamilton_matrix(r_weight, i_weight, j_weight, k_weight, transposed=True)
    if input.dim() == 2 and bias is not None:
        return torch.addmm(bias, input, weight)
    output = input @ weight
    return output if bias is None else output + bias


_INITS = {"quaternion": quaternion_init, "unitary": unitary_init, "random": random_init}


def _assign(weights, values) -> None:
    with torch.no_grad():
        for weight, value in zip(weights, values, strict=True):
            weight.copy_(torch.from_numpy(np.ascontiguousarray(value)).to(weight.dtype))


class QuaternionConv(nn.Module):
    """Quaternion convolution: (B, I, *S) -> (B, O, *S'), weight = Hamilton block of (r, i, j, k).

    The original's signature (``dilatation`` spelling, ``stride`` required). Parameters
    ``r_weight``, ``i_weight``, ``j_weight``, ``k_weight`` each (O/4, I/4, *k), then ``bias`` (O,)
    initialised to zero. Conv1d/2d/3d is chosen by the input rank, as in the original.
    ``rotation`` and ``scale`` (quaternion-rotation kernels, used by no model) are not ported.
    """

    def __init__(
        self,
        in_channels,
        out_channels,
        kernel_size,
        stride,
        dilatation=1,
        padding=0,
        groups=1,
        bias=True,
        init_criterion="glorot",
        weight_init="quaternion",
        seed=None,
        operation="convolution2d",
        rotation=False,
        quaternion_format=True,
        scale=False,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        for name, size in (("in_channels", in_channels), ("out_channels", out_channels)):
            if size % 4 != 0:
                raise ValueError(f"{name}={size} must be divisible by 4")
        if operation not in _OPERATIONS:
            raise ValueError(f"operation={operation!r} must be one of {sorted(_OPERATIONS)}")
        if weight_init not in _INITS:
            raise ValueError(f"weight_init={weight_init!r} must be one of {sorted(_INITS)}")
        if rotation or scale:
            raise NotImplementedError("rotation=True / scale=True kernels are not ported")
        dims = _OPERATIONS[operation]
        if dims == 1:
            if not isinstance(kernel_size, int):
                raise ValueError(f"kernel_size={kernel_size} must be an int for convolution1d")
            self.kernel_size = kernel_size
            kernel = (kernel_size,)
        else:
            kernel = (kernel_size,) * dims if isinstance(kernel_size, int) else tuple(kernel_size)
            if len(kernel) != dims:
                raise ValueError(f"kernel_size={kernel_size} must have {dims} entries")
            self.kernel_size = kernel
        self.in_channels = in_channels // 4
        self.out_channels = out_channels // 4
        self.stride = stride
        self.padding = padding
        self.groups = groups
        self.dilatation = dilatation
        self.init_criterion = init_criterion
        self.weight_init = weight_init
        self.seed = seed if seed is not None else np.random.randint(0, 1234)
        self.operation = operation
        self.rotation = rotation
        self.quaternion_format = quaternion_format
        self.scale = scale
        shape = (self.out_channels, self.in_channels, *kernel)
        factory = {"device": device, "dtype": dtype}
        for name in ("r_weight", "i_weight", "j_weight", "k_weight"):
            self.register_parameter(name, nn.Parameter(torch.empty(shape, **factory)))
        if bias:
            self.bias = nn.Parameter(torch.empty(out_channels, **factory))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw (r, i, j, k) from ``weight_init`` (NumPy global RNG); zero the bias.

        On the meta device (shape-only builds, e.g. for counting parameters) nothing is drawn.
        """
        if self.r_weight.is_meta:
            return
        values = _INITS[self.weight_init](
            self.in_channels,
            self.out_channels,
            kernel_size=self.kernel_size,
            criterion=self.init_criterion,
        )
        _assign((self.r_weight, self.i_weight, self.j_weight, self.k_weight), values)
        if self.bias is not None:
            with torch.no_grad():
                self.bias.zero_()

    def build_weight(self) -> Tensor:
        """(O, I, *k): the Hamilton block matrix of (r, i, j, k)."""
        return hamilton_matrix(self.r_weight, self.i_weight, self.j_weight, self.k_weight)

    def forward(self, input: Tensor) -> Tensor:
        """(B, I, L) / (B, I, H, W) / (B, I, D, H, W) -> (B, O, ...)."""
        return quaternion_conv(
            input,
            self.r_weight,
            self.i_weight,
            self.j_weight,
            self.k_weight,
            self.bias,
            self.stride,
            self.padding,
            self.groups,
            self.dilatation,
        )

    def extra_repr(self) -> str:
        return (
            f"in_channels={self.in_channels}, out_channels={self.out_channels}, "
            f"bias={self.bias is not None}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}, padding={self.padding}, "
            f"init_criterion={self.init_criterion}, weight_init={self.weight_init}, "
            f"seed={self.seed}, operation={self.operation}"
        )


class QuaternionLinear(nn.Module):
    """Quaternion linear layer: (N, I) or (T, N, I) -> (…, O); y = x M + bias.

    Parameters ``r_weight``…``k_weight`` each (I/4, O/4) — input-major, as in the original —
    then ``bias`` (O,) initialised to zero. M (I, O) is the Hamilton table with blocks
    transposed in place (block [b, a] = table[a][b]), i.e. ``hamilton_matrix(...,
    transposed=True)``. Other input ranks raise ``NotImplementedError`` (original behaviour).
    """

    def __init__(
        self,
        in_features,
        out_features,
        bias=True,
        init_criterion="he",
        weight_init="quaternion",
        seed=None,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        for name, size in (("in_features", in_features), ("out_features", out_features)):
            if size % 4 != 0:
                raise ValueError(f"{name}={size} must be divisible by 4")
        if weight_init not in ("quaternion", "unitary"):
            raise ValueError(f"weight_init={weight_init!r} must be 'quaternion' or 'unitary'")
        self.in_features = in_features // 4
        self.out_features = out_features // 4
        factory = {"device": device, "dtype": dtype}
        shape = (self.in_features, self.out_features)
        for name in ("r_weight", "i_weight", "j_weight", "k_weight"):
            self.register_parameter(name, nn.Parameter(torch.empty(shape, **factory)))
        if bias:
            self.bias = nn.Parameter(torch.empty(self.out_features * 4, **factory))
        else:
            self.register_parameter("bias", None)
        self.init_criterion = init_criterion
        self.weight_init = weight_init
        self.seed = seed if seed is not None else np.random.randint(0, 1234)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Zero the bias, then draw (r, i, j, k) from ``weight_init`` (NumPy global RNG).

        On the meta device (shape-only builds) nothing is drawn.
        """
        if self.r_weight.is_meta:
            return
        if self.bias is not None:
            with torch.no_grad():
                self.bias.zero_()
        values = _INITS[self.weight_init](
            self.in_features, self.out_features, criterion=self.init_criterion
        )
        _assign((self.r_weight, self.i_weight, self.j_weight, self.k_weight), values)

    def build_weight(self) -> Tensor:
        """(I, O): the matrix M with y = x M."""
        return hamilton_matrix(
            self.r_weight, self.i_weight, self.j_weight, self.k_weight, transposed=True
        )

    def forward(self, input: Tensor) -> Tensor:
        if input.dim() not in (2, 3):
            raise NotImplementedError(
                f"QuaternionLinear accepts 2-D (N, I) or 3-D (T, N, I) input, got {input.dim()}-D"
            )
        if input.shape[-1] % 4 != 0:
            raise RuntimeError(
                f"Quaternion Tensors must be divisible by 4. input.size()[-1] = {input.shape[-1]}"
            )
        flat = input.reshape(-1, input.shape[-1])
        out = quaternion_linear(
            flat, self.r_weight, self.i_weight, self.j_weight, self.k_weight, self.bias
        )
        return out.reshape(*input.shape[:-1], out.shape[-1])

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}, init_criterion={self.init_criterion}, "
            f"weight_init={self.weight_init}, seed={self.seed}"
        )
