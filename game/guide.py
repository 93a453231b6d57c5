"""A fair expert: the solver's plan, but only where the actor could know it.

The solver sees the whole map, so its walkthrough walks straight to a key in a room
nobody has entered yet. A policy that sees its own journal cannot tell which
unexplored exit hides the key, so such a step is noise to a student imitating it.
The guide follows the solver's plan while the plan's next walk stays in rooms the
acting actor has been in, and otherwise explores the way its journal reads: the
first unexplored exit here, else the first step towards the nearest remembered room
with one (breadth first, exits in the world's order, as ``Journal.first_steps``).
So its walking can be inferred from what the actor has seen (which of the things in sight to
use first is still the solver's choice: see ``optimal_alternatives`` for the ties). Where the
env offers ``read`` commands, it reads each readable thing the first time it is in reach, as a
player would: a note may be the only place a goal is spelled out.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator

from game.env import LanternEnv
from game.solver import Unsolvable, remaining_moves, solve
from game.world import LIT, LOCKED, OPEN


def guided_walkthrough(env: LanternEnv, max_steps: int | None = None) -> tuple[list[tuple[str, str]], list[float]]:
    """Play the guide from the env's current state until the quests are won or lost (or
    ``max_steps``); return the (actor id, command) pairs it played and each step's reward.
    The env is left at the end.

    Raises:
        Unsolvable: the solver finds no way on from some state.
    """
    played: list[tuple[str, str]] = []
    rewards: list[float] = []
    plan: list[tuple[str, str]] = []
    limit = max_steps if max_steps is not None else env.max_steps
    while len(played) < limit:
        if not plan:
            plan = list(solve(env.world, from_current=True).steps)
            if not plan:
                break
        note = unread(env, plan[0][0], played)
        if note is not None:  # reading changes nothing: the plan still holds
            played.append((plan[0][0], note))
            _, reward, terminated, truncated, _ = env.step(note, actor=plan[0][0])
            rewards.append(float(reward))
            if terminated or truncated:
                break
            continue
        actor, command = guided_step(env, plan)
        if (actor, command) == plan[0]:
            plan.pop(0)  # the rest of an optimal plan stays optimal from where it leads
        else:
            plan = []  # explored instead: plan again from wherever that leads
        played.append((actor, command))
        _, reward, terminated, truncated, _ = env.step(command, actor=actor)
        rewards.append(float(reward))
        if terminated or truncated:
            break
    return played, rewards


def unread(env: LanternEnv, actor_id: str, played: list[tuple[str, str]]) -> str | None:
    """The first ``read`` command the env offers ``actor_id`` that it has not played yet, if any."""
    if not env.read_commands:
        return None
    done = {command for who, command in played if who == actor_id}
    return next((c for c in env.admissible(actor_id) if c.startswith("read ") and c not in done), None)


def guided_game(world, env_seed: int = 0, max_steps: int | None = None,
                read_commands: bool = False) -> tuple[LanternEnv, list[tuple[str, str]], list[float]]:
    """The guide's game of ``world`` from its start: the env where it ended, the steps and rewards
    (reading each readable thing it finds when ``read_commands``)."""
    env = LanternEnv(world, max_steps=max_steps, read_commands=read_commands)
    env.reset(seed=env_seed)
    steps, rewards = guided_walkthrough(env)
    return env, steps, rewards


def guided_step(env: LanternEnv, plan: list[tuple[str, str]]) -> tuple[str, str]:
    """The guide's next (actor id, command), given an optimal plan from the current state."""
    actor_id, command = plan[0]
    if not command.startswith("go "):
        return actor_id, command  # admissible, so it acts on something in sight
    world = env.world
    actor = world.entity(actor_id).index
    journal = env.journals.get(actor)
    if journal is None:
        return actor_id, command
    room = world.state.parent[actor]
    for who, step in plan:  # the walk the plan starts with: every room on it must be known
        if who != actor_id or not step.startswith("go "):
            break
        room = world.entities[room].exits[step[3:]].to
        if room not in journal.visited:
            explore = explore_command(env, actor)
            return actor_id, explore if explore is not None else command
    return actor_id, command


def explore_command(env: LanternEnv, actor: int) -> str | None:
    """The command towards the nearest exit to a room ``actor`` has never entered (None: none
    it can reach; a locked door is no way until its key is found, a closed one in a dark room
    none until there is light to open it by)."""
    world, journal = env.world, env.journals[actor]
    flags, visited = world.state.flags, journal.visited
    start = world.state.parent[actor]
    first: dict[int, str | None] = {start: None}
    queue = deque([start])
    while queue:
        room = queue.popleft()
        exits = world.entities[room].exits
        for direction, ex in exits.items():
            if ex.to in visited:
                continue
            door = ex.door
            if door is None or flags[door] & OPEN:
                return first[room] or env.table.intern(("go", None, None, direction, ""))
            if not flags[door] & LOCKED and seen_by_light(world, room, actor):
                if room != start:
                    return first[room]
                if world.door_usable_by(door, actor):
                    return env.table.intern(("open", door, None, None, ""))
        for direction, ex in exits.items():
            if ex.to in visited and ex.to not in first and (ex.door is None or flags[ex.door] & OPEN):
                first[ex.to] = first[room] or env.table.intern(("go", None, None, direction, ""))
                queue.append(ex.to)
    return None


def seen_by_light(world, room: int, actor: int) -> bool:
    """Whether ``actor`` could see (and so work) a door in ``room``: it is lit (``is_lit``), or
    the actor carries a lit light there."""
    flags = world.state.flags
    return world.is_lit(room) or any(world.entities[t].light and flags[t] & LIT for t in world.held(actor))


def moves_left_after(env: LanternEnv, actor_id: str, candidates: list[str],
                     moves_left: Callable[[], int | None] | None = None) -> Iterator[tuple[str, int | None]]:
    """Each of ``candidates``, in order, with the moves left to win after it (``moves_left()``, by
    default the solver's ``remaining_moves``; None where the game is lost). The env is put back
    after each try."""
    left = moves_left or (lambda: remaining_moves(env.world))
    snap = env.snapshot()
    for command in candidates:
        env.step(command, actor=actor_id)
        try:
            after = left()
        finally:
            env.restore(snap)
        yield command, after


def optimal_alternatives(env: LanternEnv, actor_id: str, command: str, candidates: list[str]) -> list[str]:
    """The other commands among ``candidates`` (walking aside) that start an optimal walkthrough
    from here as well as ``command``: which of two goal things to take first is the solver's
    arbitrary tie-break, and a student taught only one of them learns that the other is wrong.
    Walking is left out: which way to go is the guide's to decide. The env is put back."""
    now = remaining_moves(env.world)
    if now is None:
        return []
    others = [c for c in candidates if c != command and not c.startswith("go ")]
    return [c for c, after in moves_left_after(env, actor_id, others) if after == now - 1]


__all__ = ["Unsolvable", "explore_command", "guided_game", "guided_step", "guided_walkthrough",
           "moves_left_after", "optimal_alternatives"]
