"""The live functions of the original ``hypercomplex_ops.py``: quaternion conv / linear and
the initialisers (NumPy global RNG, the original's draw order)."""

from phc.quaternion import (
    quaternion_conv,
    quaternion_init,
    quaternion_linear,
    random_init,
    unitary_init,
)

__all__ = ["quaternion_conv", "quaternion_init", "quaternion_linear", "random_init", "unitary_init"]
