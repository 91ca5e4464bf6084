"""The parameterizations the ablation can swap in, found through entry points.

A package registers in its own ``pyproject.toml``::

    [project.entry-points."paramlab.layers"]
    phc = "phc.ablation:parameterizations"

where ``parameterizations()`` returns a list of :class:`Parameterization`. The core adds the
plain ``real`` one (``torch.nn.Conv2d``). A package that is not installed is simply absent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from importlib import metadata

from torch import nn

__all__ = ["LAYERS_GROUP", "Parameterization", "RegistryError", "available", "real"]

LAYERS_GROUP = "paramlab.layers"


class RegistryError(RuntimeError):
    """A registered parameterization is malformed or a requested one is not installed."""


def _plain_conv(in_channels, out_channels, kernel_size, stride=1, padding=0, bias=True, **_):
    return nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding, bias=bias)


@dataclass(frozen=True)
class Parameterization:
    """How one method builds the convolutions of the common backbone.

    ``conv(in_channels, out_channels, kernel_size, stride=1, padding=0, bias=True, **shared)``
    returns a module acting on the method's feature maps (``torch.nn.Conv2d``'s signature;
    ``shared`` holds the objects ``shared_modules()`` created once for the whole backbone, such
    as a network-wide slice generator). Feature maps may be real (B, C, H, W), complex, or
    carry a group axis (B, C, |H|, H, W); the method says how to enter and leave them:

    - ``stem(in_channels, out_channels)``: image (B, C_img, H, W) -> method features; default a
      real 3x3 ``nn.Conv2d`` (real features).
    - ``norm(channels)``, ``activation()``: on method features.
    - ``pool(channels)``: method features -> real (B, C') pooled; ``pooled_channels(C) = C'``.
    - ``width_multiple``: every width must be a multiple of it (n for PHC, 4 for quaternions).
    """

    name: str
    summary: str
    conv: Callable[..., nn.Module]
    stem: Callable[[int, int], nn.Module] | None = None
    norm: Callable[[int], nn.Module] = nn.BatchNorm2d
    activation: Callable[[], nn.Module] = nn.ReLU
    pool: Callable[[int], nn.Module] | None = None
    pooled_channels: Callable[[int], int] = field(default=lambda channels: channels)
    width_multiple: int = 1
    shared_modules: Callable[[], dict[str, nn.Module]] | None = None
    package: str = "paramlab-shared"


real = Parameterization(
    name="real",
    summary="torch.nn.Conv2d: the dense baseline",
    conv=_plain_conv,
)


def available() -> dict[str, Parameterization]:
    """Every installed parameterization by name, ``real`` first, then in name order."""
    found = {real.name: real}
    for entry_point in sorted(metadata.entry_points(group=LAYERS_GROUP), key=lambda e: e.name):
        provider = entry_point.load()
        offered = provider() if callable(provider) else provider
        package = entry_point.dist.name if entry_point.dist is not None else entry_point.value
        for method in offered:
            if not isinstance(method, Parameterization):
                raise RegistryError(
                    f"entry point {entry_point.name!r} ({entry_point.value}) returned "
                    f"{type(method).__name__}, not a paramlab.ablation.Parameterization"
                )
            if method.name in found:
                raise RegistryError(
                    f"parameterization {method.name!r} from {package} is already registered "
                    f"by {found[method.name].package}"
                )
            found[method.name] = replace(method, package=package)
    return found
