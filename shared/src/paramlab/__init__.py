"""ParamLab's shared core.

Submodules (import them explicitly, e.g. ``from paramlab.kron import kron_sum``):

- ``paramlab.kron``: parameterized-hypercomplex weights, W = Σ_i A_i ⊗ F_i.
- ``paramlab.complex``: complex and quaternion products through real ops, 2x2 whitening.
- ``paramlab.nodes``: Chebyshev / Gauss–Lobatto nodes, Lagrange bases, segment mapping.
- ``paramlab.lie``: the groups R², SO(2), R⁺ and their semidirect products, with samplers.
- ``paramlab.train``, ``paramlab.data``: the training runtime and the data root.
- ``paramlab.testing``: checks every package's tests share.
"""

__version__ = "0.1.0"
