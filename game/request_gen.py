"""Requests generated in a world state, for training and measuring an NPC that follows them.

``generate_requests(env, npc, seed)`` lists requests the NPC could carry out from the
current state in 1 to ``MAX_PLAN`` of its own commands: each with its goal (a
``RequestGoal`` the engine checks), the shortest plan (a breadth-first search over the
NPC's commands: the solver on the request's goal), and the words, in one of three
phrasing sets:

- ``TRAIN``: ``game.phrasing``'s grammar (hundreds of forms per kind: verbs, frames,
  politeness, word order, articles), the thing's other names and adjectives, typos;
- ``HELD_OUT``: the templates below, with politeness and typos as they always were;
- ``HELD_OUT_2``: long questions and wishes in a style of their own, with typos.

Neither held-out set is ever produced for training (tests enumerate the grammar), so a
model can be measured on wordings it never saw; the second is a set nobody tuned
against. The same env state, NPC and seed give the same requests.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from game.admissible import enumerate_commands
from game.commands import CommandTable
from game import phrasing
from game.env import LanternEnv
from game.requests import RequestGoal
from game.rules import execute
from game.world import ACTOR, EATEN, ROOM, State, World

MAX_PLAN = 4  # NPC commands a generated request may need
MAX_STATES = 20_000  # breadth-first search limit (states within MAX_PLAN commands)
TRAIN, HELD_OUT, HELD_OUT_2 = "train", "held_out", "held_out_2"
TYPO_RATE = 0.15

# kind -> held-out templates ({thing}, {room}, {place}, {prep} are filled in): never produced for
# training (game/phrasing.py's grammar writes those).
HELD_OUT_TEMPLATES: dict[str, tuple[str, ...]] = {
    "go": ("make your way to the {room}", "get yourself to the {room}", "I need you in the {room}"),
    "come": ("get over here", "come and find me", "I need you here"),
    "follow": ("stick with me", "keep close to me", "tag along with me"),
    "take": ("get hold of the {thing}", "the {thing}: pick it up", "lay your hands on the {thing}"),
    "drop": ("let go of the {thing}", "leave the {thing} on the floor", "get rid of the {thing}"),
    "give": ("let me have the {thing}", "I'd like the {thing} from you", "hand the {thing} over"),
    "bring": ("the {thing} belongs in the {room}: take it there", "move the {thing} over to the {room}",
              "get the {thing} into the {room}"),
    "put": ("the {thing} goes {prep} the {place}", "leave the {thing} {prep} the {place}",
            "I want the {thing} {prep} the {place}"),
    "open": ("swing the {thing} open", "throw open the {thing}", "undo the {thing}"),
    "close": ("pull the {thing} to", "get the {thing} closed", "swing the {thing} shut"),
    "unlock": ("undo the lock on the {thing}", "get the {thing} unlocked", "turn the key in the {thing}"),
    "lock": ("secure the {thing}", "get the {thing} locked", "make sure the {thing} is locked"),
    "turn_on": ("get the {thing} lit", "fire up the {thing}", "give us some light from the {thing}"),
    "turn_off": ("douse the {thing}", "snuff the {thing}", "kill the {thing}"),
    "eat": ("tuck into the {thing}", "have a bite of the {thing}", "finish off the {thing}"),
}
# A second held-out set in another style (long questions and wishes), written apart from both the
# grammar and the first set, for measuring on words nobody tuned against. Taken as they are.
HELD_OUT_2_TEMPLATES: dict[str, tuple[str, ...]] = {
    "go": ("would you mind heading over to the {room}?", "do you think you could find your way to the {room}?",
           "it would really help me if you went along to the {room}"),
    "come": ("would you mind coming over to where I am?", "do you think you could come back over this way?",
             "it would really help me if you came and stood next to me"),
    "follow": ("would you mind following me around for a while?", "do you think you could stay by my side as I go?",
               "it would really help me if you came along wherever I go"),
    "take": ("would you mind picking up the {thing}?", "do you think you could get your hands on the {thing}?",
             "it would really help me if you were carrying the {thing}"),
    "drop": ("would you mind putting the {thing} down somewhere?", "do you think you could stop carrying the {thing}?",
             "it would really help me if you set the {thing} aside on the floor"),
    "give": ("would you mind handing the {thing} over to me?", "do you think you could pass the {thing} across to me?",
             "it would really help me if I had the {thing} in my hands"),
    "bring": ("would you mind carrying the {thing} along to the {room}?",
              "do you think you could see that the {thing} ends up in the {room}?",
              "it would really help me if the {thing} were in the {room}"),
    "put": ("would you mind putting the {thing} {prep} the {place}?",
            "do you think you could find a spot for the {thing} {prep} the {place}?",
            "it would really help me if the {thing} were {prep} the {place}"),
    "open": ("would you mind opening the {thing}?", "do you think you could get the {thing} opened up?",
             "it would really help me if the {thing} were open"),
    "close": ("would you mind closing the {thing}?", "do you think you could shut the {thing} behind you?",
              "it would really help me if the {thing} were shut"),
    "unlock": ("would you mind unlocking the {thing}?", "do you think you could open up the lock of the {thing}?",
               "it would really help me if the {thing} weren't locked any more"),
    "lock": ("would you mind locking the {thing}?", "do you think you could lock the {thing} up tight?",
             "it would really help me if the {thing} were locked"),
    "turn_on": ("would you mind switching the {thing} on?", "do you think you could get the {thing} burning?",
                "it would really help me if the {thing} were lit"),
    "turn_off": ("would you mind switching the {thing} off?", "do you think you could put the {thing} out for me?",
                 "it would really help me if the {thing} weren't lit any more"),
    "eat": ("would you mind eating the {thing}?", "do you think you could polish off the {thing}?",
            "it would really help me if you ate the {thing}"),
}
HELD_OUT_SETS = {HELD_OUT: HELD_OUT_TEMPLATES, HELD_OUT_2: HELD_OUT_2_TEMPLATES}
SPLITS = (TRAIN, HELD_OUT, HELD_OUT_2)
GENERATED_KINDS = tuple(HELD_OUT_TEMPLATES)
PREFIXES = ("", "", "", "please ", "could you ", "can you ", "would you ", "kindly ", "now, ", "quick, ")
SENTENCE_STARTS = frozenset({"I", "I'd", "the", "{thing}"})
SUFFIXES = ("", "", "", " please", " now", " thanks", ", quickly", " for me")


@dataclass(frozen=True, slots=True)
class GeneratedRequest:
    """A request with its goal, the words it is said in, and the shortest plan.

    Attributes:
        kind: the request kind (one of ``GENERATED_KINDS``).
        goal: the goal the engine checks.
        words: the request as the player would type it after 'tell Ada to'.
        template: the template the words came from.
        split: one of ``SPLITS``: which phrasing set it came from.
        plan: the NPC's shortest commands that meet the goal (1 to MAX_PLAN).
    """

    kind: str
    goal: RequestGoal
    words: str
    template: str
    split: str
    plan: tuple[str, ...]


def generate_requests(env: LanternEnv, npc: str, seed: int, *, split: str = TRAIN,
                      per_kind: int = 1, by: str | None = None) -> list[GeneratedRequest]:
    """Up to ``per_kind`` requests of each kind doable from the env's current state.

    Args:
        env: the environment (its state is searched, not changed).
        npc: id of the actor asked.
        seed: fixes which goals (the same for both splits) and words are chosen.
        split: one of ``SPLITS``: the phrasing set the words come from.
        per_kind: requests of each kind at most (fewer when fewer goals are doable).
        by: id of the actor asking (default: the player).
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, got {split!r}")
    world = env.world
    a, asker = world.entity(npc).index, world.entity(by).index if by else world.player
    # Goals drawn alike for every split (so each is measured in all), words per split.
    pick, rng = random.Random(f"requests:{seed}"), random.Random(f"requests:{seed}:{split}")
    reached = _reachable(world, a)
    out = []
    for kind in GENERATED_KINDS:
        goals = _candidates(world, kind, a, asker)
        pick.shuffle(goals)
        found = 0
        for goal in goals:
            plan = _shortest(world, reached, goal)
            if plan:
                words, template = phrase(world, goal, rng, split)
                out.append(GeneratedRequest(kind, goal, words, template, split, plan))
                found += 1
                if found == per_kind:
                    break
    return out


