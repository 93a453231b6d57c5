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
    """

    world: object | None = None
    max_steps: int | None = None
    companion: bool = False
    vocabulary: str = "plain"

    def __post_init__(self) -> None:
        self._proto: dict[tuple[int, int], LanternEnv] = {}

    def env(self, difficulty: int = 0, seed: int = 0) -> LanternEnv:
        """An independent env (clones a cached prototype: worlds are built once)."""
        key = (difficulty, seed) if self.world is None else (0, 0)
        proto = self._proto.get(key)
        if proto is None:
            from game.generator import generate
            world = self.world if self.world is not None else generate(difficulty, seed, companion=self.companion,
                                                                        vocabulary=self.vocabulary)
            limit = min(self.max_steps, world.max_steps) if self.max_steps else None
            proto = self._proto[key] = LanternEnv(world, max_steps=limit)
            if len(self._proto) > 512:
                self._proto.pop(next(iter(self._proto)))
        return proto.clone()


def pick_seed(run_seed: int, update: int, group: int, seeds: tuple[int, int]) -> int:
    """The training world seed of a group at an update: a pure function of counters (resumable)."""
    return random.Random(f"{run_seed}/{update}/{group}").randrange(*seeds)
