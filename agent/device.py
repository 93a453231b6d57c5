"""The torch device a command runs on: refused up front when this machine lacks it."""

from __future__ import annotations

from game.errors import LanternError


def check_device(device: str) -> None:
    """Refuse a torch device this machine does not have, with what to use instead."""
    import torch

    kind = device.split(":")[0]
    available = {"cpu": True, "cuda": torch.cuda.is_available(),
                 "mps": getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()}
    if kind not in available:
        raise LanternError(f"--device {device}: unknown device; use cpu, cuda, cuda:N or mps")
    if not available[kind]:
        raise LanternError(f"--device {device}: not available on this machine; use --device cpu")
