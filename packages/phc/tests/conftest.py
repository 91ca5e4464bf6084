"""Independent references of the original HyperNets computations, shared as fixtures.

Everything here is written from the specification of the original code (broadcast-then-sum
Kronecker weight, ``torch.cat`` Hamilton blocks, the per-element NumPy initialisation loop),
not from the package, so the tests compare two independent constructions.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from scipy.stats import chi


def original_kron_weight(A, F_):
    """The original's weight: broadcast A (n,n,n) and F (n,O',I',*k) into (n, nO', nI', *k),
    then sum over the first axis."""
    n, o, i = F_.shape[:3]
    kernel = tuple(F_.shape[3:])
    ones = (1,) * len(kernel)
    product = A.reshape(n, n, 1, n, 1, *ones) * F_.reshape(n, 1, o, 1, i, *kernel)
    return product.reshape(n, n * o, n * i, *kernel).sum(dim=0)


def original_hamilton_conv_weight(r, i, j, k):
    """Quaternion conv weight built like the original: concatenations of signed components."""
    row_r = torch.cat([r, -i, -j, -k], dim=1)
    row_i = torch.cat([i, r, -k, j], dim=1)
    row_j = torch.cat([j, k, r, -i], dim=1)
    row_k = torch.cat([k, -j, i, r], dim=1)
    return torch.cat([row_r, row_i, row_j, row_k], dim=0)


def original_hamilton_linear_weight(r, i, j, k):
    """Quaternion linear matrix M (I, O) built like the original (y = x M)."""
    col_r = torch.cat([r, -i, -j, -k], dim=0)
    col_i = torch.cat([i, r, -k, j], dim=0)
    col_j = torch.cat([j, k, r, -i], dim=0)
    col_k = torch.cat([k, -j, i, r], dim=0)
    return torch.cat([col_r, col_i, col_j, col_k], dim=1)


def original_quaternion_init(in_features, out_features, kernel_size=None, criterion="glorot"):
    """The original's quaternion_init with its per-element Python normalisation loop."""
    if kernel_size is not None:
        receptive = np.prod(kernel_size)
        fan_in, fan_out = in_features * receptive, out_features * receptive
        kernel_shape = (out_features, in_features) + tuple(kernel_size)
    else:
        fan_in, fan_out = in_features, out_features
        kernel_shape = (in_features, out_features)
    s = (
        1.0 / np.sqrt(2 * (fan_in + fan_out))
        if criterion == "glorot"
        else 1.0 / np.sqrt(2 * fan_in)
    )
    rng = np.random.RandomState(np.random.randint(1, 1234))
    modulus = chi.rvs(4, loc=0, scale=s, size=kernel_shape)
    count = np.prod(kernel_shape)
    v_i = np.random.uniform(-1.0, 1.0, count)
    v_j = np.random.uniform(-1.0, 1.0, count)
    v_k = np.random.uniform(-1.0, 1.0, count)
    for idx in range(count):
        norm = np.sqrt(v_i[idx] ** 2 + v_j[idx] ** 2 + v_k[idx] ** 2 + 0.0001)
        v_i[idx] /= norm
        v_j[idx] /= norm
        v_k[idx] /= norm
    v_i, v_j, v_k = (v.reshape(kernel_shape) for v in (v_i, v_j, v_k))
    phase = rng.uniform(low=-np.pi, high=np.pi, size=kernel_shape)
    return (
        modulus * np.cos(phase),
        modulus * v_i * np.sin(phase),
        modulus * v_j * np.sin(phase),
        modulus * v_k * np.sin(phase),
    )


