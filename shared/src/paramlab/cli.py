"""The ``paramlab`` command: ``--version``, ``info``, ``demo``, ``bench`` and ``ablate``.

``info`` lists the ParamLab packages installed in this environment. A package makes itself
known by declaring entry points in the group ``paramlab.layers`` of its ``pyproject.toml``;
a package that is not installed is simply absent.
"""

from __future__ import annotations

import argparse
import importlib
import platform
import sys
from collections.abc import Sequence
from importlib import metadata

import paramlab
from paramlab.ablation.registry import LAYERS_GROUP

__all__ = ["LAYERS_GROUP", "installed_packages", "main"]

# Verbs whose own parser takes the rest of the command line: verb -> (module with main, help).
FORWARDED_VERBS = {
    "demo": ("paramlab.demo", "train a small CNN on the embedded digits"),
    "bench": ("paramlab.bench.run", "time every parameterization against its floor"),
    "ablate": ("paramlab.ablation.cli", "compare every parameterization in one backbone"),
}


def installed_packages() -> dict[str, list[str]]:
    """Map each distribution that registers ``paramlab.layers`` entry points to their names."""
    found: dict[str, list[str]] = {}
    for entry_point in metadata.entry_points(group=LAYERS_GROUP):
        dist = entry_point.dist
        label = f"{dist.name} {dist.version}" if dist is not None else entry_point.value
        found.setdefault(label, []).append(entry_point.name)
    return {label: sorted(names) for label, names in sorted(found.items())}


def _info() -> int:
    import torch

    print(f"paramlab-shared {paramlab.__version__}")
    print(f"python {platform.python_version()}, torch {torch.__version__}")
    print(f"cuda available: {torch.cuda.is_available()}")
    packages = installed_packages()
    if not packages:
        print(f"no ParamLab packages installed (entry-point group '{LAYERS_GROUP}' is empty)")
        return 0
    print("installed ParamLab packages:")
    for label, names in packages.items():
        print(f"  {label}: {', '.join(names)}")
    return 0


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="paramlab", description="ParamLab: compact weight parameterizations in PyTorch."
    )
    parser.add_argument("--version", action="version", version=f"paramlab {paramlab.__version__}")
    verbs = parser.add_subparsers(dest="verb", metavar="{info," + ",".join(FORWARDED_VERBS) + "}")
    verbs.add_parser("info", help="list the installed ParamLab packages and the environment")
    for verb, (_, help_text) in FORWARDED_VERBS.items():
        verbs.add_parser(verb, help=f"{help_text} (see 'paramlab {verb} --help')", add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    parser = _build_parser()
    known, rest = parser.parse_known_args(args)
    if known.verb in FORWARDED_VERBS:
        module = importlib.import_module(FORWARDED_VERBS[known.verb][0])
        return module.main(rest)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if known.verb == "info":
        return _info()
    parser.print_help()
    return 0
