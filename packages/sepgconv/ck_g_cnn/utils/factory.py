"""Build the group and the model a run configuration (``config.py``) describes."""

from torch import nn

from ck_g_cnn.groups import SE2, Rplus, Sim2
from ck_g_cnn.nn import CKGCNN, CKGAllCNNC, CKGResNet

__all__ = ["FIX_FLAG_NAMES", "MODELS", "build_group", "build_model"]

MODELS = {"ckgcnn": CKGCNN, "ckgresnet": CKGResNet, "ckgallcnnc": CKGAllCNNC}
FIX_FLAG_NAMES = ("fix_argument_order", "fix_sim2_axes", "fix_sim2_mask", "fix_unit_kernel_grid")


def build_group(name: str, max_scale: float | None = None) -> nn.Module:
    """ "SE2" -> SE2(); "R2xRplus" -> Rplus(max_scale); "Sim2" -> Sim2(max_scale)."""
    if name == "SE2":
        return SE2()
    if name in ("R2xRplus", "Sim2"):
        if not max_scale:
            raise ValueError(f"For group {name}, the argument 'max_scale' is required.")
        return Rplus(max_scale=max_scale) if name == "R2xRplus" else Sim2(max_scale=max_scale)
    raise ValueError(f"group must be SE2, R2xRplus or Sim2, got {name!r}")


def build_model(config: dict, group: nn.Module) -> nn.Module:
    """The model of ``config['model']`` with the run's hyper-parameters and fix flags."""
    name = config["model"]
    if name not in MODELS:
        raise ValueError(
            f"model {name!r} is not implemented in the original code "
            f"(implemented: {', '.join(MODELS)})"
        )
    common = dict(
        group=group,
        in_channels=config["in_channels"],
        out_channels=config["out_channels"],
        spatial_in_size=config["spatial_in_size"],
        implementation=config["implementation"],
        num_group_elem=config["num_group_elements"],
        kernel_size=config["kernel_size"],
        hidden_sizes=config["hidden_sizes"],
        ck_net_num_hidden=config["ck_net_num_hidden"],
        ck_net_hidden_size=config["ck_net_hidden_size"],
        ck_net_implementation=config["ck_net_implementation"],
        ck_net_first_omega_0=config["first_omega_0"],
        ck_net_omega_0=config["omega_0"],
        dropout=config["dropout"],
        pooling=config["pooling"],
        bias=config["bias"],
        sampling_method=config["sampling_method"],
        normalisation=config["normalisation"],
        stride=config["stride"],
        **{flag: config.get(flag, False) for flag in FIX_FLAG_NAMES},
    )
    if name != "ckgcnn":
        common.update(padding=config["padding"], widen_factor=config["widen_factor"])
    return MODELS[name](**common)
