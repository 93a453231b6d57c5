"""The NPC interface the game sees, and the random NPC used when no model is loaded.

The game never imports the agent package; ``main.py`` hands the viewer an object
with this interface (an LM policy from ``agent/``, or ``RandomNPC``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Protocol

from game.env import LanternEnv


@dataclass
class Decision:
    """What an NPC chose and why.

    Attributes:
        command: the command it issues.
        candidates: (command, probability) pairs it considered, most likely first.
        value: its estimate of how good its situation is, if it has one.
        notes: the journal lines it read before choosing (empty when its model reads none).
    """

    command: str
    candidates: list[tuple[str, float]] = field(default_factory=list)
    value: float | None = None
    notes: list[str] = field(default_factory=list)


class NPC(Protocol):
    """Anything that can pick a command for an actor in an environment."""

    name: str

    def act(self, env: LanternEnv, actor: str) -> Decision:
        """Choose the next command for ``actor`` (must not step the env)."""
        ...


class RandomNPC:
    """Picks uniformly among the admissible commands (the baseline agent)."""

    name = "random"

    def __init__(self, seed: int | str | None = 0) -> None:
        self.rng = random.Random(seed)

    def command(self, env: LanternEnv, actor: str) -> str:
        return self.act(env, actor).command

    def act(self, env: LanternEnv, actor: str) -> Decision:
        options = env.admissible(actor)
        if not options:
            return Decision("wait", [("wait", 1.0)])
        p = 1.0 / len(options)
        return Decision(self.rng.choice(options), [(c, p) for c in options])
