"""One ablation run as its own process, for ``torchrun``: ``python -m paramlab.ablation.worker``.

``paramlab ablate --launcher torchrun`` starts it once per (method, seed) with
``torchrun --standalone --nproc_per_node=N``; every rank trains its share of each batch, rank 0
checkpoints, evaluates and writes the result.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

from paramlab.ablation.registry import available
from paramlab.ablation.runner import RunConfig, run_one
from paramlab.train import cleanup, init_distributed

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m paramlab.ablation.worker")
    parser.add_argument("--config", required=True, help="RunConfig as JSON")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--data_root")
    parser.add_argument("--device", default="auto")
    args = parser.parse_args(argv)
    config = RunConfig(**json.loads(args.config))
    dist = init_distributed(args.device)
    try:
        run_one(
            available()[config.method],
            config,
            args.out,
            data_root=args.data_root,
            device=dist.device,
            dist=dist,
            show_progress=False,
        )
    finally:
        cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