# -- goals and plans ---------------------------------------------------------------------------


def _candidates(world: World, kind: str, npc: int, by: int) -> list[RequestGoal]:
    """Every goal of ``kind`` worth asking for now (not yet met; plans decide the rest)."""
    ents, state = world.entities, world.state
    by_room = state.parent[by]
    things = [i for i in world.items if state.parent[i] != EATEN]
    portable = [i for i in things if ents[i].portable]
    holders = [i for i in things if ents[i].container or ents[i].supporter]
    lockable = [e for e in world.items + world.doors if ents[e].key is not None]
    openable = [e for e in world.items + world.doors if ents[e].openable]
    if kind == "go":
        goals = [RequestGoal("go", npc, place=r) for r in world.rooms]
    elif kind in ("come", "follow"):
        goals = [RequestGoal(kind, npc, place=by_room if kind == "come" else by)]
    elif kind == "take":
        goals = [RequestGoal("take", npc, i) for i in portable]
    elif kind == "drop":
        goals = [RequestGoal("drop", npc, i) for i in portable]
    elif kind == "give":
        goals = [RequestGoal("give", npc, i, by) for i in portable]
    elif kind == "bring":
        goals = [RequestGoal("bring", npc, i, r) for i in portable for r in world.rooms]
    elif kind == "put":
        goals = [RequestGoal("put", npc, i, h) for i in portable for h in holders if h != i]
    elif kind in ("open", "close"):
        goals = [RequestGoal(kind, npc, e) for e in openable]
    elif kind in ("lock", "unlock"):
        goals = [RequestGoal(kind, npc, e) for e in lockable]
    elif kind in ("turn_on", "turn_off"):
        goals = [RequestGoal(kind, npc, i) for i in world.lights]
    else:
        goals = [RequestGoal("eat", npc, i) for i in things if ents[i].food]
    return [g for g in goals if not g.met(world)]


