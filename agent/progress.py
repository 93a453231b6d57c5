"""Progress shaping's moves left, followed in this process or in a helper process.

Shaping gives each step the moves it took off the solver's shortest walkthrough. The policy
never reads it while acting, only the update does, so the searches (over half of a rollout's
time when bundled worlds such as the two-keeper lighthouse are in the mix) can run on another
core while the model acts: the trainer sends each env's world once at reset and its state after
every step, and takes every step's gain when the rollout ends. Both ways compute the same
integers from the same states.
"""

from __future__ import annotations

import pickle
from concurrent.futures import Future

from game.solver import MovesLeft


class LocalProgress:
    """Moves left per env, searched in this process.

    ``begin()`` before a rollout, ``start(i, world)`` at each shaped episode's start,
    ``step(i, actor, ran, lost, world)`` after each of its steps (``ran``: the commands that did not
    refuse, ``LanternEnv.last_step.commands``), ``flush()`` after each policy step, ``gains()`` at
    the end.
    """

    def __init__(self) -> None:
        self._left: dict[int, MovesLeft] = {}
        self._gains: dict[int, list[float]] = {}

    def begin(self) -> None:
        """Forget a rollout that was stopped before its gains were taken."""
        self._left, self._gains = {}, {}

    def start(self, i: int, world) -> None:
        self._left[i] = MovesLeft(world)
        self._gains[i] = []

    def step(self, i: int, actor: str, ran: tuple[str, ...], lost: bool, world=None) -> None:
        """Record env ``i``'s step. Here the world given to ``start`` is the acting one, already where
        the step left it (``world``, for the helper's copy, is not needed)."""
        left = self._left[i]
        before, after = left.moves, left.after(actor, ran)
        if before is not None and after is not None:
            gained = float(before - after)
        elif before is not None and lost:
            gained = -float(before)  # a loss gives back the moves that were left, as if walked away
        else:
            gained = 0.0
        self._gains[i].append(gained)

    def mirror(self, i: int, state) -> None:
        """Put env ``i``'s world (a copy of the acting one) in the state the acting one reached."""
        self._left[i].world.set_state(state)

    def flush(self) -> None:
        """Nothing to send: the searches ran in ``step``."""

    def gains(self) -> dict[int, list[float]]:
        """Each started env's gain per step, in order; forgets them."""
        gains, self._gains, self._left = self._gains, {}, {}
        return gains

    def close(self) -> None:
        self.begin()


class HelperProgress:
    """The same as ``LocalProgress``, searched in a helper process: each policy step's records
    go there at once, and the searches run while this process acts. The world and states are
    pickled when recorded (the pool pickles later, after the env has moved on)."""

    def __init__(self) -> None:
        from agent.helper import start_helper
        self._pool = start_helper(_setup)
        self._batch: list[tuple] = []
        self._jobs: list[Future] = []

    def begin(self) -> None:
        self._batch, self._jobs = [("begin",)], []

    def start(self, i: int, world) -> None:
        self._batch.append(("start", i, pickle.dumps(world)))

    def step(self, i: int, actor: str, ran: tuple[str, ...], lost: bool, world) -> None:
        self._batch.append(("step", i, actor, tuple(ran), lost, pickle.dumps(world.state)))

    def flush(self) -> None:
        """Send what was recorded since the last flush (once per policy step)."""
        if self._batch:
            self._jobs.append(self._pool.submit(_run_job, self._batch))
            self._batch = []

    def gains(self) -> dict[int, list[float]]:
        from agent.helper import result
        self.flush()
        for job in self._jobs:
            result(job)  # a failed job raises here
        self._jobs = []
        return result(self._pool.submit(_gains_job))

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)


def progress_tracker(helper: bool) -> LocalProgress | HelperProgress:
    """A tracker for one run: searching in a helper process, or in this one."""
    return HelperProgress() if helper else LocalProgress()


def _setup() -> dict:
    return {"progress": LocalProgress()}


def _run_job(batch: list[tuple]) -> None:
    from agent.helper import helper_state
    tracker: LocalProgress = helper_state()["progress"]
    for record in batch:
        if record[0] == "begin":
            tracker.begin()
        elif record[0] == "start":
            tracker.start(record[1], pickle.loads(record[2]))
        else:
            i, actor, ran, lost, state = record[1:]
            tracker.mirror(i, pickle.loads(state))
            tracker.step(i, actor, ran, lost)


def _gains_job() -> dict[int, list[float]]:
    from agent.helper import helper_state
    return helper_state()["progress"].gains()
