"""Demonstrations: the states an expert's walkthrough passes through, as the policy sees them.

Each state is what the acting actor's policy sees when it acts (the same prompt, the same
admissible commands) and the expert's command from there: the solver's optimal one, or the
guide's (``game/guide.py``), which follows the solver only where the actor could know the way.
They come from generated worlds on training seeds (``solver_demos``), from generated requests
(``request_walkthroughs``, the request's shortest plan) and from the bundled worlds
(``bundled_demos``); DAgger (``agent/dagger.py``) labels the states the policy itself reaches
with ``expert_plan``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from agent.prompt import View
from game.env import LanternEnv
from game.errors import LanternError

if TYPE_CHECKING:
    from agent.imitate_config import ImitateConfig


@dataclass
class Demo:
    """One state of a walkthrough: what the policy sees, the expert's choice, and the rewards
    the expert's walkthrough collects from there (each step's own reward, soonest first)."""

    view: View
    candidates: list[str]
    action: int
    world: tuple[int, int] = (0, 0)  # (difficulty, seed), to split by world
    rewards: tuple[float, ...] = ()
    also: tuple[int, ...] = ()  # other candidates as good as ``action`` (ties), also taught

    def value_target(self, gamma: float) -> float:
        return sum(r * gamma ** k for k, r in enumerate(self.rewards))


def walkthrough_demos(env: LanternEnv, steps: list[tuple[str, str]], env_seed: int = 0,
                      where: tuple[int, int] = (0, 0), alternatives: bool = False) -> list[Demo]:
    """Play ``steps`` ((actor id, command) pairs, as ``Solution.steps``) in ``env`` and return the
    state before each, as the acting actor's policy would see it (each actor has its own history:
    in a co-operative world every keeper is an NPC the model may drive).

    Raises:
        LanternError: a command is not among the admissible ones (the walkthrough
            does not fit this env).
    """
    env.reset(seed=env_seed)
    history: dict[str, list[tuple[str, str]]] = {}
    demos = []
    rewards: dict[str, list[float]] = {}  # per actor, the reward of each of its steps
    for actor, command in steps:
        obs, info = env.observation(actor), env.info(actor)
        candidates = list(info["admissible_commands"])
        if command not in candidates:
            raise LanternError(f"walkthrough command {command!r} is not admissible in {where}; "
                               f"the solver and the admissible commands disagree")
        mine = history.setdefault(actor, [])
        demos.append(Demo(View.from_info(obs, info, mine), candidates, candidates.index(command), where,
                          also=ties(env, actor, command, candidates) if alternatives else ()))
        mine.append((obs, command))
        _, reward, terminated, truncated, _ = env.step(command, actor=actor)
        rewards.setdefault(actor, []).append(float(reward))
        if terminated or truncated:
            break
    taken: dict[str, int] = {}
    for demo, (actor, _) in zip(demos, steps):  # each state: its actor's rewards from its own step on
        k = taken[actor] = taken.get(actor, -1) + 1
        demo.rewards = tuple(rewards[actor][k:])
    return demos


def training_worlds(config: ImitateConfig, count: int, stage: str) -> list[tuple[int, int]]:
    """``count`` (difficulty, seed) pairs per level, drawn from the training seeds for ``stage``."""
    picked = []
    for level in config.levels:
        rng = random.Random(f"{config.seed}/{stage}/{level}")
        picked += [(level, seed) for seed in sorted(rng.sample(range(*config.train_seeds), count))]
    return picked


def solver_demos(config: ImitateConfig) -> list[Demo]:
    """Walkthrough states of ``config.worlds`` generated worlds per level."""
    from game.generator import generate
    from game.solver import Unsolvable
    demos: list[Demo] = []
    for level, seed in training_worlds(config, config.worlds, "imitate"):
        world = generate(level, seed, vocabulary=config.vocabulary, mechanics=config.mechanics)
        try:
            steps = expert_walkthrough(world, config.expert, config.read_commands)
        except Unsolvable:
            continue
        demos += walkthrough_demos(LanternEnv(world, **config.env_settings()), steps, where=(level, seed),
                                   alternatives=config.alternatives)
    return demos


def request_walkthroughs(config: ImitateConfig) -> list[Demo]:
    """The shortest plans of ``config.request_worlds`` generated requests per level (none when 0)."""
    from agent.requests_train import case_seed, request_demos, request_env
    where = training_worlds(config, config.request_worlds, "requests") if config.request_worlds else []
    envs = [request_env(level, seed, case_seed(config.seed, "requests", level, seed), config.request_kinds)
            for level, seed in where]
    return request_demos(envs, where)


def bundled_request_walkthroughs(config: ImitateConfig) -> list[Demo]:
    """The shortest plans of ``config.bundled_requests`` requests per bundled world, each asked at a
    state along the world's walkthrough (level 0 marks them: training only, as the bundled copies)."""
    if not config.bundled_requests:
        return []
    from agent.requests_train import bundled_request_env, case_seed, request_demos
    from game.assets import learning_worlds
    envs, where = [], []
    for index, (_, world) in enumerate(learning_worlds(config.authored, config.authored_reskins, config.seed)):
        steps = expert_walkthrough(world, config.expert, config.read_commands)
        for k in range(config.bundled_requests):
            env = bundled_request_env(world, steps, case_seed(config.seed, "bundled-requests", index, k),
                                      config.request_kinds)
            env.for_agent(**config.env_settings())
            envs.append(env)
            where.append((0, index))
    return request_demos(envs, where)