@dataclass(slots=True)
class _Reached:
    """States within MAX_PLAN NPC commands, breadth first, with the way to each."""

    states: list[State]
    parents: list[int]  # index of the state it came from (-1 for the start)
    commands: list[str]


def _reachable(world: World, npc: int) -> _Reached:
    """Breadth-first search over the NPC's admissible commands from the current state."""
    table = CommandTable(world)
    start = world.state
    reached = _Reached([start.copy()], [-1], [""])
    seen = {start.key()}
    depth = {0: 0}
    queue = deque([0])
    try:
        while queue and len(reached.states) < MAX_STATES:
            i = queue.popleft()
            if depth[i] == MAX_PLAN:
                continue
            world.set_state(reached.states[i])
            for cmd in enumerate_commands(world, npc):
                world.set_state(reached.states[i].copy())
                execute(world, npc, cmd)
                key = world.state.key()
                if key in seen:
                    continue
                seen.add(key)
                depth[len(reached.states)] = depth[i] + 1
                queue.append(len(reached.states))
                reached.states.append(world.state)
                reached.parents.append(i)
                reached.commands.append(table.text(cmd))
    finally:
        world.set_state(start)
    return reached


def _shortest(world: World, reached: _Reached, goal: RequestGoal) -> tuple[str, ...]:
    """The shortest plan meeting ``goal`` among the reached states (empty: none found)."""
    start = world.state
    try:
        for i, state in enumerate(reached.states):
            world.set_state(state)
            if goal.met(world):
                plan = []
                while i > 0:
                    plan.append(reached.commands[i])
                    i = reached.parents[i]
                return tuple(reversed(plan))
    finally:
        world.set_state(start)
    return ()


