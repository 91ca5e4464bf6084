"""Run configuration: every flag of the original ``config.py``, plus offline/fix options.

Importing this module parses ``sys.argv`` and fills the module-level dict ``config`` (the
original's shape: ``from config import config``). ``build_config(argv)`` does the same for a
given argument list.
"""

import argparse
import sys

from ck_g_cnn.utils import fix_seed
from datasets.dataset import (
    ImplementedDatasets,
    get_imsize,
    get_num_in_channels,
    get_num_out_channels,
)

__all__ = ["build_config", "config", "parser", "save_path"]

MODEL_CHOICES = [
    "ckgcnn", "ckgresnet", "ckgwideresnet", "ckgbottlenecknet", "ckgcnnsosnovik", "ckgallcnnc",
    "ckgallcnncbottleneck", "benchmarkcnn", "benchmarkwrn", "benchmarkwrnivan",
]  # fmt: skip
DATASET_CHOICES = [
    "MNIST", "MNIST_rot", "MNIST_scale", "CIFAR10", "CIFAR10_rot", "MNIST_rot_scale", "STL10",
    "CIFAR100", "Galaxy10", "PCam", "digits_rot",
]  # fmt: skip
IMPLEMENTATIONS = [
    "nonseparable", "separable", "gseparable", "dseparable", "dgseparable", "separable+2d",
    "gseparable+2d",
]  # fmt: skip


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description="Train CK-G-CNN model")
    add = p.add_argument
    add("--model_save_path", type=str, help="ignored, as in the original (see README)")
    add("--model_load_path", type=str, help="state-dict checkpoint to load before training")
    add(
        "--trust_pickled_model",
        action="store_true",
        help="allow --model_load_path to be an original whole-model pickle (runs its code)",
    )
    add("--print_interval", type=int, help="Interval at which to print loss.")
    add("--no_cuda", action="store_true")
    add("--no_wandb", action="store_true")
    add("--wandb_project_name", type=str)
    add("--wandb_run_name", type=str, default="")
    add("--fix_seed", type=int)
    add("--epochs", type=int, required=True)
    add("--optim", type=str, choices=["adam", "sgd", "adadelta"], required=True)
    add("--nesterov", action="store_true")
    add("--learning_rate_steps", type=int, nargs="+", default=[])
    add("--learning_rate_cosine_annealing", action="store_true")
    add("--learning_rate_gamma", type=float, default=0.1)
    add("--momentum", type=float, default=0.0)
    add("--learning_rate_cosine", type=int, default=0)
    add("--batch_size", type=int, required=True)
    add("--learning_rate", type=float, required=True)
    add("--dropout", type=float, required=True)
    add("--weight_decay", type=float, required=True)
    add("--dataset", choices=DATASET_CHOICES, required=True)
    add("--augment", action="store_true")
    add(
        "--group",
        type=str,
        required=True,
        choices=["SE2", "Sim2", "R2xRplus"],
        help="Group to incorporate equivariance for.",
    )
    add("--num_group_elements", type=str, required=True, help="Size of discretised groups.")
    add("--sampling_method", type=str, required=True, choices=["discretise", "uniform"])
    add("--max_scale", type=float, help="Where to truncate the scale group.")
    add("--hidden_sizes", type=str, required=True, help="List of hidden layer sizes.")
    add("--kernel_size", type=int, required=True)
    add("--stride", type=int, required=True)
    add("--bias", action="store_true", help="no effect, as in the original")
    add("--normalisation", type=str, choices=["batchnorm", "instancenorm", "layernorm"])
    add("--no_normalisation", action="store_true")
    add("--pooling", type=int)
    add("--no_pooling", action="store_true")
    add("--padding", type=int)
    add("--no_padding", action="store_true")
    add("--implementation", required=True, type=str, choices=IMPLEMENTATIONS)
    add("--model", type=str, required=True, choices=MODEL_CHOICES)
    add("--bottleneck_factor", type=float, default=1)
    add("--widen_factor", type=float, default=1)
    add("--dummy_var_for_wandb", type=int)
    add("--ck_net_num_hidden", type=int, required=True)
    add("--ck_net_hidden_size", type=int, required=True)
    add("--ck_net_implementation", type=str, default="SIREN", choices=["SIREN", "RFF", "MFN"])
    add("--first_omega_0", type=float, required=True)
    add("--omega_0", type=float, required=True)
    # Not in the original: offline data, short runs, and the named fixes of its bugs.
    add("--data_root", type=str, default=None, help="data root (else $PARAMLAB_DATA)")
    add("--num_workers", type=int, default=4)
    add("--max_train_samples", type=int, default=None)
    add("--max_test_samples", type=int, default=None)
    add("--no_progress", action="store_true")
    add("--log_dir", type=str, default=None, help="CSV metrics folder (default ./runs/<name>)")
    for flag in (
        "fix_argument_order",
        "fix_sim2_axes",
        "fix_sim2_mask",
        "fix_unit_kernel_grid",
        "fix_mnist_rot_scaling",
    ):
        add(f"--{flag}", action="store_true")
    return p


