"""Lantern as a registered Gymnasium environment (the optional ``gym`` extra).

``import game.gym_env`` registers these ids with ``gymnasium.make`` (or name the
module in the id, ``gymnasium.make("game.gym_env:lantern/World-v0")``, which imports
it first; Gymnasium 1.x has no plugin entry points to do it at install time):

- ``lantern/World-v0``: one world file (``world=PATH``; default the lighthouse);
- ``lantern/Generated-v0``: generated worlds of ``difficulty=D`` (1-6);
- ``lantern/Generated-dD-v0`` for D in 1-6: the same with the difficulty fixed.

A generated-world env draws a new training world (seed below 1,000,000) from its
own random generator at each ``reset`` unless ``world_seed`` fixes one, so
``reset(seed=s)`` gives the same world and episode every time.

The observation is the game's text (``Text`` space); the action is an index into
the admissible commands of that moment (``Discrete(max_commands)``), with
``info["action_mask"]`` and ``action_masks()`` saying which indices are valid, as
masked-action learners expect. A command may also be given as text
(``env.step("take the lamp")``), parsed as a person's would be. An index with no
command behind it is refused: the game says so, the world does not change, and the
step still counts.
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import gymnasium
import numpy as np
from gymnasium import spaces

from game.assets import WORLDS_DIR
from game.env import LanternEnv
from game.errors import LanternError
from game.generator import MAX_DIFFICULTY, VOCABULARIES, generate
from game.world import World

MAX_TEXT = 4096  # longest observation in characters; longer text is cut (the start is kept)
MAX_COMMANDS = 64  # the size of the action space: no bundled or generated world offers more
TRAIN_SEEDS = 1_000_000  # generated-world seeds drawn for training stay below the eval seeds
# The observation's alphabet: printable ASCII plus the typography world files use.
CHARSET = frozenset(string.printable) | frozenset("“”‘’—–…·éèêàâçöüïñ°×")
REFUSED = "That is not one of the commands you can give now; nothing happens."
_DEFAULT_WORLD = WORLDS_DIR / "lighthouse.toml"


def text_observation(text: str) -> str:
    """The game's text in the observation alphabet: unknown characters become '?'."""
    return "".join(c if c in CHARSET else "?" for c in text[:MAX_TEXT])


class LanternGymEnv(gymnasium.Env):
    """One actor's view of a Lantern world as a Gymnasium environment.

    Args:
        world: a world file or World (with ``difficulty`` unset).
        difficulty: play generated worlds of this difficulty instead.
        world_seed: the generated world's seed; None draws one at each reset.
        companion: generated worlds get an NPC companion sharing the quest (it stands
            by unless another agent steps it through ``unwrapped.lantern``).
        vocabulary: names of generated worlds: 'plain', 'wide' or 'mixed' (game/generator.py).
        actor: the actor this env's agent plays (default: the world's player).
        max_steps: step limit (default: the world's).
        max_commands: the size of the discrete action space.
        render_mode: None or "ansi" (``render()`` returns the last observation).
    """

    metadata = {"render_modes": ["ansi"], "render_fps": 4}

    def __init__(self, world: str | Path | World | None = None, difficulty: int | None = None,
                 world_seed: int | None = None, companion: bool = False, vocabulary: str = "plain",
                 actor: str | None = None,
                 max_steps: int | None = None, max_commands: int = MAX_COMMANDS,
                 render_mode: str | None = None) -> None:
        if world is not None and difficulty is not None:
            raise LanternError("give either world or difficulty, not both")
        if difficulty is not None and not 1 <= difficulty <= MAX_DIFFICULTY:
            raise LanternError(f"difficulty goes from 1 to {MAX_DIFFICULTY}, got {difficulty}")
        if vocabulary not in VOCABULARIES:
            raise LanternError(f"vocabulary {vocabulary!r}: use one of {', '.join(VOCABULARIES)}")
        if render_mode not in (None, "ansi"):
            raise LanternError(f"render_mode {render_mode!r}: use None or 'ansi'")
        self.difficulty, self.world_seed, self.companion = difficulty, world_seed, companion
        self.vocabulary = vocabulary
        self.actor, self.max_steps, self.render_mode = actor, max_steps, render_mode
        self._file_world = None if difficulty is not None else (world or _DEFAULT_WORLD)
        self.observation_space = spaces.Text(max_length=MAX_TEXT, min_length=0, charset="".join(sorted(CHARSET)))
        self.action_space = spaces.Discrete(max_commands)
        self.lantern: LanternEnv | None = None
        self._world_key: Any = None
        self._obs = ""
        self._commands: list[str] = []

    # -- the world ------------------------------------------------------------------------

    def _world_for_episode(self) -> tuple[Any, World | str | Path]:
        if self._file_world is not None:
            return "file", self._file_world
        seed = self.world_seed if self.world_seed is not None else int(self.np_random.integers(TRAIN_SEEDS))
        key = (self.difficulty, seed, self.companion, self.vocabulary)
        if key == self._world_key:
            return key, None
        return key, generate(self.difficulty, seed, companion=self.companion, vocabulary=self.vocabulary)

    # -- Gymnasium API --------------------------------------------------------------------

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[str, dict]:
        super().reset(seed=seed)
        key, world = self._world_for_episode()
        if self.lantern is None or key != self._world_key:
            self.lantern = LanternEnv(world, max_steps=self.max_steps)
            self._world_key = key
        env_seed = int(self.np_random.integers(2**31))
        obs, info = self.lantern.reset(seed=env_seed, options={"actor": self.actor} if self.actor else None)
        return self._observe(obs, info)

    def step(self, action: int | np.integer | str) -> tuple[str, float, bool, bool, dict]:
        if self.lantern is None:
            raise LanternError("call reset() before step()")
        command = self._command_of(action)
        obs, reward, terminated, truncated, info = self.lantern.step(command or "", self.actor)
        if command is None:
            obs = REFUSED
        obs, info = self._observe(obs, info)
        return obs, float(reward), bool(terminated), bool(truncated), info

    def action_masks(self) -> np.ndarray:
        """Which action indices name a command now (what masked-action learners call)."""
        mask = np.zeros(self.action_space.n, dtype=np.int8)
        mask[:min(len(self._commands), self.action_space.n)] = 1
        return mask

    def render(self) -> str | None:
        return self._obs if self.render_mode == "ansi" else None

    # -- helpers --------------------------------------------------------------------------

    def _command_of(self, action: int | np.integer | str) -> str | None:
        if isinstance(action, str):
            return action
        index = int(action)
        if 0 <= index < min(len(self._commands), self.action_space.n):
            return self._commands[index]
        return None

    def _observe(self, obs: str, info: dict) -> tuple[str, dict]:
        self._commands = list(info["admissible_commands"])
        self._obs = text_observation(obs)
        return self._obs, {**info, "action_mask": self.action_masks()}


def register_envs() -> None:
    """Register Lantern's ids with Gymnasium (safe to call more than once)."""
    registry = gymnasium.envs.registration.registry
    entry = f"{__name__}:LanternGymEnv"
    specs = [("lantern/World-v0", {}), ("lantern/Generated-v0", {"difficulty": 1})]
    specs += [(f"lantern/Generated-d{d}-v0", {"difficulty": d}) for d in range(1, MAX_DIFFICULTY + 1)]
    for env_id, kwargs in specs:
        if env_id not in registry:
            gymnasium.register(id=env_id, entry_point=entry, kwargs=kwargs)


register_envs()
