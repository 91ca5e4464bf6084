"""Complex batch normalisation with 2x2 whitening (Trabelsi et al. 2018, Sec. 3.5, Eq. 11–12).

Each complex channel is a 2-D real random vector ``(Re z, Im z)``. In training mode, over all
dims except dim 1:

1. ``μ = mean(z)``, ``z̃ = z − μ``;
2. ``V = [[Vrr, Vri], [Vri, Vii]]`` with ``Vrr = mean(Re z̃²) + ε``, ``Vii = mean(Im z̃²) + ε``,
   ``Vri = mean(Re z̃ · Im z̃)`` (biased, ε on the diagonal only);
3. ``u = V^{-1/2} (Re z̃, Im z̃)ᵀ`` with the closed-form inverse root
   (``paramlab.complex.inv_sqrt_2x2``), so ``Cov(u) = I``;
4. ``out = Γ u + β`` with symmetric ``Γ = [[γrr, γri], [γri, γii]]`` and complex ``β``.

Gradients flow through μ, V and the inverse root. Running statistics follow DCN: ``running_cov``
(columns Vrr, Vii, Vri) starts at ``(1/√2, 1/√2, 0)``, is updated with the biased batch values
*including* ε (no ``n/(n−1)``), and is used as stored in eval mode (ε not added again).
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from paramlab.complex import inv_sqrt_2x2

from .init import sqrt_init_
from .utils import as_complex

__all__ = [
    "complex_batch_norm",
    "whiten_2x2",
    "ComplexBatchNorm",
    "ComplexBatchNorm1d",
    "ComplexBatchNorm2d",
    "ComplexBatchNorm3d",
    "NaiveComplexBatchNorm1d",
    "NaiveComplexBatchNorm2d",
    "NaiveComplexBatchNorm3d",
]

_RUNNING_COV_INITS = {"dcn": 1.0 / math.sqrt(2.0), "identity": 1.0}


def _bshape(stat: Tensor, x: Tensor, channel_dim: int = 1) -> Tensor:
    """Reshape a per-channel statistic ``(C,)`` (or ``(N, C)``) to broadcast against ``x``."""
    return stat.reshape(*stat.shape, *([1] * (x.dim() - channel_dim - 1)))


def whiten_2x2(
    x_re: Tensor, x_im: Tensor, v_rr: Tensor, v_ii: Tensor, v_ri: Tensor
) -> tuple[Tensor, Tensor]:
    """Apply ``V^{-1/2}`` to the 2-vectors ``(x_re, x_im)``; ``v_*`` already broadcast."""
    w_rr, w_ri, w_ii = inv_sqrt_2x2(v_rr, v_ri, v_ii)
    return w_rr * x_re + w_ri * x_im, w_ri * x_re + w_ii * x_im


def _affine(
    u_re: Tensor, u_im: Tensor, gamma: Tensor | None, beta: Tensor | None, x: Tensor
) -> Tensor:
    """``Γ u + β`` with ``gamma`` ``(C, 3)`` columns (γrr, γii, γri) and complex ``beta`` (C,)."""
    if gamma is not None:
        g_rr, g_ii, g_ri = (_bshape(g.to(u_re.dtype), x) for g in gamma.unbind(-1))
        u_re, u_im = g_rr * u_re + g_ri * u_im, g_ri * u_re + g_ii * u_im
    if beta is not None:
        u_re = u_re + _bshape(beta.real.to(u_re.dtype), x)
        u_im = u_im + _bshape(beta.imag.to(u_re.dtype), x)
    return torch.complex(u_re, u_im)


def complex_batch_norm(
    x: Tensor,
    running_mean: Tensor | None,
    running_cov: Tensor | None,
    gamma: Tensor | None = None,
    beta: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
    center: bool = True,
    whiten: bool = True,
) -> Tensor:
    """Functional complex batch norm: ``(N, C, *)`` complex -> same shape and dtype.

    ``running_mean`` complex ``(C,)`` and ``running_cov`` real ``(C, 3)`` (Vrr, Vii, Vri) are
    updated in place in training mode (``running ← (1−m)·running + m·batch``) and used in eval
    mode; pass ``None`` for both to always use batch statistics. ``gamma`` ``(C, 3)`` holds
    (γrr, γii, γri); ``beta`` is complex ``(C,)``.
    """
    x = as_complex(x)
    if x.dim() < 2:
        raise ValueError(f"complex batch norm expects (N, C, *) input, got shape {tuple(x.shape)}")
    use_batch = training or running_mean is None or running_cov is None
    reduce = [0, *range(2, x.dim())]
    if use_batch and x.numel() // x.shape[1] < 2 and training:
        raise ValueError(
            f"expected more than 1 value per channel when training, got input size {tuple(x.shape)}"
        )
    x_re, x_im = x.real, x.imag
    dtype = x_re.dtype
    if center:
        if use_batch:
            mean = torch.complex(x_re.mean(reduce), x_im.mean(reduce))
        else:
            mean = running_mean.to(x.dtype)
        x_re = x_re - _bshape(mean.real, x)
        x_im = x_im - _bshape(mean.imag, x)
    if whiten:
        if use_batch:
            v_rr = x_re.square().mean(reduce) + eps
            v_ii = x_im.square().mean(reduce) + eps
            v_ri = (x_re * x_im).mean(reduce)
        else:
            v_rr, v_ii, v_ri = running_cov.to(dtype).unbind(-1)
        u_re, u_im = whiten_2x2(x_re, x_im, _bshape(v_rr, x), _bshape(v_ii, x), _bshape(v_ri, x))
    else:
        u_re, u_im = x_re, x_im
    if training and running_mean is not None and running_cov is not None:
        with torch.no_grad():
            if center:
                running_mean.mul_(1 - momentum).add_(
                    mean.detach().to(running_mean.dtype), alpha=momentum
                )
            if whiten:
                batch_cov = torch.stack([v_rr, v_ii, v_ri], dim=-1).detach()
                running_cov.mul_(1 - momentum).add_(batch_cov.to(running_cov.dtype), alpha=momentum)
    return _affine(u_re, u_im, gamma, beta if center else None, x)


class _ComplexBatchNorm(nn.Module):
    _valid_dims: tuple[int, ...] = (4,)

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        center: bool = True,
        whiten: bool = True,
        running_cov_init: str = "dcn",
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        if num_features <= 0:
            raise ValueError(f"num_features={num_features} must be positive")
        if running_cov_init not in _RUNNING_COV_INITS:
            raise ValueError(
                f"running_cov_init={running_cov_init!r} must be one of {tuple(_RUNNING_COV_INITS)}"
            )
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        self.center = center
        self.whiten = whiten
        self.running_cov_init = running_cov_init
        factory = {"device": device, "dtype": dtype}
        if affine:
            self.gamma_rr = nn.Parameter(torch.empty(num_features, **factory))
            self.gamma_ii = nn.Parameter(torch.empty(num_features, **factory))
            self.gamma_ri = nn.Parameter(torch.empty(num_features, **factory))
        else:
            for name in ("gamma_rr", "gamma_ii", "gamma_ri"):
                self.register_parameter(name, None)
        if affine and center:
            self.beta_real = nn.Parameter(torch.empty(num_features, **factory))
            self.beta_imag = nn.Parameter(torch.empty(num_features, **factory))
        else:
            self.register_parameter("beta_real", None)
            self.register_parameter("beta_imag", None)
        if track_running_stats:
            complex_dtype = torch.complex128 if dtype == torch.float64 else torch.complex64
            self.register_buffer(
                "running_mean", torch.zeros(num_features, device=device, dtype=complex_dtype)
            )
            self.register_buffer("running_cov", torch.zeros(num_features, 3, **factory))
            self.register_buffer(
                "num_batches_tracked", torch.tensor(0, dtype=torch.long, device=device)
            )
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_cov", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_cov.zero_()
            self.running_cov[:, :2].fill_(_RUNNING_COV_INITS[self.running_cov_init])
            self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        """Γ = (1/√2, 1/√2, 0) (DCN ``sqrt_init``: ``E|out|² = 1``), β = 0."""
        self.reset_running_stats()
        if self.affine:
            sqrt_init_(self.gamma_rr.data)
            sqrt_init_(self.gamma_ii.data)
            nn.init.zeros_(self.gamma_ri)
        if self.beta_real is not None:
            nn.init.zeros_(self.beta_real)
            nn.init.zeros_(self.beta_imag)

    @property
    def gamma(self) -> Tensor | None:
        """Γ as ``(C, 3)`` columns (γrr, γii, γri), or ``None``."""
        if not self.affine:
            return None
        return torch.stack([self.gamma_rr, self.gamma_ii, self.gamma_ri], dim=-1)

    @property
    def beta(self) -> Tensor | None:
        """Complex β ``(C,)`` or ``None``."""
        if self.beta_real is None:
            return None
        return torch.complex(self.beta_real, self.beta_imag)

    def forward(self, x: Tensor) -> Tensor:
        x = as_complex(x)
        if x.dim() not in self._valid_dims or x.shape[1] != self.num_features:
            raise ValueError(
                f"{type(self).__name__}({self.num_features}) expects a {self._valid_dims}-D "
                f"input with {self.num_features} channels on dim 1, got shape {tuple(x.shape)}"
            )
        momentum = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:
                momentum = 1.0 / float(self.num_batches_tracked)
        use_running = self.track_running_stats and not self.training
        track = self.training and self.track_running_stats
        return complex_batch_norm(
            x,
            self.running_mean if (use_running or track) else None,
            self.running_cov if (use_running or track) else None,
            self.gamma,
            self.beta,
            training=self.training or not self.track_running_stats,
            momentum=momentum,
            eps=self.eps,
            center=self.center,
            whiten=self.whiten,
        )

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, track_running_stats={self.track_running_stats}, "
            f"center={self.center}, whiten={self.whiten}, "
            f"running_cov_init={self.running_cov_init!r}"
        )

    @classmethod
    def from_complexpytorch(cls, state_dict: dict[str, Tensor], **kwargs) -> _ComplexBatchNorm:
        """Build from a complexPyTorch ComplexBatchNorm state_dict (``weight`` ``(C, 3)``,
        ``bias`` ``(C, 2)``, ``running_mean``, ``running_covar``)."""
        from .convert import from_complexpytorch

        ours = from_complexpytorch(state_dict)
        num_features = next(v for k, v in ours.items() if k.endswith("running_cov")).shape[0]
        layer = cls(num_features, **kwargs)
        layer.load_state_dict(ours, strict=True)
        return layer


class ComplexBatchNorm(_ComplexBatchNorm):
    """Complex BN on any ``(N, C, *)`` input with 0 to 3 trailing axes (DCN ``ComplexBN``)."""

    _valid_dims = (2, 3, 4, 5)


class ComplexBatchNorm1d(_ComplexBatchNorm):
    """Complex BN on ``(N, C)`` or ``(N, C, L)``; 5·C parameters and 5·C running scalars."""

    _valid_dims = (2, 3)


class ComplexBatchNorm2d(_ComplexBatchNorm):
    """Complex BN on ``(N, C, H, W)``."""

    _valid_dims = (4,)


class ComplexBatchNorm3d(_ComplexBatchNorm):
    """Complex BN on ``(N, C, D, H, W)``."""

    _valid_dims = (5,)


class _NaiveComplexBatchNorm(nn.Module):
    _bn: type[nn.Module] = nn.BatchNorm2d

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        kw = {"device": device, "dtype": dtype}
        self.bn_r = self._bn(num_features, eps, momentum, affine, track_running_stats, **kw)
        self.bn_i = self._bn(num_features, eps, momentum, affine, track_running_stats, **kw)

    def forward(self, x: Tensor) -> Tensor:
        x = as_complex(x)
        return torch.complex(self.bn_r(x.real), self.bn_i(x.imag))


class NaiveComplexBatchNorm1d(_NaiveComplexBatchNorm):
    """Independent real BN on Re and Im of ``(N, C)`` / ``(N, C, L)`` (paper's "NCBN")."""

    _bn = nn.BatchNorm1d


class NaiveComplexBatchNorm2d(_NaiveComplexBatchNorm):
    """Independent real BN on Re and Im of ``(N, C, H, W)``."""

    _bn = nn.BatchNorm2d


class NaiveComplexBatchNorm3d(_NaiveComplexBatchNorm):
    """Independent real BN on Re and Im of ``(N, C, D, H, W)``."""

    _bn = nn.BatchNorm3d
