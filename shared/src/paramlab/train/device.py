"""Choosing the device: ``cpu``, ``cuda`` (or ``cuda:<index>``), ``mps`` or ``auto``."""

import torch

__all__ = ["DeviceUnavailableError", "select_device"]

DEVICE_CHOICES = ("auto", "cpu", "cuda", "mps")


class DeviceUnavailableError(RuntimeError):
    """The requested device does not exist on this machine or in this torch build."""


def _mps_available() -> bool:
    return bool(getattr(torch.backends, "mps", None) and torch.backends.mps.is_available())


def select_device(name: str | torch.device = "auto") -> torch.device:
    """``auto`` picks CUDA, else MPS, else CPU; an explicit choice must be available.

    Raises ``ValueError`` for an unknown name and ``DeviceUnavailableError`` when e.g.
    ``cuda`` is asked for on a machine (or torch build) without CUDA.
    """
    text = str(name).strip().lower()
    if text == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        return torch.device("mps") if _mps_available() else torch.device("cpu")
    kind, _, index = text.partition(":")
    if kind not in DEVICE_CHOICES or (index and not index.isdigit()):
        raise ValueError(
            f"device={name!r} must be one of auto, cpu, cuda, cuda:<index>, mps, mps:<index>"
        )
    if kind == "cuda":
        if not torch.cuda.is_available():
            raise DeviceUnavailableError(
                f"device {text!r} was requested but CUDA is not available "
                f"(torch {torch.__version__}, built for CUDA {torch.version.cuda}); "
                "use --device cpu or --device auto"
            )
        if index and int(index) >= torch.cuda.device_count():
            raise DeviceUnavailableError(
                f"device {text!r} was requested but only {torch.cuda.device_count()} CUDA "
                "device(s) are visible"
            )
    if kind == "mps" and not _mps_available():
        raise DeviceUnavailableError(
            f"device {text!r} was requested but MPS (Apple GPU) is not available; "
            "use --device cpu or --device auto"
        )
    return torch.device(text)
