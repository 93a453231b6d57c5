"""Optimal walkthroughs: the fewest commands that win a world's quests.

A* over world states with an admissible heuristic (each command changes one
attribute of one entity, so it can achieve at most one distinct goal: the number
of unmet goals never overestimates). Commands that provably never shorten a
walkthrough are pruned (see ``_Relevance``): touching things no goal, lock or
light depends on, and undoing moves (closing, switching off, dropping) that no goal
asks for. The result is optimal for the game's rules, where actors carry any number
of things.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from game import quests
from game.admissible import enumerate_commands
from game.commands import Command, CommandTable
from game.rules import execute
from game.world import ACTOR, ROOM, World

DEFAULT_MAX_NODES = 2_000_000


@dataclass(frozen=True, slots=True)
class Solution:
    """An optimal walkthrough: (actor id, canonical command) pairs, and its score."""

    steps: tuple[tuple[str, str], ...]
    score: int
    max_score: int
    nodes: int

    @property
    def commands(self) -> list[str]:
        return [cmd for _, cmd in self.steps]

    def __len__(self) -> int:
        return len(self.steps)


class Unsolvable(Exception):
    """No walkthrough exists (``exhausted``) or none was found within the node limit."""

    def __init__(self, message: str, nodes: int, exhausted: bool) -> None:
        super().__init__(message)
        self.nodes = nodes
        self.exhausted = exhausted


class _Relevance:
    """Which entities and commands can matter for a set of quests."""

    def __init__(self, world: World, quest_ids: list[int], multi_actor: bool) -> None:
        ents = world.entities
        goals = [g for qi in quest_ids for g in world.quests[qi].goals]
        self.goal_in = {(g.subject, g.place) for g in goals if g.type == "in"}
        self.floor_goal = {g.subject for g in goals if g.type == "in" and ents[g.place].kind == ROOM}
        self.want = {(g.type, g.subject) for g in goals}
        relevant = {g.subject for g in goals} | {g.place for g in goals if g.place is not None}
        relevant |= {e.key for e in ents if e.key is not None}
        if world.has_dark_rooms:
            relevant |= set(world.lights)
        # Things filling a goal container with a capacity may have to be taken out.
        for place in [g.place for g in goals if g.type == "in" and g.place is not None]:
            if ents[place].capacity is not None:
                relevant |= set(world.contents(place))
        # Containers holding relevant things must be opened (transitively).
        changed = True
        while changed:
            changed = False
            for e in list(relevant):
                p = world.state.parent[e]
                if p >= 0 and ents[p].kind not in (ROOM, ACTOR) and p not in relevant:
                    relevant.add(p)
                    changed = True
        self.relevant = relevant
        self.multi_actor = multi_actor
        verbs = {"closed": "close", "locked": "lock", "eaten": "eat", "lit": "turn_on", "open": "open"}
        self.wanted = {(verbs[t], s) for t, s in self.want if t in verbs}

    def useful(self, world: World, cmd: Command) -> bool:
        v = cmd.verb
        if v == "go":
            return True
        ent = world.entities[cmd.obj]
        if ent.kind == "door":
            return v in ("open", "unlock") or (v, cmd.obj) in self.wanted
        if cmd.obj not in self.relevant:
            return False
        if v in ("take", "unlock"):
            return True
        if v == "open":
            return True
        if v == "drop":
            return self.multi_actor or cmd.obj in self.floor_goal
        if v in ("put_in", "put_on"):
            return (cmd.obj, cmd.obj2) in self.goal_in or self.multi_actor
        if v == "give":
            return (cmd.obj, cmd.obj2) in self.goal_in or self.multi_actor
        if v == "turn_on":
            return True
        return (v, cmd.obj) in self.wanted


def solve(world: World, actors: list[str] | None = None, *, max_nodes: int = DEFAULT_MAX_NODES) -> Solution:
    """Find the shortest walkthrough that wins every quest of the given actors.

    Args:
        world: the world; searched from its initial state (its current state is
            restored afterwards).
        actors: ids of the actors whose commands the walkthrough may use; by
            default the player and everyone sharing a quest with the player.
        max_nodes: give up (raise Unsolvable) after expanding this many states.

    Raises:
        Unsolvable: no walkthrough exists, or none was found within max_nodes.
    """
    actor_idx = _actors(world, actors)
    quest_ids = sorted({qi for a in actor_idx for qi in quests.quests_of(world, a)})
    if not quest_ids:
        raise Unsolvable("no quest to solve: the world gives these actors no goals", 0, True)
    saved = world.state
    try:
        world.reset()
        quests.update(world)
        return _astar(world, actor_idx, quest_ids, max_nodes)
    finally:
        world.set_state(saved)


def _actors(world: World, actors: list[str] | None) -> list[int]:
    if actors is None:
        mates = {a for q in world.quests if world.player in q.actors for a in q.actors}
        return sorted(mates | {world.player})
    return [world.entity(a).index for a in actors]


def _astar(world: World, actor_idx: list[int], quest_ids: list[int], max_nodes: int) -> Solution:
    relevance = _Relevance(world, quest_ids, multi_actor=len(actor_idx) > 1)
    goals = {qi: world.quests[qi].goals for qi in quest_ids}

    def unmet(state) -> int:
        distinct = set()
        for qi in quest_ids:
            mask = state.achieved[qi]
            for gi, g in enumerate(goals[qi]):
                if not mask >> gi & 1:
                    distinct.add((g.type, g.subject, g.place))
        return len(distinct)

    def won(state) -> bool:
        return all(state.achieved[qi] == world.quests[qi].all_mask for qi in quest_ids)

    def lost(state) -> bool:
        return any(state.lost[qi] for qi in quest_ids)

    start = world.state.copy()
    parents: dict[object, tuple[object, int, Command] | None] = {start.key(): None}
    frontier = [(unmet(start), 0, 0, start)]
    counter = 1
    nodes = 0
    while frontier:
        _, g, _, state = heapq.heappop(frontier)
        if won(state):
            return _walkthrough(world, parents, state, nodes, quest_ids)
        nodes += 1
        if nodes > max_nodes:
            raise Unsolvable(f"no walkthrough found within {max_nodes} states "
                             f"(searched to depth {g})", nodes, False)
        for a in actor_idx:
            world.set_state(state)
            for cmd in enumerate_commands(world, a):
                if not relevance.useful(world, cmd):
                    continue
                child = state.copy()
                world.set_state(child)
                if not execute(world, a, cmd).ok:
                    continue
                quests.update(world)
                key = child.key()
                if key in parents or lost(child):
                    continue
                parents[key] = (state.key(), a, cmd)
                counter += 1
                heapq.heappush(frontier, (g + 1 + unmet(child), g + 1, counter, child))
            world.set_state(state)
    raise Unsolvable(f"the quests cannot be won (all {nodes} reachable states searched)", nodes, True)


def _walkthrough(world: World, parents: dict, state, nodes: int, quest_ids: list[int]) -> Solution:
    table = CommandTable(world)
    steps = []
    key = state.key()
    while parents[key] is not None:
        key, actor, cmd = parents[key]
        steps.append((world.entities[actor].id, table.text(cmd)))
    steps.reverse()
    world.set_state(state)
    score = sum(quests.score(world, qi) for qi in quest_ids)
    max_score = sum(world.quests[qi].max_score for qi in quest_ids)
    return Solution(tuple(steps), score, max_score, nodes)