def save_path(config: dict) -> str:
    """The original's generated model file name (``--model_save_path`` is ignored)."""
    return (
        f"./{config['model']}+{config['implementation']}+h_s-{config['hidden_sizes']}"
        f"+k-{config['kernel_size']}+om-{config['omega_0']}+f_om-{config['first_omega_0']}"
        f"+do-{config['dropout']}+wd-{config['weight_decay']}"
        f"+n_el-{config['num_group_elements']}+grp-{config['group']}"
        f"+smplng-{config['sampling_method']}+implm-{config['ck_net_implementation']}"
        f"+ds-{config['dataset'].value}.pt"
    )


def _either(args, name: str) -> bool:
    """--name / --no_name: one is required, --no_name wins, 0 counts as not given."""
    if getattr(args, f"no_{name}"):
        return False
    if getattr(args, name):
        return True
    raise ValueError(f"Either no {name} or {name} needs to be specified.")


def build_config(argv=None) -> dict:
    """Parse ``argv`` into the original's config dict (and the added keys)."""
    args = parser().parse_args(argv)
    config = {k: v for k, v in vars(args).items()}
    config["dataset"] = ImplementedDatasets[args.dataset]
    if args.group in ("Sim2", "R2xRplus") and not args.max_scale:
        raise ValueError(f"For group {args.group}, the argument 'max_scale' is required.")
    if args.ck_net_implementation != "SIREN":
        raise ValueError("Specified CKNet implementation not found.")
    elements = [int(s) for s in args.num_group_elements.split(",")]
    config["num_group_elements"] = elements[0] if len(elements) == 1 else elements
    config["hidden_sizes"] = [int(s) for s in args.hidden_sizes.split(",")]
    config["bias"] = bool(args.bias)
    if args.no_normalisation:
        config["normalisation"] = False
    elif not args.normalisation:
        raise ValueError(
            "Either no normalisation or a form of normalisation needs to be specified."
        )
    config["pooling"] = _either(args, "pooling")
    config["padding"] = _either(args, "padding")
    config["print_interval"] = args.print_interval or 10
    config["cuda"] = not args.no_cuda
    config["wandb"] = not args.no_wandb
    config["wandb_project_name"] = args.wandb_project_name or "ck-g-cnn"
    if args.wandb_run_name:
        config["wandb_run_name"] = f"{args.implementation}+{args.model}+{args.wandb_run_name}"
    config["fix_seed"] = bool(args.fix_seed)
    config["model_load_path"] = args.model_load_path or ""
    config["model_save_path"] = save_path(config)
    config["in_channels"] = get_num_in_channels(config["dataset"])
    config["out_channels"] = get_num_out_channels(config["dataset"])
    config["spatial_in_size"] = get_imsize(config["dataset"])
    return config


config = build_config(sys.argv[1:]) if __name__ != "__main__" else {}
if config.get("fix_seed"):
    fix_seed(seed=42)
