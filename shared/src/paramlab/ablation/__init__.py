"""The cross-paper ablation: swap parameterizations inside one backbone (``paramlab ablate``).

Packages register :class:`Parameterization` objects through the ``paramlab.layers`` entry
points; :class:`ResNetBackbone` builds every conv after the stem from one of them.
"""

from paramlab.ablation.backbone import ResNetBackbone
from paramlab.ablation.registry import LAYERS_GROUP, Parameterization, RegistryError, available

__all__ = ["LAYERS_GROUP", "Parameterization", "RegistryError", "ResNetBackbone", "available"]
