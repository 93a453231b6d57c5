"""Quests: goals over the world state, score, win and lose.

A goal is a condition on the state worth some points. Its points are held only
while the goal holds: undoing a met goal (taking the apple back out of the basket,
unlocking the bureau again) takes its points back, so "leave it locked at the end"
can be written and an actor gains nothing by undoing finished work. A goal that
cannot be undone (``eaten``) simply stays held, and so does a goal marked ``once``
(met once is enough: a step on the way, such as "unlock the door" before "open it").
A quest is won when all its goals hold, or have held if ``once``, at the same moment
(checked after every step), and lost as soon as one of its lose conditions holds (a
loss is final).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from game.narration import the
from game.world import EATEN, LIT, LOCKED, OPEN, SLOT_SHIFT, WORN, World

GOAL_TYPES = {
    "in": ("item", "place"),      # item directly in/on a place (room floor, container, supporter, actor)
    "at": ("actor", "room"),      # actor stands in room
    "open": ("thing",),           # door or container is open
    "closed": ("thing",),         # door or container is closed
    "locked": ("thing",),         # door or container is locked
    "unlocked": ("thing",),       # door or container with a lock is shut but not locked
    "eaten": ("item",),           # food has been eaten
    "lit": ("item",),             # light source is switched on
    "worn": ("item",),            # wearable is worn (by whoever carries it)
    "set": ("item", "value"),     # dial is set to value (one of its values)
}


@dataclass(frozen=True, slots=True)
class Goal:
    """One condition: ``type`` over ``subject`` (and ``place`` for in/at; ``value`` for set:
    the index of the value among the dial's values). A ``once`` goal keeps its points from
    the first moment it holds."""

    type: str
    subject: int
    place: int | None = None
    points: int = 1
    text: str = ""
    value: int = 0
    once: bool = False

    def met(self, world: World) -> bool:
        state = world.state
        t = self.type
        if t == "in" or t == "at":
            return state.parent[self.subject] == self.place
        if t == "open":
            return bool(state.flags[self.subject] & OPEN)
        if t == "closed":
            return not state.flags[self.subject] & OPEN
        if t == "locked":
            return bool(state.flags[self.subject] & LOCKED)
        if t == "unlocked":
            return not state.flags[self.subject] & (OPEN | LOCKED)
        if t == "eaten":
            return state.parent[self.subject] == EATEN
        if t == "lit":
            return bool(state.flags[self.subject] & LIT)
        if t == "worn":
            return bool(state.flags[self.subject] & WORN)
        if t == "set":
            return state.flags[self.subject] >> SLOT_SHIFT == self.value
        raise ValueError(f"unknown goal type {t!r}")


@dataclass(frozen=True, slots=True)
class Quest:
    """Goals (and lose conditions) shared by one or more actors."""

    id: str
    actors: tuple[int, ...]
    goals: tuple[Goal, ...]
    lose: tuple[Goal, ...] = ()
    description: str = ""

    points: tuple[int, ...] = field(init=False)  # each goal's points, in order
    max_score: int = field(init=False)
    all_mask: int = field(init=False)  # the met-goals mask of a won quest
    once_mask: int = field(init=False)  # the goals that stay met once met

    def __post_init__(self) -> None:
        object.__setattr__(self, "points", tuple(g.points for g in self.goals))
        object.__setattr__(self, "max_score", sum(g.points for g in self.goals))
        object.__setattr__(self, "all_mask", (1 << len(self.goals)) - 1)
        object.__setattr__(self, "once_mask", sum(1 << i for i, g in enumerate(self.goals) if g.once))


def describe_goal(world: World, goal: Goal) -> str:
    """Plain-English text for a goal, used when the world file gives none."""
    if goal.text:
        return goal.text
    subject = the(world, goal.subject)
    t = goal.type
    if t == "in":
        place = world.entities[goal.place]
        if place.kind == "room":
            return f"Leave {subject} in the {place.name}."
        if place.kind == "actor":
            return f"Give {subject} to {place.name}."
        prep = "on" if place.supporter else "in"
        return f"Put {subject} {prep} {the(world, goal.place)}."
    if t == "at":
        return f"{world.entities[goal.subject].name} must reach the {world.entities[goal.place].name}."
    if t == "eaten":
        return f"Eat {subject}."
    if t == "lit":
        return f"Light {subject}."
    if t == "worn":
        return f"Wear {subject}."
    if t == "set":
        return f"Set {subject} to {world.entities[goal.subject].dial[goal.value]}."
    verb = {"open": "Open", "closed": "Close", "locked": "Lock", "unlocked": "Unlock"}[t]
    return f"{verb} {subject}."


def update(world: World) -> list[int]:
    """Record which goals hold now (or, if ``once``, have held) and any lose condition met;
    return each quest's change of score (negative when goals were undone)."""
    state = world.state
    change = [0] * len(world.quests)
    for qi, quest in enumerate(world.quests):
        mask = 0
        for gi, goal in enumerate(quest.goals):
            if goal.met(world):
                mask |= 1 << gi
        before = state.met[qi]
        mask |= before & quest.once_mask
        if mask != before:
            change[qi] = points_of(quest.points, mask) - points_of(quest.points, before)
            state.met[qi] = mask
        if not state.lost[qi]:
            for cond in quest.lose:
                if cond.met(world):
                    state.lost[qi] = True
                    break
    return change


def score(world: World, qi: int) -> int:
    """The points of quest ``qi``'s goals that hold now."""
    quest = world.quests[qi]
    return points_of(quest.points, world.state.met[qi])


@lru_cache(maxsize=4096)
def points_of(points: tuple[int, ...], mask: int) -> int:
    return sum(p for i, p in enumerate(points) if mask >> i & 1)


def is_won(world: World, qi: int) -> bool:
    """Do all of quest ``qi``'s goals hold now (and has it not been lost)?"""
    return world.state.met[qi] == world.quests[qi].all_mask and not world.state.lost[qi]


def ends_now(world: World, qi: int) -> bool:
    """Would quest ``qi`` be won or lost if scored now? (Reads the state; records nothing, so a
    line of several commands can stop as soon as one ends the game.)"""
    quest = world.quests[qi]
    held = world.state.met[qi] & quest.once_mask
    return world.state.lost[qi] or all(held >> gi & 1 or g.met(world) for gi, g in enumerate(quest.goals)) \
        or any(c.met(world) for c in quest.lose)


def quests_of(world: World, actor: int) -> list[int]:
    """Indices of the quests an actor takes part in."""
    return [qi for qi, q in enumerate(world.quests) if actor in q.actors]


def goal_text(world: World, actor: int) -> str:
    """The actor's goals as one text: quest descriptions, then unmet goals."""
    parts = []
    for qi in quests_of(world, actor):
        quest = world.quests[qi]
        if quest.description:
            parts.append(quest.description)
        else:
            parts.append(" ".join(describe_goal(world, g) for g in quest.goals))
    return " ".join(parts) if parts else "Explore."


def pending(world: World, actor: int) -> list[Goal]:
    """The actor's goals that do not hold now, in quest order."""
    out = []
    for qi in quests_of(world, actor):
        mask = world.state.met[qi]
        out.extend(g for gi, g in enumerate(world.quests[qi].goals) if not mask >> gi & 1)
    return out


def pending_goals(world: World, actor: int) -> list[str]:
    """Texts of the actor's goals that do not hold now (for displays)."""
    return [describe_goal(world, g) for g in pending(world, actor)]
