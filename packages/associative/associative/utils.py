"""Helpers of the CIFAR scripts (``Implementations/CIFAR10/utils.py`` of the original).

``progress_bar`` mimics xlua.progress; the terminal width comes from
``shutil.get_terminal_size`` (the original ran ``stty size`` at import and crashed without a
terminal), and without a terminal only the last step of each bar is printed, as one line.
"""

from __future__ import annotations

import shutil
import sys
import time

import torch
from torch import nn

__all__ = ["format_time", "get_mean_and_std", "init_params", "progress_bar"]

TOTAL_BAR_LENGTH = 65
_clock = {"last": time.time(), "begin": time.time()}


def get_mean_and_std(dataset) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-channel mean and std of a dataset of (C, H, W) images (mean of per-image values)."""
    loader = torch.utils.data.DataLoader(dataset, batch_size=1, shuffle=False)
    mean, std = torch.zeros(3), torch.zeros(3)
    print("==> Computing mean and std..")
    for inputs, _ in loader:
        mean += inputs.mean(dim=(0, 2, 3))
        std += inputs[0].flatten(1).std(dim=1)
    return mean / len(dataset), std / len(dataset)


def init_params(net: nn.Module) -> None:
    """Conv kaiming-normal (fan_out), BN 1/0, Linear N(0, 1e-3); biases 0."""
    for m in net.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out")
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, std=1e-3)
            if m.bias is not None:
                nn.init.zeros_(m.bias)


def format_time(seconds: float) -> str:
    """At most two units out of D, h, m, s, ms: ``format_time(3725.5) == '1h2m'``."""
    days = int(seconds / 3600 / 24)
    seconds -= days * 3600 * 24
    hours = int(seconds / 3600)
    seconds -= hours * 3600
    minutes = int(seconds / 60)
    seconds -= minutes * 60
    secondsf = int(seconds)
    millis = int((seconds - secondsf) * 1000)
    parts = []
    for value, unit in ((days, "D"), (hours, "h"), (minutes, "m"), (secondsf, "s"), (millis, "ms")):
        if value > 0 and len(parts) < 2:
            parts.append(f"{value}{unit}")
    return "".join(parts) or "0ms"


def progress_bar(current: int, total: int, msg: str | None = None) -> None:
    """Draw step ``current`` (0-based) of ``total`` with the step and total times and ``msg``."""
    now = time.time()
    if current == 0:
        _clock["begin"] = now
    step_time, _clock["last"] = now - _clock["last"], now
    info = f"  Step: {format_time(step_time)} | Tot: {format_time(now - _clock['begin'])}"
    if msg:
        info += " | " + msg
    if not sys.stdout.isatty():
        if current >= total - 1:
            print(f" {current + 1}/{total}{info}", flush=True)
        return
    term_width = shutil.get_terminal_size((80, 20)).columns
    cur_len = int(TOTAL_BAR_LENGTH * current / total)
    rest_len = TOTAL_BAR_LENGTH - cur_len - 1
    line = " [" + "=" * cur_len + ">" + "." * rest_len + "]" + info
    line += " " * max(term_width - TOTAL_BAR_LENGTH - len(info) - 3, 0)
    line += "\b" * max(term_width - TOTAL_BAR_LENGTH // 2 + 2, 0) + f" {current + 1}/{total} "
    sys.stdout.write(line + ("\r" if current < total - 1 else "\n"))
    sys.stdout.flush()
