"""Where training and evaluation worlds come from, and the held-out seed split.

Generated worlds are identified by (difficulty, seed). Training seeds are below
``EVAL_SEED_START`` and evaluation seeds at or above it, so a model is never
evaluated on a world it trained on; both commands refuse seeds on the wrong side.

The hand-written worlds in ``assets/heldout/`` and the TextWorld games in
``assets/textworld/`` are for evaluation only: training and pretraining read bundled
worlds from ``assets/worlds/`` and refuse any path in those folders (``refuse_heldout``).
"""

from __future__ import annotations

import random
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from game.assets import HELDOUT_DIR, TEXTWORLD_DIR
from game.env import LanternEnv
from game.errors import LanternError

EVAL_SEED_START = 1_000_000
EVAL_ONLY_DIRS = (HELDOUT_DIR, TEXTWORLD_DIR)  # worlds kept out of all training


def refuse_heldout(path: str | Path, what: str) -> None:
    """Raise LanternError when ``path`` is (or lies in) a folder of evaluation-only worlds.

    Args:
        path: a world file or folder that training would read.
        what: the flag or field that named it, for the message.
    """
    resolved = Path(path).resolve()
    for folder in EVAL_ONLY_DIRS:
        if resolved == folder or folder in resolved.parents:
            name = f"assets/{folder.name}"
            raise LanternError(f"{what} {path}: the worlds in {name}/ are for evaluation only "
                               f"(eval --worlds {name}); train on assets/worlds/ or generated worlds")


def parse_range(text: str, what: str) -> tuple[int, int]:
    """'A:B' -> (A, B), the half-open seed range A <= seed < B."""
    try:
        a, b = (int(x) for x in text.split(":"))
    except ValueError:
        raise LanternError(f"{what} {text!r}: expected A:B, e.g. 0:1000") from None
    if not 0 <= a < b:
        raise LanternError(f"{what} {text!r}: need 0 <= A < B")
    return a, b


def check_train_seeds(seeds: tuple[int, int]) -> None:
    if seeds[1] > EVAL_SEED_START:
        raise LanternError(f"--train-seeds {seeds[0]}:{seeds[1]}: training seeds must be below "
                           f"{EVAL_SEED_START} (seeds from {EVAL_SEED_START} on are held out for eval)")


def check_eval_seeds(seeds: tuple[int, int], trained: tuple[int, int] | None) -> None:
    """Refuse evaluation seeds that overlap the model's training seeds (or the training side)."""
    if trained and seeds[0] < trained[1] and trained[0] < seeds[1]:
        raise LanternError(f"--seeds {seeds[0]}:{seeds[1]} overlaps the seeds this model trained on "
                           f"({trained[0]}:{trained[1]}); evaluate on held-out seeds, e.g. "
                           f"{EVAL_SEED_START}:{EVAL_SEED_START + 100}")
    if seeds[0] < EVAL_SEED_START:
        raise LanternError(f"--seeds {seeds[0]}:{seeds[1]}: evaluation seeds start at {EVAL_SEED_START} "
                           f"(lower seeds are for training)")


@dataclass
class WorldSource:
    """Fresh environments for a fixed world file or for generated (difficulty, seed) worlds.

    Args:
        world: a loaded World to always use, or None for generated worlds.
        max_steps: step limit per episode (None: the world's own).
        companion: generated worlds get a companion (Ada, sharing the player's quest).
        vocabulary: names of generated worlds: 'plain', 'wide' or 'mixed' (game/generator.py).
        mechanics: puzzle pieces of generated worlds: 'level' or 'mixed' (game/generator.py).
    """

    world: object | None = None
    max_steps: int | None = None
    companion: bool = False
    vocabulary: str = "plain"
    mechanics: str = "level"

    def __post_init__(self) -> None:
        self._proto: dict[tuple[int, int], LanternEnv] = {}
        self._coming: dict[tuple[int, int], Future] = {}  # worlds a WorldMaker is generating
        self.made_ahead = 0  # envs whose world came ready from a WorldMaker

    def make_ahead(self, maker: WorldMaker, keys: list[tuple[int, int]]) -> None:
        """Have ``maker`` generate these (difficulty, seed) worlds in its process while this one
        works; worlds asked for before are dropped. ``env`` takes a world that is ready and
        generates one that is not itself: generation is a pure function of the key, so the env is
        the same either way."""
        if self.world is not None:
            return
        for key in [k for k in self._coming if k not in keys]:
            self._coming.pop(key).cancel()
        for key in keys:
            if key not in self._proto and key not in self._coming:
                self._coming[key] = maker.submit(key, self.companion, self.vocabulary, self.mechanics)

    def env(self, difficulty: int = 0, seed: int = 0) -> LanternEnv:
        """An independent env (clones a cached prototype: worlds are built once)."""
        key = (difficulty, seed) if self.world is None else (0, 0)
        proto = self._proto.get(key)
        if proto is None:
            world = self.world if self.world is not None else self._generated(key)
            limit = min(self.max_steps, world.max_steps) if self.max_steps else None
            proto = self._proto[key] = LanternEnv(world, max_steps=limit)
            if len(self._proto) > 512:
                self._proto.pop(next(iter(self._proto)))
        return proto.clone()

    def _generated(self, key: tuple[int, int]):
        coming = self._coming.pop(key, None)
        if coming is not None and coming.done() and not coming.cancelled():
            from agent.helper import result
            self.made_ahead += 1
            return result(coming)
        if coming is not None:
            coming.cancel()  # not ready: making it here is quicker than waiting
        return make_world(key, self.companion, self.vocabulary, self.mechanics)


def make_world(key: tuple[int, int], companion: bool, vocabulary: str, mechanics: str):
    """The generated world of a (difficulty, seed) key."""
    from game.generator import generate
    return generate(key[0], key[1], companion=companion, vocabulary=vocabulary, mechanics=mechanics)


class WorldMaker:
    """A helper process (``agent/helper.py``) that generates the worlds of the next update while
    this process plays the current one: on a 2-core machine the generator's search then costs the
    training loop nothing."""

    def __init__(self) -> None:
        from agent.helper import start_helper
        self._pool = start_helper(_no_state)

    def submit(self, key: tuple[int, int], companion: bool, vocabulary: str, mechanics: str) -> Future:
        return self._pool.submit(make_world, key, companion, vocabulary, mechanics)

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)


def _no_state() -> dict:
    return {}


def pick_seed(run_seed: int, update: int, group: int, seeds: tuple[int, int]) -> int:
    """The training world seed of a group at an update: a pure function of counters (resumable)."""
    return random.Random(f"{run_seed}/{update}/{group}").randrange(*seeds)
