"""Convert complexPyTorch state dicts to ours.

complexPyTorch's ``ComplexConv2d`` / ``ComplexLinear`` / ``ComplexConvTranspose2d`` hold two
full real layers (``conv_r``/``conv_i``, ``fc_r``/``fc_i``, ``conv_tran_r``/``conv_tran_i``),
each with its own bias, and ``apply_complex`` makes the net complex bias
``(b_r − b_i) + i (b_r + b_i)``. Mapping, for every ``prefix``:

* ``{p}conv_r.weight`` -> ``{p}weight_real``; ``{p}conv_i.weight`` -> ``{p}weight_imag``;
* ``{p}conv_r.bias`` (b_r), ``{p}conv_i.bias`` (b_i) -> ``{p}bias_real = b_r − b_i``,
  ``{p}bias_imag = b_r + b_i``;
* batch norm ``{p}weight`` ``(C, 3)`` -> ``{p}gamma_rr``, ``{p}gamma_ii``, ``{p}gamma_ri``
  (columns 0, 1, 2); ``{p}bias`` ``(C, 2)`` -> ``{p}beta_real``, ``{p}beta_imag``;
  ``{p}running_covar`` -> ``{p}running_cov`` (same columns Vrr, Vii, Vri).

Other keys (naive BN's ``bn_r``/``bn_i``, PReLU's ``r_prelu``/``i_prelu``, running means,
``num_batches_tracked``) pass unchanged. complexPyTorch adds ε to the stored Vrr/Vii again at
eval time; pass ``bn_eps`` to fold that ε into ``running_cov`` so eval outputs agree too.
"""

from __future__ import annotations

from torch import Tensor

__all__ = ["from_complexpytorch"]

_PAIRS = (("conv_r.", "conv_i."), ("fc_r.", "fc_i."), ("conv_tran_r.", "conv_tran_i."))


def _is_bn(state_dict: dict[str, Tensor], prefix: str) -> bool:
    if prefix + "running_covar" in state_dict:
        return True
    weight, bias = state_dict.get(prefix + "weight"), state_dict.get(prefix + "bias")
    return (
        weight is not None
        and bias is not None
        and weight.dim() == 2
        and weight.shape[1] == 3
        and bias.dim() == 2
        and bias.shape[1] == 2
    )


def from_complexpytorch(
    state_dict: dict[str, Tensor], bn_eps: float | None = None
) -> dict[str, Tensor]:
    """Return a state dict for the ``complexnn`` counterparts of complexPyTorch modules."""
    out: dict[str, Tensor] = {}
    for key, value in state_dict.items():
        for real, imag in _PAIRS:
            if real in key or imag in key:
                part = real if real in key else imag
                prefix, name = key.split(part, 1)
                if name == "weight":
                    out[prefix + ("weight_real" if part == real else "weight_imag")] = value
                elif name == "bias" and part == real:
                    b_r, b_i = value, state_dict[prefix + imag + "bias"]
                    out[prefix + "bias_real"] = b_r - b_i
                    out[prefix + "bias_imag"] = b_r + b_i
                elif name != "bias":
                    raise KeyError(f"unexpected complexPyTorch key {key!r}")
                break
        else:
            prefix, _, name = key.rpartition(".")
            prefix = prefix + "." if prefix else ""
            if _is_bn(state_dict, prefix) and name in ("weight", "bias", "running_covar"):
                if name == "weight":
                    out[prefix + "gamma_rr"] = value[:, 0].clone()
                    out[prefix + "gamma_ii"] = value[:, 1].clone()
                    out[prefix + "gamma_ri"] = value[:, 2].clone()
                elif name == "bias":
                    out[prefix + "beta_real"] = value[:, 0].clone()
                    out[prefix + "beta_imag"] = value[:, 1].clone()
                else:
                    cov = value.clone()
                    if bn_eps is not None:
                        cov[:, :2] += bn_eps
                    out[prefix + "running_cov"] = cov
            else:
                out[key] = value
    return out
