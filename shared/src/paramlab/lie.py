"""Lie groups acting on the plane: R2, SO(2), R+, SO(2) x R+ and their semidirect products.

Pure tensor math (no ``nn.Module``); the group-convolution package wraps it. Each group is a
namespace class of static/class methods; elements are plain tensors with a trailing component
axis where the group has more than one coordinate:

=============  ===============  =========================================
group          element          layout
=============  ===============  =========================================
``R2``         translation t    ``(..., 2)``  [x, y]
``SO2``        angle theta      ``(...)``     theta, kept in [0, 2 pi)
``Rplus``      dilation s > 0   ``(...)``     s
``SO2xRplus``  (theta, s)       ``(..., 2)``  [theta, s]
``SE2``        R2 x| SO2        ``(..., 3)``  [x, y, theta]
``R2xRplus``   R2 x| R+         ``(..., 3)``  [x, y, s]
``Sim2``       R2 x| (SO2 x R+) ``(..., 4)``  [x, y, theta, s]
=============  ===============  =========================================

Every group has ``identity``, ``product``, ``inverse``, ``act`` (left action on points of R^2,
``(..., 2)``, batch dims broadcast), ``act_on_grid`` (a batch of N elements acting on a
coordinate grid ``(2, *S)`` -> ``(N, 2, *S)``), ``representation`` (the matrix of the action:
2x2 for the subgroups H, 3x3 homogeneous for groups with translations), ``determinant`` (the
Jacobian determinant of the action on R^2), ``log`` and ``exp``.

``SE2``, ``R2xRplus`` and ``Sim2`` also have ``split(g) -> (t, h)`` and ``join(t, h) -> g``
and the attribute ``H`` (their subgroup class). The subgroups H (``SO2``, ``Rplus``,
``SO2xRplus``) also have ``act_on_H`` (N_out elements acting on an N_in grid of H ->
``[N_out, N_in(, 2)]``), ``normalize`` (log coordinates -> the network's input range) and the
samplers ``discretise`` and ``uniform`` (``SO2.uniform`` is the original's random-phase grid;
``exact_haar=True`` makes the phase cover a whole grid step).

Conventions kept from the separable G-CNN code (ck_g_cnn) so results match it:

* SO(2) product is ``(theta1 + theta2) mod 2 pi``, ``exp`` is ``h mod 2 pi``, ``log`` is the
  identity, but ``inverse`` is ``-theta`` **without** wrapping (it lies in (-2 pi, 0]); all
  formulas are 2 pi-periodic, so this only matters when comparing raw angles.
* ``act_on_grid`` uses the same operations in the same order as ck_g_cnn
  (``einsum`` with the rotation matrix, then the scale), so float32 results agree bit for bit.
* Samplers draw from the global torch RNG with exactly one ``torch.rand(1)`` per call (or from
  ``generator``), like the original.

Differences from ck_g_cnn (the package reproduces these itself where needed):

* ``Rplus.product`` is the plain product s1 s2; ck_g_cnn clamps it to [0, max_scale] (unused by
  its kernels); pass ``max_scale=`` to get the clamp.
* ``SO2xRplus.determinant`` / ``Sim2.determinant`` return s^2 (the Jacobian of an isotropic 2-D
  dilation); ck_g_cnn's ``Sim2.determinant`` returns s: pass ``original=True`` for that.
* ``Rplus.uniform`` wraps correctly by default; ``original_wrap=True`` gives ck_g_cnn's quirk.
* ``log``/``exp`` of the groups with translations are the chart (x, y, log h), not the matrix
  logarithm of SE(2)/Sim(2); the kernels only ever use the logarithm of H.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import Tensor

__all__ = [
    "TWO_PI",
    "R2",
    "SO2",
    "Rplus",
    "SO2xRplus",
    "SE2",
    "R2xRplus",
    "Sim2",
    "GROUPS",
]

TWO_PI = 2 * math.pi

_Shape = Sequence[int]


def _check_num(n: int, name: str = "num_elements") -> None:
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"{name}={n!r} must be an integer >= 1")


def _log_max_scale(max_scale: float | Tensor) -> float:
    m = float(max_scale)
    if not m >= 1.0:
        raise ValueError(f"max_scale={m!r} must be >= 1")
    return math.log(m)


def _rand(device, generator: torch.Generator | None) -> Tensor:
    """One uniform draw in [0, 1), shape (1,), from ``generator`` or the global RNG."""
    if generator is None:
        return torch.rand(1, device=device)
    return torch.rand(1, generator=generator, device=generator.device).to(device)


def _rotate(theta: Tensor, x: Tensor) -> Tensor:
    """R(theta) x for theta (...) and x (..., 2), broadcast."""
    c, s = torch.cos(theta), torch.sin(theta)
    x0, x1 = x[..., 0], x[..., 1]
    return torch.stack((c * x0 - s * x1, s * x0 + c * x1), dim=-1)


def _homogeneous(linear: Tensor, t: Tensor) -> Tensor:
    """(..., 2, 2), (..., 2) -> (..., 3, 3) matrix [[A, t], [0, 0, 1]]."""
    linear, t = torch.broadcast_tensors(linear, t.unsqueeze(-1).expand(*t.shape, 2))
    top = torch.cat((linear, t[..., :1]), dim=-1)  # (..., 2, 3)
    bottom = torch.zeros_like(top[..., :1, :])
    bottom[..., 0, 2] = 1.0
    return torch.cat((top, bottom), dim=-2)


def _outer(g: Tensor, x: Tensor, event: int) -> tuple[Tensor, Tensor]:
    """Reshape g (*G, *E) and x (*X, *E) to broadcast to (*G, *X, *E), E = event dims."""
    g_batch = g.dim() - event
    x_batch = x.dim() - event
    g = g.reshape(*g.shape[:g_batch], *([1] * x_batch), *g.shape[g_batch:])
    return g, x


# ----------------------------------------------------------------------------- R2


class R2:
    """Translations of the plane; element t = [x, y], shape (..., 2); t . x = x + t."""

    name = "R2"
    dimension = 2

    @staticmethod
    def identity(batch_shape: _Shape = (), dtype=None, device=None) -> Tensor:
        """(*batch_shape, 2) zeros."""
        return torch.zeros(*batch_shape, 2, dtype=dtype, device=device)

    @staticmethod
    def product(g1: Tensor, g2: Tensor) -> Tensor:
        """(..., 2), (..., 2) -> (..., 2); t1 + t2."""
        return g1 + g2

    @staticmethod
    def inverse(g: Tensor) -> Tensor:
        """(..., 2) -> (..., 2); -t."""
        return -g

    @staticmethod
    def act(g: Tensor, x: Tensor) -> Tensor:
        """(..., 2), (..., 2) -> (..., 2); x + t."""
        return x + g

    @staticmethod
    def act_on_grid(g: Tensor, grid: Tensor) -> Tensor:
        """(N, 2), (2, *S) -> (N, 2, *S); grid + t_n."""
        return grid.unsqueeze(0) + g.reshape(*g.shape, *([1] * (grid.dim() - 1)))

    @staticmethod
    def representation(g: Tensor) -> Tensor:
        """(..., 2) -> (..., 3, 3); [[I, t], [0, 0, 1]]."""
        eye = torch.eye(2, dtype=g.dtype, device=g.device).expand(*g.shape[:-1], 2, 2)
        return _homogeneous(eye, g)

    @staticmethod
    def determinant(g: Tensor) -> Tensor:
        """(..., 2) -> (...); 1 (translations preserve area)."""
        return torch.ones_like(g[..., 0])

    @staticmethod
    def log(g: Tensor) -> Tensor:
        """(..., 2) -> (..., 2); identity."""
        return g.clone()

    @staticmethod
    def exp(h: Tensor) -> Tensor:
        """(..., 2) -> (..., 2); identity."""
        return h.clone()


# ----------------------------------------------------------------------------- H: SO(2)


class SO2:
    """Rotations; element theta (...), kept in [0, 2 pi) by product and exp.

    R(theta) = [[cos, -sin], [sin, cos]]. Inverse is -theta, not wrapped (as in ck_g_cnn).
    """

    name = "SO2"
    dimension = 1
    event_dims = 0

    @staticmethod
    def identity(batch_shape: _Shape = (), dtype=None, device=None) -> Tensor:
        """(*batch_shape) zeros."""
        return torch.zeros(*batch_shape, dtype=dtype, device=device)

    @staticmethod
    def product(g1: Tensor, g2: Tensor) -> Tensor:
        """(...), (...) -> (...); (theta1 + theta2) mod 2 pi."""
        return torch.remainder(g1 + g2, TWO_PI)

    @staticmethod
    def inverse(g: Tensor) -> Tensor:
        """(...) -> (...); -theta (not wrapped)."""
        return -g

    @staticmethod
    def act(g: Tensor, x: Tensor) -> Tensor:
        """(...), (..., 2) -> (..., 2); R(theta) x."""
        return _rotate(g, x)

    @staticmethod
    def representation(g: Tensor) -> Tensor:
        """(...) -> (..., 2, 2); R(theta) = [[cos, -sin], [sin, cos]]."""
        c, s = torch.cos(g), torch.sin(g)
        return torch.stack((c, -s, s, c), dim=-1).reshape(*g.shape, 2, 2)

    @classmethod
    def act_on_grid(cls, g: Tensor, grid: Tensor) -> Tensor:
        """(N,), (2, *S) -> (N, 2, *S); R(theta_n) applied on the coordinate axis.

        Same einsum as ck_g_cnn's ``SO2.left_action_on_Rd`` (bit-identical in float32).
        """
        rep = cls.representation(g)
        out = torch.einsum("noi,ip->nop", rep, grid.reshape(2, -1))
        return out.reshape(g.shape[0], 2, *grid.shape[1:])

    @staticmethod
    def determinant(g: Tensor) -> Tensor:
        """(...) -> (...); det R(theta) = 1."""
        return torch.ones_like(g)

    @staticmethod
    def log(g: Tensor) -> Tensor:
        """(...) -> (...); theta itself (the angle is the Lie algebra coordinate)."""
        return g.clone()

    @staticmethod
    def exp(h: Tensor) -> Tensor:
        """(...) -> (...); h mod 2 pi."""
        return torch.remainder(h, TWO_PI)

    @classmethod
    def act_on_H(cls, g: Tensor, x: Tensor) -> Tensor:
        """(*G), (*X) -> (*G, *X); [a, b] = (g_a + x_b) mod 2 pi (all pairs)."""
        g, x = _outer(g, x, 0)
        return cls.product(g, x)

    @staticmethod
    def normalize(h: Tensor) -> Tensor:
        """(...) -> (...); theta / pi - 1: [0, 2 pi) -> [-1, 1), identity -> -1."""
        return h / math.pi - 1.0

    @staticmethod
    def discretise(num_elements: int, dtype=None, device=None) -> Tensor:
        """(N,) equally spaced angles theta_a = 2 pi a / N, a = 0..N-1.

        Built like ck_g_cnn: linspace(0, 2 pi (N-1)/N, N) in ``dtype``, then mod 2 pi.
        """
        _check_num(num_elements)
        grid = SO2._grid(num_elements, dtype, device)
        return torch.remainder(grid, TWO_PI)

    @staticmethod
    def _grid(n: int, dtype, device) -> Tensor:
        end = TWO_PI * float(n - 1) / float(n)
        return torch.linspace(0, end, n, dtype=dtype, device=device)

    @staticmethod
    def uniform(
        num_elements: int,
        dtype=None,
        device=None,
        generator: torch.Generator | None = None,
        exact_haar: bool = False,
    ) -> Tensor:
        """(N,) the discretised grid rotated by one random phase, mod 2 pi.

        theta_a = (2 pi a / N + u * 2 pi (N - 1) / N^2) mod 2 pi,  u ~ U[0, 1) (one draw per call,
        from ``generator`` or the global RNG, as ck_g_cnn does). The original's phase covers
        (N - 1)/N of a grid step, so pooled samples miss 1/N of each cell; with
        ``exact_haar=True`` the phase is u * 2 pi / N and every sample is exactly Haar (uniform).
        """
        _check_num(num_elements)
        n = num_elements
        grid = SO2._grid(n, dtype, device)
        u = _rand(grid.device, generator).to(grid.dtype)
        if exact_haar:
            offset = u * TWO_PI / float(n)
        else:
            # evaluated left to right like the original: u * 2 * pi * (N - 1) / N^2
            offset = u * 2 * math.pi * float(n - 1) / float(n**2)
        return torch.remainder(grid + offset, TWO_PI)


# ----------------------------------------------------------------------------- H: R+


class Rplus:
    """Isotropic dilations; element s > 0, shape (...); s . x = s x; det = s^2."""

    name = "Rplus"
    dimension = 1
    event_dims = 0

    @staticmethod
    def identity(batch_shape: _Shape = (), dtype=None, device=None) -> Tensor:
        """(*batch_shape) ones."""
        return torch.ones(*batch_shape, dtype=dtype, device=device)

    @staticmethod
    def product(g1: Tensor, g2: Tensor, max_scale: float | Tensor | None = None) -> Tensor:
        """(...), (...) -> (...); s1 s2 (clamped to [0, max_scale] if given, like ck_g_cnn)."""
        out = g1 * g2
        if max_scale is not None:
            out = torch.clamp(out, min=0, max=float(max_scale))
        return out

    @staticmethod
    def inverse(g: Tensor) -> Tensor:
        """(...) -> (...); 1 / s."""
        return 1 / g

    @staticmethod
    def act(g: Tensor, x: Tensor) -> Tensor:
        """(...), (..., 2) -> (..., 2); s x."""
        return g.unsqueeze(-1) * x

    @staticmethod
    def representation(g: Tensor) -> Tensor:
        """(...) -> (..., 2, 2); s I."""
        eye = torch.eye(2, dtype=g.dtype, device=g.device)
        return g[..., None, None] * eye

    @staticmethod
    def act_on_grid(g: Tensor, grid: Tensor) -> Tensor:
        """(N,), (2, *S) -> (N, 2, *S); s_n * grid (one multiply, as ck_g_cnn)."""
        return g.reshape(-1, *([1] * grid.dim())) * grid.unsqueeze(0)

    @staticmethod
    def determinant(g: Tensor) -> Tensor:
        """(...) -> (...); det(s I) = s^2."""
        return g**2

    @staticmethod
    def log(g: Tensor) -> Tensor:
        """(...) -> (...); ln s."""
        return torch.log(g)

    @staticmethod
    def exp(h: Tensor) -> Tensor:
        """(...) -> (...); e^h."""
        return torch.exp(h)

    @classmethod
    def act_on_H(cls, g: Tensor, x: Tensor) -> Tensor:
        """(*G), (*X) -> (*G, *X); [a, b] = g_a x_b (no clamp)."""
        g, x = _outer(g, x, 0)
        return g * x

    @staticmethod
    def normalize(h: Tensor) -> Tensor:
        """(...) -> (...); log coordinates are fed raw (ln s), as in ck_g_cnn: a copy of h."""
        return h.clone()

    @staticmethod
    def discretise(num_elements: int, max_scale: float | Tensor, dtype=None, device=None) -> Tensor:
        """(N,) s_a = exp(linspace(0, ln m, N)): 1 .. m inclusive, equally spaced in ln s.

        ck_g_cnn stores m as a float32 tensor, so its ln m is of float32(m): pass
        ``torch.tensor(m)`` (float32) as ``max_scale`` to match it bit for bit.
        """
        _check_num(num_elements)
        log_m = _log_max_scale(max_scale)
        return torch.exp(torch.linspace(0, log_m, num_elements, dtype=dtype, device=device))

    @staticmethod
    def uniform(
        num_elements: int,
        max_scale: float | Tensor,
        dtype=None,
        device=None,
        generator: torch.Generator | None = None,
        original_wrap: bool = False,
    ) -> Tensor:
        """(N,) a randomly shifted log-scale grid, Haar (ds / s) on [1, m).

        Default: s_a = exp((a + u) ln(m) / N), a = 0..N-1, u ~ U[0, 1) (one draw per call): a grid
        on the circle [0, ln m) with a uniformly random phase, so every sample is uniform in ln s.
        (Wrapping the inclusive grid ``linspace(0, ln m, N) + u ln(m)/N`` modulo ln m would put
        the last point onto the first.)

        ``original_wrap=True``: ck_g_cnn's formula exp((linspace(0, ln m, N) + u ln(m)/N) mod m):
        the modulus is m, not ln m, so it never wraps and scales reach up to m^{1 + 1/N}.
        """
        _check_num(num_elements)
        n = num_elements
        log_m = _log_max_scale(max_scale)
        if original_wrap:
            grid = torch.linspace(0, log_m, n, dtype=dtype, device=device)
            u = _rand(grid.device, generator).to(grid.dtype)
            return torch.exp(torch.remainder(grid + u * (log_m / n), float(max_scale)))
        steps = torch.arange(n, dtype=dtype, device=device)
        if not steps.is_floating_point():
            steps = steps.to(torch.get_default_dtype())
        u = _rand(steps.device, generator).to(steps.dtype)
        return torch.exp((steps + u) * (log_m / n))


# ----------------------------------------------------------------------------- H: SO(2) x R+


class SO2xRplus:
    """Rotation-dilations; element [theta, s], shape (..., 2); direct product (they commute).

    Acting on R^2: s R(theta) x. Exported by ck_g_cnn as the ``Sim2`` subgroup.
    """

    name = "SO2xRplus"
    dimension = 2
    event_dims = 1

    @staticmethod
    def identity(batch_shape: _Shape = (), dtype=None, device=None) -> Tensor:
        """(*batch_shape, 2) filled with [0, 1]."""
        out = torch.zeros(*batch_shape, 2, dtype=dtype, device=device)
        out[..., 1] = 1.0
        return out

    @staticmethod
    def product(g1: Tensor, g2: Tensor, max_scale: float | Tensor | None = None) -> Tensor:
        """(..., 2), (..., 2) -> (..., 2); [(theta1 + theta2) mod 2 pi, s1 s2]."""
        theta = SO2.product(g1[..., 0], g2[..., 0])
        s = Rplus.product(g1[..., 1], g2[..., 1], max_scale=max_scale)
        return torch.stack((theta, s), dim=-1)

    @staticmethod
    def inverse(g: Tensor) -> Tensor:
        """(..., 2) -> (..., 2); [-theta (not wrapped), 1 / s]."""
        return torch.stack((SO2.inverse(g[..., 0]), Rplus.inverse(g[..., 1])), dim=-1)

    @staticmethod
    def act(g: Tensor, x: Tensor) -> Tensor:
        """(..., 2), (..., 2) -> (..., 2); s R(theta) x."""
        return Rplus.act(g[..., 1], SO2.act(g[..., 0], x))

    @staticmethod
    def representation(g: Tensor) -> Tensor:
        """(..., 2) -> (..., 2, 2); s R(theta)."""
        return g[..., 1, None, None] * SO2.representation(g[..., 0])

    @staticmethod
    def act_on_grid(g: Tensor, grid: Tensor) -> Tensor:
        """(N, 2), (2, *S) -> (N, 2, *S); rotate (einsum), then scale, as ck_g_cnn."""
        rotated = SO2.act_on_grid(g[:, 0], grid)
        return g[:, 1].reshape(-1, *([1] * grid.dim())) * rotated

    @staticmethod
    def determinant(g: Tensor, original: bool = False) -> Tensor:
        """(..., 2) -> (...); det(s R(theta)) = s^2.

        ``original=True`` returns s, as ck_g_cnn's ``Sim2.determinant`` does (a quirk its
        non-2D Sim2 kernels depend on).
        """
        s = g[..., 1]
        return s.clone() if original else Rplus.determinant(s)

    @staticmethod
    def log(g: Tensor) -> Tensor:
        """(..., 2) -> (..., 2); [theta, ln s]."""
        return torch.stack((SO2.log(g[..., 0]), Rplus.log(g[..., 1])), dim=-1)

    @staticmethod
    def exp(h: Tensor) -> Tensor:
        """(..., 2) -> (..., 2); [h_0 mod 2 pi, e^{h_1}]."""
        return torch.stack((SO2.exp(h[..., 0]), Rplus.exp(h[..., 1])), dim=-1)

    @classmethod
    def act_on_H(cls, g: Tensor, x: Tensor) -> Tensor:
        """(*G, 2), (*X, 2) -> (*G, *X, 2); [(theta_a + theta_b) mod 2 pi, s_a s_b]."""
        g, x = _outer(g, x, 1)
        return cls.product(g, x)

    @staticmethod
    def normalize(h: Tensor) -> Tensor:
        """(..., 2) -> (..., 2); [theta / pi - 1, ln s unchanged] on log coordinates."""
        return torch.stack((SO2.normalize(h[..., 0]), Rplus.normalize(h[..., 1])), dim=-1)

    @staticmethod
    def _split_num(num_elements: int | Sequence[int]) -> tuple[int, int]:
        if isinstance(num_elements, int):
            _check_num(num_elements)
            return num_elements, num_elements
        n_rot, n_scale = num_elements
        _check_num(n_rot, "num_elements[0]")
        _check_num(n_scale, "num_elements[1]")
        return n_rot, n_scale

    @staticmethod
    def pairs(theta: Tensor, s: Tensor) -> Tensor:
        """(Nr), (Ns) -> (Nr * Ns, 2): all pairs [theta_r, s_t], rotation-major (row r * Ns + t)."""
        grid = torch.stack(torch.meshgrid(theta, s, indexing="ij"), dim=-1)
        return grid.reshape(-1, 2)

    @classmethod
    def _combine(cls, theta: Tensor, s: Tensor, separable: bool):
        return (theta, s) if separable else cls.pairs(theta, s)

    @classmethod
    def discretise(
        cls,
        num_elements: int | Sequence[int],
        max_scale: float | Tensor,
        separable: bool = False,
        dtype=None,
        device=None,
    ):
        """All pairs of ``SO2.discretise(Nr)`` and ``Rplus.discretise(Ns, m)``.

        ``num_elements`` = N (Nr = Ns = N) or [Nr, Ns]. Returns [Nr * Ns, 2] in rotation-major
        order (row r * Ns + t is [theta_r, s_t]) or, with ``separable=True``, (theta [Nr], s [Ns]).
        """
        n_rot, n_scale = cls._split_num(num_elements)
        theta = SO2.discretise(n_rot, dtype=dtype, device=device)
        s = Rplus.discretise(n_scale, max_scale, dtype=dtype, device=device)
        return cls._combine(theta, s, separable)

    @classmethod
    def uniform(
        cls,
        num_elements: int | Sequence[int],
        max_scale: float | Tensor,
        separable: bool = False,
        dtype=None,
        device=None,
        generator: torch.Generator | None = None,
        exact_haar: bool = False,
    ):
        """Like :meth:`discretise` with rotations from ``SO2.uniform`` (one draw per call).

        Scales are always discretised, as in ck_g_cnn.
        """
        n_rot, n_scale = cls._split_num(num_elements)
        theta = SO2.uniform(
            n_rot, dtype=dtype, device=device, generator=generator, exact_haar=exact_haar
        )
        s = Rplus.discretise(n_scale, max_scale, dtype=dtype, device=device)
        return cls._combine(theta, s, separable)


# ----------------------------------------------------------------------------- R2 x| H


class _SemidirectR2:
    """G = R2 x| H with element [x, y, *h]; (t1, h1)(t2, h2) = (t1 + h1 t2, h1 h2)."""

    H: type = SO2
    name = ""
    dimension = 0

    @classmethod
    def split(cls, g: Tensor) -> tuple[Tensor, Tensor]:
        """(..., 2 + dim H) -> (t (..., 2), h (...) or (..., 2))."""
        t = g[..., :2]
        h = g[..., 2] if cls.H.event_dims == 0 else g[..., 2:]
        return t, h

    @classmethod
    def identity(cls, batch_shape: _Shape = (), dtype=None, device=None) -> Tensor:
        """(*batch_shape, 2 + dim H); [0, 0, identity of H]."""
        h = cls.H.identity(batch_shape, dtype=dtype, device=device)
        return cls.join(R2.identity(batch_shape, dtype=dtype, device=device), h)

    @classmethod
    def join(cls, t: Tensor, h: Tensor) -> Tensor:
        """(t (..., 2), h (...) or (..., 2)) -> (..., 2 + dim H), batch dims broadcast."""
        if cls.H.event_dims == 0:
            h = h.unsqueeze(-1)
        batch = torch.broadcast_shapes(t.shape[:-1], h.shape[:-1])
        return torch.cat((t.expand(*batch, 2), h.expand(*batch, h.shape[-1])), dim=-1)

    @classmethod
    def product(cls, g1: Tensor, g2: Tensor) -> Tensor:
        """(..., c), (..., c) -> (..., c); (t1 + h1 . t2, h1 h2)."""
        t1, h1 = cls.split(g1)
        t2, h2 = cls.split(g2)
        return cls.join(t1 + cls.H.act(h1, t2), cls.H.product(h1, h2))

    @classmethod
    def inverse(cls, g: Tensor) -> Tensor:
        """(..., c) -> (..., c); (-(h^-1 . t), h^-1)."""
        t, h = cls.split(g)
        h_inv = cls.H.inverse(h)
        return cls.join(-cls.H.act(h_inv, t), h_inv)

    @classmethod
    def act(cls, g: Tensor, x: Tensor) -> Tensor:
        """(..., c), (..., 2) -> (..., 2); t + h . x."""
        t, h = cls.split(g)
        return t + cls.H.act(h, x)

    @classmethod
    def act_on_grid(cls, g: Tensor, grid: Tensor) -> Tensor:
        """(N, c), (2, *S) -> (N, 2, *S); h_n . grid + t_n."""
        t, h = cls.split(g)
        moved = cls.H.act_on_grid(h, grid)
        return moved + t.reshape(*t.shape, *([1] * (grid.dim() - 1)))

    @classmethod
    def representation(cls, g: Tensor) -> Tensor:
        """(..., c) -> (..., 3, 3); [[A(h), t], [0, 0, 1]] with A(h) the matrix of H."""
        t, h = cls.split(g)
        return _homogeneous(cls.H.representation(h), t)

    @classmethod
    def determinant(cls, g: Tensor, **kwargs) -> Tensor:
        """(..., c) -> (...); det A(h) (translations do not change areas)."""
        return cls.H.determinant(cls.split(g)[1], **kwargs)

    @classmethod
    def log(cls, g: Tensor) -> Tensor:
        """(..., c) -> (..., c); chart (x, y, log h) — not the matrix logarithm of G."""
        t, h = cls.split(g)
        return cls.join(t, cls.H.log(h))

    @classmethod
    def exp(cls, v: Tensor) -> Tensor:
        """(..., c) -> (..., c); inverse of :meth:`log`: (x, y, exp_H(v_h))."""
        t, h = cls.split(v)
        return cls.join(t, cls.H.exp(h))


class SE2(_SemidirectR2):
    """SE(2) = R2 x| SO(2); element [x, y, theta] (..., 3); g . p = R(theta) p + t."""

    H = SO2
    name = "SE2"
    dimension = 3


class R2xRplus(_SemidirectR2):
    """R2 x| R+; element [x, y, s] (..., 3); g . p = s p + t; det = s^2."""

    H = Rplus
    name = "R2xRplus"
    dimension = 3


class Sim2(_SemidirectR2):
    """Sim(2) = R2 x| (SO(2) x R+); element [x, y, theta, s] (..., 4); g . p = s R(theta) p + t.

    ``determinant(g)`` is s^2; ``determinant(g, original=True)`` is ck_g_cnn's s.
    """

    H = SO2xRplus
    name = "Sim2"
    dimension = 4


GROUPS: dict[str, type] = {
    cls.name: cls for cls in (R2, SO2, Rplus, SO2xRplus, SE2, R2xRplus, Sim2)
}
