"""Helpers shared by the engine tests: random reachable states and brute-force oracles."""

from __future__ import annotations

import random
from collections import deque

from game import quests
from game.admissible import enumerate_commands
from game.commands import Command
from game.env import LanternEnv
from game.meta import Meta
from game.rules import execute
from game.world import DIRECTIONS, World

ALL_VERBS_1 = ("take", "drop", "open", "close", "eat", "turn_on", "turn_off", "operate", "wear", "take_off",
               "get_in", "get_on", "get_out", "get_off")
ALL_VERBS_2 = ("put_in", "put_on", "lock", "unlock", "give")


def every_command(world: World) -> list[Command]:
    """Every state-changing command over every entity (and pair) in the world."""
    things = [e.index for e in world.entities if e.kind != "room"]
    out = [Command("go", direction=d) for d in DIRECTIONS]
    out += [Command(v, e) for v in ALL_VERBS_1 for e in things]
    out += [Command(v, e, f) for v in ALL_VERBS_2 for e in things for f in things]
    values = sorted({v for e in world.entities for v in e.dial})
    out += [Command("set", e, text=v) for e in things for v in values]
    return out


def succeeding_commands(world: World, actor: int, commands: list[Command]) -> set[Command]:
    """The commands that the rules carry out (and that change the state) right now."""
    ok = set()
    saved = world.state
    for cmd in commands:
        world.set_state(saved.copy())
        before = world.state.key()
        if execute(world, actor, cmd).ok:
            assert world.state.key() != before, f"{cmd} succeeded but changed nothing"
            ok.add(cmd)
    world.set_state(saved)
    return ok


def random_walk_states(env: LanternEnv, seed: int, steps: int):
    """Yield the env after each of ``steps`` random admissible commands (resetting on ends)."""
    rng = random.Random(seed)
    _, info = env.reset(seed=seed)
    for _ in range(steps):
        yield env
        commands = info["admissible_commands"]
        if not commands:
            _, info = env.reset(seed=seed)
            continue
        _, _, terminated, truncated, info = env.step(rng.choice(commands))
        if terminated or truncated:
            _, info = env.reset(seed=seed)


def bfs_optimum(world, limit=300_000) -> int:
    """Breadth-first search over every command of every quest actor: the true optimum."""
    actors = sorted({a for q in world.quests for a in q.actors})
    world.reset()
    quests.update(world)
    start = world.state.copy()
    seen, queue = {start.key()}, deque([(start, 0)])
    while queue:
        state, depth = queue.popleft()
        for actor in actors:
            world.set_state(state)
            for cmd in enumerate_commands(world, actor):
                child = state.copy()
                world.set_state(child)
                execute(world, actor, cmd)
                quests.update(world)
                if all(quests.is_won(world, qi) for qi in range(len(world.quests))):
                    return depth + 1
                if child.key() not in seen and not any(child.lost):
                    seen.add(child.key())
                    queue.append((child, depth + 1))
        assert len(seen) < limit, "oracle search too large for a test"
    raise AssertionError("unsolvable")


def play_checking_undo(env: LanternEnv, lines: list[str]) -> None:
    """Play ``lines`` as the player through Meta; after each 'undo' the state hash must be
    exactly the one before the command it took back, and a line that ran no command must
    leave the state as it was."""
    meta = Meta(env, 0)
    hashes = []
    for line in lines:
        if line == "undo":
            had = bool(meta.undo_stack)
            meta.handle("undo")
            if had:
                assert env.state_hash() == hashes.pop()
            continue
        hashes.append(env.state_hash())
        before = env.world.state.digest()
        meta.before_player(line)
        obs, reward, term, trunc, info = env.step(line)
        meta.after_step(meta.player, line, obs, reward, info, term or trunc)
        if not env.last_step.commands:
            assert env.world.state.digest() == before, line


def step_checking_refusal(env: LanternEnv, line: str) -> None:
    """Step ``line``: it must be answered, and change nothing (no reward) when no command ran."""
    before = env.world.state.digest()
    obs, reward, *_ = env.step(line)
    assert isinstance(obs, str) and obs
    if not env.last_step.commands:
        assert env.world.state.digest() == before and reward == 0
