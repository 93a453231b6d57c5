"""A tiny GPT-2 built once per test session (offline, seeded)."""

from pathlib import Path

_BUILT: dict[tuple, Path] = {}


def tiny_model(tmp_path_factory, **kwargs) -> Path:
    """Build (once per set of options) a tiny local GPT-2 model folder and return its path."""
    from agent.tiny import build_tiny_model

    key = tuple(sorted(kwargs.items()))
    if key not in _BUILT:
        _BUILT[key] = build_tiny_model(tmp_path_factory.mktemp("tiny") / "model", **kwargs)
    return _BUILT[key]


def single_thread():
    """Use one torch thread (a loaded 2-core machine runs tiny models far faster so); returns a restorer."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    return lambda: torch.set_num_threads(before)
