"""A second CPU process for work whose result does not feed back into the next step.

On a 2-core machine training runs torch on one thread; a helper process on the other core
can score a frozen model or measure validation while the trainer goes on. The helper is a
``concurrent.futures`` pool of one spawned process (a fork would copy torch's thread pool):
jobs run in the order submitted, a dead helper raises instead of hanging, and the helper
runs as many torch threads as the trainer, so its floats are the trainer's floats.
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context

import torch

_state: dict = {}  # the helper's own objects (its model, its data), made once by ``setup``


def start_helper(setup: Callable[..., dict], *args) -> ProcessPoolExecutor:
    """A one-process pool whose process first runs ``setup(*args)`` (module-level, picklable) and
    keeps what it returns for the jobs (``helper_state``)."""
    return ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"), initializer=_init,
                               initargs=(torch.get_num_threads(), setup, args))


def helper_state() -> dict:
    """Inside a job: what ``setup`` returned."""
    return _state


def _init(threads: int, setup: Callable[..., dict], args: tuple) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the trainer's to handle
    torch.set_num_threads(threads)
    _state.update(setup(*args))


def result(future: Future):
    """The job's result; a failed helper becomes a RuntimeError that says so."""
    from concurrent.futures.process import BrokenProcessPool
    try:
        return future.result()
    except BrokenProcessPool as e:
        raise RuntimeError(f"the helper process stopped: {e}") from None