def plan_for(env: LanternEnv, npc: str, goal: RequestGoal) -> tuple[str, ...]:
    """The NPC's shortest plan (up to MAX_PLAN commands) for ``goal`` from the current state."""
    world = env.world
    return _shortest(world, _reachable(world, world.entity(npc).index), goal)


# -- words -------------------------------------------------------------------------------------


def phrase(world: World, goal: RequestGoal, rng: random.Random, split: str) -> tuple[str, str]:
    """Words for a goal from the split's phrasings: (words, template)."""
    if split == TRAIN:
        template = phrasing.sample(goal.kind, rng)
        words = template.format(**_fill(world, goal, rng, _train_name))
    elif split == HELD_OUT:
        template = rng.choice(HELD_OUT_TEMPLATES[goal.kind])
        fill = _fill(world, goal, rng, _name)
        # A template that is a sentence of its own ('I need you here') takes no 'could you'.
        prefix = rng.choice(PREFIXES) if template.split()[0] not in SENTENCE_STARTS else ""
        suffix = rng.choice(SUFFIXES) if not template.endswith("please") else ""
        words = prefix + template.format(**fill) + suffix
    else:
        template = rng.choice(HELD_OUT_2_TEMPLATES[goal.kind])
        words = template.format(**_fill(world, goal, rng, _name))
    if rng.random() < TYPO_RATE:
        words = _typo(words, rng)
    if rng.random() < 0.3:
        words = words[:1].upper() + words[1:]
    return words, template


def _fill(world: World, goal: RequestGoal, rng: random.Random,
          name: Callable[[World, int, random.Random], str]) -> dict[str, str]:
    """The words for a template's slots: the thing, the room or the place and its preposition."""
    ents = world.entities
    fill = {}
    if goal.subject is not None:
        fill["thing"] = name(world, goal.subject, rng)
    if goal.place is not None and ents[goal.place].kind == ROOM:
        fill["room"] = name(world, goal.place, rng)
    elif goal.place is not None and ents[goal.place].kind != ACTOR:
        fill["place"] = name(world, goal.place, rng)
        fill["prep"] = "on" if ents[goal.place].supporter else rng.choice(("in", "into"))
    return fill


def _names(world: World, e: int) -> list[str]:
    """The entity's name and the other words for it that name nothing else (lower case)."""
    ent = world.entities[e]
    options = [ent.name.lower()]
    for word in (*ent.synonyms, ent.name.split()[-1].lower()):
        if word not in options and sum(word in other.words for other in world.entities) == 1:
            options.append(word)
    return options


def _name(world: World, e: int, rng: random.Random) -> str:
    """The entity's name, or another word for it that names nothing else."""
    return rng.choice(_names(world, e))


def _train_name(world: World, e: int, rng: random.Random) -> str:
    """As ``_name``, or one of its adjectives before its last word ('rusty key') where that
    names it alone."""
    options = _names(world, e)
    ent = world.entities[e]
    noun = ent.name.split()[-1].lower()
    for adj in ent.adjectives:
        words = f"{adj.lower()} {noun}"
        if words not in options and sum({adj.lower(), noun} <= other.words for other in world.entities) == 1:
            options.append(words)
    return rng.choice(options)


def _typo(words: str, rng: random.Random) -> str:
    """One slip of the keyboard in a word of four letters or more."""
    spots = [i for i, w in enumerate(words.split(" ")) if len(w) >= 4 and w.isalpha()]
    if not spots:
        return words
    parts = words.split(" ")
    i = rng.choice(spots)
    w, j = parts[i], rng.randrange(1, len(parts[i]) - 1)
    parts[i] = rng.choice((w[:j] + w[j + 1] + w[j] + w[j + 2:], w[:j] + w[j + 1:], w[:j] + w[j] + w[j:]))
    return " ".join(parts)
