"""The corpus of the game's own language, for pretraining the base NPC model.

Two kinds of document, from generated worlds of every level (training seeds only)
and from the bundled world files:

- **descriptions**: each world's title and intro, every room with its exits, and
  every thing as ``> examine <thing>`` with the game's reply;
- **exploratory play**: episodes of random play (mostly admissible commands, some
  look/examine/inventory, a few refused commands so the model sees refusals), cut
  into segments laid out as ``agent.prompt.layout`` lays out the policy's prompt: the
  ``Goal:`` line, ``<observation>\\n> <command>\\n`` pairs, and the ``To do:`` (and
  ``Told:``) and ``Carrying:`` lines above the last ``>``. The actor's journal
  (``info["notes"]``), which the policy's prompt also carries, is left out: it is the
  agent's memory rather than the game's language, and the NPC imitated from a base
  pretrained with it did worse (see the npc model card).

No rewards, scores or solver walkthroughs go in: goal-directed behaviour is for
RL to learn. The corpus is a pure function of its config (one seeded generator).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from agent.prompt import View, prompt_text
from agent.worlds import EVAL_SEED_START, refuse_heldout
from game.admissible import admissible_commands
from game.assets import WORLDS_DIR
from game.env import LanternEnv
from game.errors import LanternError
from game.generator import MAX_DIFFICULTY, generate
from game.loader import load_world
from game.narration import describe_entity, describe_exits
from game.world import World

# Share of exploratory episodes per difficulty 1..MAX_DIFFICULTY (low levels are where RL starts;
# the high ones are slow to generate and mostly add vocabulary).
LEVEL_WEIGHTS = (0.25, 0.25, 0.2, 0.15, 0.1, 0.05)
# Episodes per generated world by level: the big levels take seconds to generate (the solver
# proves each one winnable), so each of their worlds is played more often.
EPISODES_PER_WORLD = (2, 2, 3, 4, 8, 12)
REFUSAL_VERBS = ("take", "eat", "open", "close", "unlock", "drop", "go", "read", "put")
DIRECTIONS = ("north", "south", "east", "west", "up", "down", "northeast", "southwest")


@dataclass
class CorpusConfig:
    """What the corpus holds.

    Attributes:
        episodes: exploratory episodes over generated worlds (bundled worlds add their own).
        steps: most commands per episode.
        level_weights: share of the episodes per difficulty 1..MAX_DIFFICULTY.
        episodes_per_world: episodes played in each generated world of each level (different
            env seeds).
        bundled_episodes: episodes per actor in each bundled world (0 = none).
        info_rate: chance a command is look/examine/inventory/read rather than an acting one.
        refusal_rate: chance a command is one the game refuses.
        max_pairs: most (observation, command) pairs per segment, like the prompt's
            history + the current one.
        seed: the one seed everything is drawn from.
        worlds_dir: folder of bundled ``*.toml`` worlds (None = none).
        vocabulary: names of the generated worlds: 'plain', 'wide' or 'mixed' (game/generator.py).
    """

    episodes: int = 1200
    steps: int = 40
    level_weights: tuple[float, ...] = LEVEL_WEIGHTS
    episodes_per_world: tuple[int, ...] = EPISODES_PER_WORLD
    bundled_episodes: int = 6
    info_rate: float = 0.12
    refusal_rate: float = 0.04
    max_pairs: int = 5
    seed: int = 0
    worlds_dir: Path | None = field(default=WORLDS_DIR)
    vocabulary: str = "plain"

    def __post_init__(self) -> None:
        for name in ("episodes", "steps", "max_pairs"):
            if getattr(self, name) < 1:
                raise LanternError(f"corpus {name} must be >= 1, got {getattr(self, name)}")
        if self.bundled_episodes < 0:
            raise LanternError(f"corpus bundled_episodes must be >= 0, got {self.bundled_episodes}")
        if self.worlds_dir is not None:
            refuse_heldout(self.worlds_dir, "corpus worlds_dir")
        if len(self.level_weights) != MAX_DIFFICULTY or min(self.level_weights) < 0 or not sum(self.level_weights) > 0:
            raise LanternError(f"corpus level_weights needs {MAX_DIFFICULTY} non-negative shares, "
                               f"got {self.level_weights}")
        if len(self.episodes_per_world) != MAX_DIFFICULTY or min(self.episodes_per_world) < 1:
            raise LanternError(f"corpus episodes_per_world needs {MAX_DIFFICULTY} counts >= 1, "
                               f"got {self.episodes_per_world}")
        for name in ("info_rate", "refusal_rate"):
            if not 0.0 <= getattr(self, name) < 1.0:
                raise LanternError(f"corpus {name} must be in [0, 1), got {getattr(self, name)}")
        if self.info_rate + self.refusal_rate >= 1.0:
            raise LanternError("corpus info_rate + refusal_rate must be below 1")


@dataclass
class Corpus:
    """The documents, grouped by world so a split can hold whole worlds out.

    Attributes:
        worlds: one list of documents per world, in a fixed order.
        names: a label per world (``d3-s123`` or the file name).
    """

    worlds: list[list[str]]
    names: list[str]

    @property
    def documents(self) -> list[str]:
        return [doc for docs in self.worlds for doc in docs]

    def split(self, held_out: float) -> tuple[list[str], list[str]]:
        """(train, validation) documents; every ``1/held_out``-th world goes to validation."""
        if not 0.0 < held_out < 0.5:
            raise LanternError(f"validation share must be in (0, 0.5), got {held_out}")
        every = max(2, round(1 / held_out))
        train = [d for i, docs in enumerate(self.worlds) if i % every != every - 1 for d in docs]
        valid = [d for i, docs in enumerate(self.worlds) if i % every == every - 1 for d in docs]
        return train, valid


def build_corpus(config: CorpusConfig) -> Corpus:
    """Generate the corpus for ``config`` (deterministic)."""
    rng = random.Random(config.seed)
    worlds, names = [], []
    for level, count in enumerate(_level_counts(config), start=1):
        for _ in range(count):
            seed = rng.randrange(EVAL_SEED_START)  # training seeds only
            world = generate(level, seed, vocabulary=config.vocabulary)
            worlds.append(_world_documents(world, config, rng, config.episodes_per_world[level - 1], [None]))
            names.append(f"d{level}-s{seed}")
    if config.worlds_dir is not None and config.bundled_episodes:
        for path in sorted(Path(config.worlds_dir).glob("*.toml")):
            world = load_world(path)
            actors = [world.entities[a].id for a in world.actors]
            worlds.append(_world_documents(world, config, rng, config.bundled_episodes, actors))
            names.append(path.name)
    return Corpus(worlds, names)


def _level_counts(config: CorpusConfig) -> list[int]:
    """Generated worlds per level: the episodes shared by weight, at least one world per weighted level."""
    total = sum(config.level_weights)
    return [max(1, round(config.episodes * w / total / per)) if w > 0 else 0
            for w, per in zip(config.level_weights, config.episodes_per_world)]


def _world_documents(world: World, config: CorpusConfig, rng: random.Random, episodes: int,
                     actors: list[str | None]) -> list[str]:
    docs = [describe_world(world)]
    for actor in actors:
        for _ in range(episodes):
            env = LanternEnv(world)
            pairs = list(explore(env, config, rng, actor))
            docs.extend(segments(pairs, config.max_pairs, rng))
    return docs


def describe_world(world: World) -> str:
    """Title, intro, each room (as on arrival, without its contents) and ``examine`` of each thing."""
    world.reset()
    parts = [f"{world.title}\n{world.intro}\n" if world.intro else f"{world.title}\n"]
    for room in world.rooms:
        ent = world.entities[room]
        parts.append(f"-= {ent.name} =-\n{ent.description}\n{describe_exits(world, room)}\n")
    for e in (*world.items, *world.doors):
        parts.append(f"> examine {world.entities[e].name}\n{describe_entity(world, e)}\n")
    return "\n".join(parts)


@dataclass
class Step:
    """One decision of an exploratory episode, as the prompt would show it."""

    goal: str
    directive: str | None
    inventory: list[str]
    observation: str
    command: str
    todo: list[str]


def explore(env: LanternEnv, config: CorpusConfig, rng: random.Random, actor: str | None = None) -> Iterator[Step]:
    """Random play in ``env`` as ``actor`` (default the player): one Step per command issued."""
    obs, info = env.reset(seed=rng.randrange(2**31), options={"actor": actor} if actor else None)
    for _ in range(config.steps):
        command = _pick_command(env, info, config, rng)
        yield Step(info["goal"], info["directive"], list(info["inventory"]), obs, command,
                   list(info["pending_goals"]))
        obs, _, terminated, truncated, info = env.step(command, actor=actor)
        if terminated or truncated:
            return


def _pick_command(env: LanternEnv, info: dict, config: CorpusConfig, rng: random.Random) -> str:
    acting = info["admissible_commands"]
    roll = rng.random()
    if roll < config.refusal_rate or not acting:
        return _refused_command(env, acting, rng)
    if roll < config.refusal_rate + config.info_rate:
        actor = env.world.by_id[info["actor"]].index
        every = admissible_commands(env.world, env.table, actor, include_info=True)
        informational = sorted(set(every) - set(acting))
        if informational:
            return rng.choice(informational)
    return rng.choice(acting)


def _refused_command(env: LanternEnv, acting: list[str], rng: random.Random) -> str:
    """A command the game will not carry out: a wrong direction or a verb on the wrong thing."""
    world = env.world
    names = [world.entities[e].name.lower() for e in (*world.items, *world.doors, *world.rooms)]
    for _ in range(10):
        verb = rng.choice(REFUSAL_VERBS)
        noun = rng.choice(DIRECTIONS) if verb == "go" else rng.choice(names)
        command = f"{verb} {noun}"
        if command not in acting:
            return command
    return "go up"


def segments(steps: list[Step], max_pairs: int, rng: random.Random) -> list[str]:
    """Cut an episode into prompt-shaped documents of 1..max_pairs commands.

    Each segment is laid out as ``PromptBuilder`` lays out the state at its last
    command (``prompt_text``), followed by that command.
    """
    docs, start = [], 0
    while start < len(steps):
        end = min(len(steps), start + rng.randint(1, max_pairs))
        last = steps[end - 1]
        view = View(last.goal, last.observation, last.inventory, last.directive, todo=last.todo)
        docs.append(prompt_text(view, [(s.observation, s.command) for s in steps[start:end - 1]])
                    + f" {last.command}\n")
        start = end
    return docs

