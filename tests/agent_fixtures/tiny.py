"""A tiny GPT-2 built once per test session (offline, seeded), and the fixture that gives it."""

from pathlib import Path

import pytest

_BUILT: dict[tuple, Path] = {}


def tiny_model(tmp_path_factory, **kwargs) -> Path:
    """Build (once per set of options) a tiny local GPT-2 model folder and return its path."""
    from agent.tiny import build_tiny_model

    key = tuple(sorted(kwargs.items()))
    if key not in _BUILT:
        _BUILT[key] = build_tiny_model(tmp_path_factory.mktemp("tiny") / "model", **kwargs)
    return _BUILT[key]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    """The default tiny model, with torch on one thread (a loaded 2-core machine runs
    tiny models many times faster so)."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield tiny_model(tmp_path_factory)
    torch.set_num_threads(before)