def original_phc_init(n, in_features, out_features, kernel):
    """The original PHC constructor's RNG use: bias empty, xavier A, xavier F, uniform bias."""
    bias = torch.empty(out_features)
    A = torch.nn.init.xavier_uniform_(torch.zeros((n, n, n)))
    F_ = torch.nn.init.xavier_uniform_(
        torch.zeros((n, out_features // n, in_features // n, *kernel))
    )
    bound = 1 / np.sqrt(in_features)
    torch.nn.init.uniform_(bias, -bound, bound)
    return bias, A, F_


class OriginalResNet:
    """Eval-mode forward of the original CIFAR ResNets computed from a state_dict in the
    original's key format (keys generated here from the original's structure)."""

    def __init__(self, flavour, widths, blocks, in_channels, num_classes, n=4, pool="fixed4"):
        self.flavour, self.widths, self.blocks = flavour, widths, blocks
        self.in_channels, self.num_classes, self.n, self.pool = in_channels, num_classes, n, pool

    def conv_shapes(self, prefix, cin, cout, k):
        if self.flavour == "phc":
            n = self.n
            return {
                f"{prefix}.bias": (cout,),
                f"{prefix}.A": (n, n, n),
                f"{prefix}.F": (n, cout // n, cin // n, k, k),
            }
        if self.flavour == "quaternion":
            return {f"{prefix}.{c}_weight": (cout // 4, cin // 4, k, k) for c in "rijk"}
        return {f"{prefix}.weight": (cout, cin, k, k)}

    def bn_shapes(self, prefix, c):
        return {
            f"{prefix}.weight": (c,),
            f"{prefix}.bias": (c,),
            f"{prefix}.running_mean": (c,),
            f"{prefix}.running_var": (c,),
            f"{prefix}.num_batches_tracked": (),
        }

    def layout(self):
        """Ordered (key, shape) of the original model's state_dict (BasicBlock nets)."""
        shapes = {}
        shapes.update(self.conv_shapes("conv1", self.in_channels, self.widths[0], 3))
        shapes.update(self.bn_shapes("bn1", self.widths[0]))
        in_planes = self.widths[0]
        for stage, (planes, count) in enumerate(zip(self.widths, self.blocks, strict=True)):
            for b in range(count):
                stride = (1 if stage == 0 else 2) if b == 0 else 1
                p = f"layer{stage + 1}.{b}"
                shapes.update(self.conv_shapes(f"{p}.conv1", in_planes, planes, 3))
                shapes.update(self.bn_shapes(f"{p}.bn1", planes))
                shapes.update(self.conv_shapes(f"{p}.conv2", planes, planes, 3))
                shapes.update(self.bn_shapes(f"{p}.bn2", planes))
                if stride != 1 or in_planes != planes:
                    shapes.update(self.conv_shapes(f"{p}.shortcut.0", in_planes, planes, 1))
                    shapes.update(self.bn_shapes(f"{p}.shortcut.1", planes))
                in_planes = planes
        shapes["linear.weight"] = (self.num_classes, self.widths[-1])
        shapes["linear.bias"] = (self.num_classes,)
        return shapes

    def random_state_dict(self, seed=0):
        gen = torch.Generator().manual_seed(seed)
        state = {}
        for key, shape in self.layout().items():
            if key.endswith("num_batches_tracked"):
                state[key] = torch.tensor(3)
            elif key.endswith("running_var"):
                state[key] = torch.rand(shape, generator=gen) + 0.5
            else:
                state[key] = torch.randn(shape, generator=gen) * 0.3
        return state

    def conv(self, state, prefix, x, stride, padding):
        if self.flavour == "phc":
            weight = original_kron_weight(state[f"{prefix}.A"], state[f"{prefix}.F"])
        elif self.flavour == "quaternion":
            weight = original_hamilton_conv_weight(*(state[f"{prefix}.{c}_weight"] for c in "rijk"))
        else:
            weight = state[f"{prefix}.weight"]
        return F.conv2d(x, weight, None, stride, padding)

    @staticmethod
    def bn(state, prefix, x):
        return F.batch_norm(
            x,
            state[f"{prefix}.running_mean"],
            state[f"{prefix}.running_var"],
            state[f"{prefix}.weight"],
            state[f"{prefix}.bias"],
            training=False,
        )

    def forward(self, state, x):
        out = F.relu(self.bn(state, "bn1", self.conv(state, "conv1", x, 1, 1)))
        in_planes = self.widths[0]
        for stage, (planes, count) in enumerate(zip(self.widths, self.blocks, strict=True)):
            for b in range(count):
                stride = (1 if stage == 0 else 2) if b == 0 else 1
                p = f"layer{stage + 1}.{b}"
                y = F.relu(
                    self.bn(state, f"{p}.bn1", self.conv(state, f"{p}.conv1", out, stride, 1))
                )
                y = self.bn(state, f"{p}.bn2", self.conv(state, f"{p}.conv2", y, 1, 1))
                if stride != 1 or in_planes != planes:
                    short = self.conv(state, f"{p}.shortcut.0", out, stride, 0)
                    short = self.bn(state, f"{p}.shortcut.1", short)
                else:
                    short = out
                out = F.relu(y + short)
                in_planes = planes
        kernel = 4 if self.pool == "fixed4" else out.shape[3]
        out = F.avg_pool2d(out, kernel).flatten(1)
        return F.linear(out, state["linear.weight"], state["linear.bias"])


@pytest.fixture
def ref():
    """The independent references as one namespace."""

    class Ref:
        kron_weight = staticmethod(original_kron_weight)
        hamilton_conv_weight = staticmethod(original_hamilton_conv_weight)
        hamilton_linear_weight = staticmethod(original_hamilton_linear_weight)
        quaternion_init = staticmethod(original_quaternion_init)
        phc_init = staticmethod(original_phc_init)
        ResNet = OriginalResNet

    return Ref