def ties(env: LanternEnv, actor: str, command: str, candidates: list[str]) -> tuple[int, ...]:
    """Indices of the other ``candidates`` as good as ``command`` for ``actor`` here (the solver's
    tie-breaks, walking aside: ``game.guide.optimal_alternatives``); the env is put back."""
    from game.guide import optimal_alternatives
    return tuple(candidates.index(c) for c in optimal_alternatives(env, actor, command, candidates))


def expert_walkthrough(world, expert: str, read_commands: bool = False) -> list[tuple[str, str]]:
    """The expert's (actor id, command) walkthrough of ``world`` from its start (the guide reads
    each readable thing it finds when ``read_commands``)."""
    if expert == "guide":
        from game.guide import guided_game
        return guided_game(world, read_commands=read_commands)[1]
    from game.solver import solve
    return list(solve(world).steps)


def bundled_demos(copies: int, expert: str = "solver", settings: dict | None = None,
                  authored: bool = False, reskins: int = 0, seed: int = 0) -> list[Demo]:
    """Each bundled world's walkthrough (and with ``authored`` each of ``assets/authored/``, or
    ``reskins`` reskins of each drawn from ``seed``: ``game.assets.learning_worlds``),
    ``copies`` times (level 0 marks them; never validation: there is one walkthrough per world, so a
    held-out copy would only measure memory); ``settings`` are the env's ``for_agent`` settings."""
    settings = settings or {}
    from game.assets import learning_worlds
    demos: list[Demo] = []
    if copies == 0:  # solving the manor is not free: skip it when no copy is wanted
        return demos
    for index, (_, world) in enumerate(learning_worlds(authored, reskins, seed)):
        steps = expert_walkthrough(world, expert, settings.get("read_commands", False))
        demos += walkthrough_demos(LanternEnv(world, **settings), steps, where=(0, index)) * copies
    return demos


def expert_plan(env: LanternEnv, actor: str | None = None,
                expert: str = "solver") -> tuple[str | None, tuple[float, ...]] | None:
    """``actor``'s first command in the expert's walkthrough from the env's current state (None when
    the walkthrough leaves it nothing to do), and the rewards ``actor`` collects along that
    walkthrough; None: lost, or nothing left to do. ``actor`` defaults to the player. The env is
    put back as it was."""
    from game.guide import guided_walkthrough
    from game.solver import Unsolvable, solve
    snap = env.snapshot()
    try:
        if expert == "guide":
            steps, step_rewards = guided_walkthrough(env)
        else:
            steps = solve(env.world, from_current=True).steps
            step_rewards = [float(env.step(command, actor=who)[1]) for who, command in steps]
    except Unsolvable:
        return None
    finally:
        env.restore(snap)
    if not steps:
        return None
    actor = actor or env.player_id
    rewards = tuple(r for (who, _), r in zip(steps, step_rewards) if who == actor)
    return next((command for who, command in steps if who == actor), None), rewards


def moves_left_key(env: LanternEnv) -> str:
    """The key of ``team_plan``'s cache for the env's state: one cache serves all of a DAgger
    round's worlds, so the world is part of it."""
    return f"{env.world.title}/{env.state_hash()}"


def team_plan(env: LanternEnv, actor: str, expert: str = "solver",
              moves_left: dict[str, int | None] | None = None) -> tuple[str | None, tuple[float, ...]] | None:
    """``expert_plan`` for an actor of a team that takes turns: its command only where it starts a
    shortest walkthrough from here (the moves left fall by one), else the first admissible
    command that does; where none does, the actor must wait on a teammate, and is taught to hold:
    the first command that leaves the moves left as they are (things before walking); else None.

    A plan orders the team's steps freely; under turns, an actor's first step in it can come
    too early (closing the door a teammate must still walk through, a note read while a
    teammate works) and taught as it stands it sets the team against itself. Untaught, a waiting
    actor undoes: watched, Wren on the gallery with nothing left to do walked back in every turn,
    and Ada out, undoing a goal each. ``moves_left`` caches the solver's answers by state (an
    episode's states repeat across a round).
    """
    from game.guide import moves_left_after
    from game.solver import remaining_moves
    label = expert_plan(env, actor, expert)
    if label is None:
        return None
    command, rewards = label
    cache = moves_left if moves_left is not None else {}

    def left() -> int | None:
        key = moves_left_key(env)
        if key not in cache:
            cache[key] = remaining_moves(env.world)
        return cache[key]

    now = left()
    if now is None:
        return None
    candidates = list(env.info(actor)["admissible_commands"])
    ordered = ([command] if command in candidates else []) + [c for c in candidates if c != command]
    holds = []
    for other, after in moves_left_after(env, actor, ordered, left):
        if after == now - 1:
            return other, rewards
        if after == now:
            holds.append(other)
    return min(holds, key=lambda c: c.startswith("go "), default=None), rewards  # things before walking


def split_by_world(demos: list[Demo], val_fraction: float, seed: int) -> tuple[list[Demo], list[Demo]]:
    """Hold out whole worlds (not single states) so validation measures generalisation."""
    worlds = sorted({d.world for d in demos})
    random.Random(f"{seed}/split").shuffle(worlds)
    held = set(worlds[:int(len(worlds) * val_fraction)])
    return [d for d in demos if d.world not in held], [d for d in demos if d.world in held]

