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


# Settings of small test runs: the defaults are the shipped recipe (a 15-minute PPO run, a 20-minute
# imitation), so tests start from these (one process, native kernels, no extra episode kinds, the
# pre-recipe learning settings their expectations were made with) and set the sizes they need.
TRAIN = dict(cpu="native", bundled_share=0.0, request_share=0.0, kl_coef=0.0, max_episode_steps=None, seed=0,
             envs=8, steps=50_000, gamma=0.99, gae_lambda=0.95, step_penalty=0.0, progress_reward=0.0,
             entropy_coef=0.01, value_coef=0.5, ppo_epochs=4)
IMITATE = dict(cpu="native", max_difficulty=None, worlds=200, dagger_rounds=0, dagger_worlds=50, settle_epochs=0,
               bundled=0, request_worlds=0, expert="solver", alternatives=False, history=4, journal=False, seed=0)


def flags(settings: dict) -> list[str]:
    """``settings`` as command-line flags (``max_difficulty=None``, the default of old, is left out)."""
    argv = []
    for name, value in settings.items():
        flag = "--" + name.replace("_", "-")
        if isinstance(value, bool):
            argv.append(flag if value else "--no-" + flag[2:])
        elif value is not None:
            argv += [flag, str(value)]
    return argv


def in_process(argv) -> list[str]:
    """A ``main.py`` command line for a test's own process: native kernels (torch has computed here
    already, so they cannot be pinned), and a new train run with the ``TRAIN`` settings (the
    command's own flags, after them, win)."""
    argv = [str(a) for a in argv]
    if argv[0] == "train" and "--resume" not in argv:
        argv[1:1] = flags(TRAIN)
    elif argv[0] in ("eval", "imitate", "pretrain"):
        argv[1:1] = ["--cpu", "native"]
    return argv


def with_layout(model_dir: Path, folder: Path, **policy) -> str:
    """A copy of ``model_dir`` whose saved policy settings (``lantern.json``) are ``policy``: the
    prompt layout ``imitate`` gives a model, which ``train`` then keeps."""
    import json
    import shutil
    shutil.copytree(model_dir, folder)
    (folder / "lantern.json").write_text(json.dumps({"policy": policy}))
    return str(folder)


# main.py in a fresh process with AVX2 kernels on N threads (argv[1]): what --cpu pinned runs on one.
_ON_THREADS = ("import sys, torch; from agent.kernels import use_kernels; use_kernels('avx2'); "
               "torch.set_num_threads(int(sys.argv[1])); import main; "
               "sys.exit(main.main([sys.argv[2], '--cpu', 'native', *sys.argv[3:]]))")


def avx2_on_threads(n_threads: int, argv: list[str]) -> list[str]:
    """The command line that runs ``main.py ARGV`` with AVX2 kernels on ``n_threads`` torch threads."""
    import sys
    return [sys.executable, "-c", _ON_THREADS, str(n_threads), *map(str, argv)]
