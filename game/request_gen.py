"""Requests generated in a world state, for training and measuring an NPC that follows them.

``generate_requests(env, npc, seed)`` lists requests the NPC could carry out from the
current state in 1 to ``MAX_PLAN`` of its own commands: each with its goal (a
``RequestGoal`` the engine checks), the shortest plan (a breadth-first search over the
NPC's commands: the solver on the request's goal), and the words, drawn from many
phrasings: templates, the thing's other names, politeness, word order and typos.

Templates are split once, in this file, into training phrasings and held-out ones: a
held-out template is never produced for the training split, so a model can be
measured on wordings it never saw. The same env state, NPC and seed give the same
requests.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass

from game.admissible import enumerate_commands
from game.commands import CommandTable
from game.env import LanternEnv
from game.requests import RequestGoal
from game.rules import execute
from game.world import ACTOR, EATEN, ROOM, State, World

MAX_PLAN = 4  # NPC commands a generated request may need
MAX_STATES = 20_000  # breadth-first search limit (states within MAX_PLAN commands)
TRAIN, HELD_OUT = "train", "held_out"
TYPO_RATE = 0.15

# kind -> (training templates, held-out templates). {thing}, {room}, {place}, {prep} are filled in.
TEMPLATES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "go": (("go to the {room}", "head to the {room}", "walk to the {room}", "go over to the {room}",
            "move to the {room}", "run to the {room}", "head for the {room}", "the {room}, go there"),
           ("make your way to the {room}", "get yourself to the {room}", "I need you in the {room}")),
    "come": (("come here", "come to me", "come over here", "join me", "come back to me"),
             ("get over here", "come and find me", "I need you here")),
    "follow": (("follow me", "come with me", "stay with me", "follow along"),
               ("stick with me", "keep close to me", "tag along with me")),
    "take": (("take the {thing}", "pick up the {thing}", "grab the {thing}", "get the {thing}",
              "collect the {thing}", "pick the {thing} up"),
             ("get hold of the {thing}", "the {thing}: pick it up", "lay your hands on the {thing}")),
    "drop": (("drop the {thing}", "put down the {thing}", "put the {thing} down", "set down the {thing}",
              "drop the {thing} on the floor"),
             ("let go of the {thing}", "leave the {thing} on the floor", "get rid of the {thing}")),
    "give": (("give me the {thing}", "give the {thing} to me", "hand me the {thing}", "pass me the {thing}",
              "bring me the {thing}", "fetch me the {thing}"),
             ("let me have the {thing}", "I'd like the {thing} from you", "hand the {thing} over")),
    "bring": (("bring the {thing} to the {room}", "take the {thing} to the {room}",
               "carry the {thing} to the {room}", "fetch the {thing} to the {room}",
               "the {thing} to the {room}, please"),
              ("the {thing} belongs in the {room}: take it there", "move the {thing} over to the {room}",
               "get the {thing} into the {room}")),
    "put": (("put the {thing} {prep} the {place}", "place the {thing} {prep} the {place}",
             "set the {thing} {prep} the {place}", "stow the {thing} {prep} the {place}"),
            ("the {thing} goes {prep} the {place}", "leave the {thing} {prep} the {place}",
             "I want the {thing} {prep} the {place}")),
    "open": (("open the {thing}", "get the {thing} open", "pull the {thing} open", "open up the {thing}"),
             ("swing the {thing} open", "throw open the {thing}", "undo the {thing}")),
    "close": (("close the {thing}", "shut the {thing}", "close up the {thing}", "push the {thing} shut"),
              ("pull the {thing} to", "get the {thing} closed", "swing the {thing} shut")),
    "unlock": (("unlock the {thing}", "unlock the {thing} with its key", "use the key to unlock the {thing}"),
               ("undo the lock on the {thing}", "get the {thing} unlocked", "turn the key in the {thing}")),
    "lock": (("lock the {thing}", "lock up the {thing}", "lock the {thing} with its key"),
             ("secure the {thing}", "get the {thing} locked", "make sure the {thing} is locked")),
    "turn_on": (("turn on the {thing}", "switch on the {thing}", "light the {thing}", "turn the {thing} on"),
                ("get the {thing} lit", "fire up the {thing}", "give us some light from the {thing}")),
    "turn_off": (("turn off the {thing}", "switch off the {thing}", "put out the {thing}",
                  "turn the {thing} off"),
                 ("douse the {thing}", "snuff the {thing}", "kill the {thing}")),
    "eat": (("eat the {thing}", "have the {thing}", "munch the {thing}", "eat up the {thing}"),
            ("tuck into the {thing}", "have a bite of the {thing}", "finish off the {thing}")),
}
GENERATED_KINDS = tuple(TEMPLATES)
PREFIXES = ("", "", "", "please ", "could you ", "can you ", "would you ", "kindly ", "now, ", "quick, ")
SENTENCE_STARTS = frozenset({"I", "I'd", "the", "{thing}"})
SUFFIXES = ("", "", "", " please", " now", " thanks", ", quickly", " for me")


@dataclass(frozen=True, slots=True)
class GeneratedRequest:
    """A request with its goal, the words it is said in, and the shortest plan.

    Attributes:
        kind: the request kind (a key of ``TEMPLATES``).
        goal: the goal the engine checks.
        words: the request as the player would type it after 'tell Ada to'.
        template: the template the words came from.
        split: ``TRAIN`` or ``HELD_OUT``: which template set it came from.
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
        split: ``TRAIN`` or ``HELD_OUT``: the template set the words come from.
        per_kind: requests of each kind at most (fewer when fewer goals are doable).
        by: id of the actor asking (default: the player).
    """
    if split not in (TRAIN, HELD_OUT):
        raise ValueError(f"split must be {TRAIN!r} or {HELD_OUT!r}, got {split!r}")
    world = env.world
    a, asker = world.entity(npc).index, world.entity(by).index if by else world.player
    # Goals drawn alike for both splits (so each is measured in both), words per split.
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
    """Words for a goal from the split's templates: (words, template)."""
    train, held = TEMPLATES[goal.kind]
    template = rng.choice(train if split == TRAIN else held)
    ents = world.entities
    fill = {}
    if goal.subject is not None:
        fill["thing"] = _name(world, goal.subject, rng)
    if goal.place is not None and ents[goal.place].kind == ROOM:
        fill["room"] = _name(world, goal.place, rng)
    elif goal.place is not None and ents[goal.place].kind != ACTOR:
        fill["place"] = _name(world, goal.place, rng)
        fill["prep"] = "on" if ents[goal.place].supporter else rng.choice(("in", "into"))
    # A template that is a sentence of its own ('I need you here') takes no 'could you'.
    prefix = rng.choice(PREFIXES) if template.split()[0] not in SENTENCE_STARTS else ""
    suffix = rng.choice(SUFFIXES) if not template.endswith("please") else ""
    words = prefix + template.format(**fill) + suffix
    if rng.random() < TYPO_RATE:
        words = _typo(words, rng)
    if rng.random() < 0.3:
        words = words[:1].upper() + words[1:]
    return words, template


def _name(world: World, e: int, rng: random.Random) -> str:
    """The entity's name, or another word for it that names nothing else (lower case)."""
    ent = world.entities[e]
    options = [ent.name.lower()]
    for word in (*ent.synonyms, ent.name.split()[-1].lower()):
        if word not in options and sum(word in other.words for other in world.entities) == 1:
            options.append(word)
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
