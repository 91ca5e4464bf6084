"""Checks that every ParamLab package's tests share.

Each check raises ``AssertionError`` with a message that says what differed and by how much,
and returns the measured error where there is one, so a test can also report it. None of them
needs pytest.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Callable

import torch
from torch import Tensor, nn

__all__ = [
    "assert_close_scaled",
    "assert_equivariant",
    "assert_forward_pure",
    "assert_state_dict_roundtrip",
    "count_parameters",
    "gradcheck",
    "relative_error",
]


def relative_error(actual: Tensor, expected: Tensor) -> float:
    """max |actual − expected| / max |expected|: the error scaled to the output.

    When ``expected`` is all zeros the absolute error is returned.
    """
    actual, expected = torch.as_tensor(actual), torch.as_tensor(expected)
    if actual.shape != expected.shape:
        raise AssertionError(f"shape {tuple(actual.shape)} != expected {tuple(expected.shape)}")
    if actual.numel() == 0:
        return 0.0
    diff = float((actual.detach() - expected.detach()).abs().max())
    scale = float(expected.detach().abs().max())
    return diff / scale if scale > 0 else diff


def assert_close_scaled(
    actual: Tensor, expected: Tensor, rtol: float = 1e-5, msg: str = ""
) -> float:
    """Assert max |actual − expected| ≤ rtol · max |expected|; returns that relative error.

    An all-zero ``expected`` is compared with absolute tolerance ``rtol``.
    """
    err = relative_error(actual, expected)
    if not err <= rtol:
        prefix = f"{msg}: " if msg else ""
        raise AssertionError(f"{prefix}relative error {err:.3e} exceeds rtol={rtol:.1e}")
    return err


def gradcheck(fn: Callable[..., Tensor], *inputs: Tensor, **kwargs) -> bool:
    """``torch.autograd.gradcheck`` in double precision.

    Floating inputs are cast to float64 (complex to complex128) and made to require grad;
    other inputs pass through. Keyword arguments go to ``torch.autograd.gradcheck``.
    """
    prepared = []
    for value in inputs:
        if isinstance(value, Tensor) and (value.is_floating_point() or value.is_complex()):
            dtype = torch.complex128 if value.is_complex() else torch.float64
            value = value.detach().to(dtype).requires_grad_(True)
        prepared.append(value)
    kwargs.setdefault("eps", 1e-6)
    kwargs.setdefault("atol", 1e-5)
    if not torch.autograd.gradcheck(fn, tuple(prepared), **kwargs):
        raise AssertionError("gradcheck failed")
    return True


def assert_equivariant(
    fn: Callable[[Tensor], Tensor],
    x: Tensor,
    act_on_input: Callable[[Tensor], Tensor],
    act_on_output: Callable[[Tensor], Tensor],
    rtol: float = 1e-5,
) -> float:
    """Assert fn(g·x) = g·fn(x) up to ``rtol`` relative to the output scale; returns the error.

    ``act_on_input`` and ``act_on_output`` apply the same group element g in the input and the
    output representation (e.g. a rotation of the plane and, for a group feature map, the
    rotation plus the cyclic shift of the group axis).
    """
    with torch.no_grad():
        transformed_first = fn(act_on_input(x))
        transformed_after = act_on_output(fn(x))
    err = relative_error(transformed_first, transformed_after)
    if not err <= rtol:
        raise AssertionError(f"equivariance error {err:.3e} exceeds rtol={rtol:.1e}")
    return err


def count_parameters(module: nn.Module, trainable_only: bool = True) -> int:
    """Number of scalar parameters, each shared parameter counted once."""
    return sum(p.numel() for p in module.parameters() if p.requires_grad or not trainable_only)


def assert_state_dict_roundtrip(
    build: Callable[[], nn.Module], module: nn.Module, *inputs: Tensor, rtol: float = 0.0
) -> None:
    """Save ``module``'s state_dict, load it with ``weights_only=True`` into ``build()``
    with ``strict=True``, and assert equal keys, equal tensors and equal eval outputs."""
    buffer = io.BytesIO()
    torch.save(module.state_dict(), buffer)
    buffer.seek(0)
    state = torch.load(buffer, weights_only=True)
    fresh = build()
    fresh.load_state_dict(state, strict=True)
    original_state, fresh_state = module.state_dict(), fresh.state_dict()
    if list(original_state) != list(fresh_state):
        raise AssertionError("state_dict keys differ after the round trip")
    for key, value in original_state.items():
        if not torch.equal(value, fresh_state[key]):
            raise AssertionError(f"state_dict entry {key!r} differs after the round trip")
    if inputs:
        module.eval()
        fresh.eval()
        with torch.no_grad():
            assert_close_scaled(fresh(*inputs), module(*inputs), rtol=rtol, msg="outputs")


def _tensor_attributes(module: nn.Module) -> dict[str, Tensor]:
    """Plain tensor attributes (neither parameter nor buffer) of every submodule."""
    found = {}
    for prefix, sub in module.named_modules():
        for name, value in vars(sub).items():
            if isinstance(value, Tensor):
                found[f"{prefix}.{name}" if prefix else name] = value
    return found


def assert_forward_pure(module: nn.Module, *inputs: Tensor) -> None:
    """Assert a training-mode forward stores nothing on the module.

    The state_dict keys stay the same, no tensor attribute is added or replaced (the original
    PHC layer stores its derived weight as ``self.weight``), and ``copy.deepcopy`` still works
    (it fails on a stored non-leaf tensor). In eval mode the forward must leave every
    state_dict entry unchanged.
    """
    keys_before = list(module.state_dict())
    attrs_before = _tensor_attributes(module)
    module.train()
    module(*inputs)
    if list(module.state_dict()) != keys_before:
        raise AssertionError("a forward changed the state_dict keys")
    attrs_after = _tensor_attributes(module)
    changed = sorted(
        name
        for name in set(attrs_before) | set(attrs_after)
        if attrs_before.get(name) is not attrs_after.get(name)
    )
    if changed:
        raise AssertionError(f"a forward stored tensors on the module: {changed}")
    copy.deepcopy(module)
    module.eval()
    before = {k: v.clone() for k, v in module.state_dict().items()}
    with torch.no_grad():
        module(*inputs)
    for key, value in module.state_dict().items():
        if not torch.equal(value, before[key]):
            raise AssertionError(f"an eval-mode forward changed state_dict entry {key!r}")
