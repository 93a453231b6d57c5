"""Requests to an NPC: the player's words, the goal the engine understood, and its life.

``tell Ada to go to the kitchen`` (or ``Ada, ...`` / ``ask Ada to ...``) gives Ada a
``Request``: the words as typed (her prompt reads them) and, when the small grammar
below understands them, a ``RequestGoal`` the engine can check. The environment keeps
one request per NPC and moves it through its life:

- pending: given, not yet met (standing orders, 'follow me' and 'wait here', stay
  pending until cancelled or replaced);
- done: its goal holds (checked after every step; a met request clears);
- impossible: the world, or what the NPC holds and has seen, rules it out, with the
  reason she gives;
- cancelled: 'stop' / 'never mind';
- replaced: a new request came while this one was pending.

Deciding impossibility is conservative: only what is fixed (a table cannot be
carried), already final (the apple is eaten) or a locked thing whose key the NPC
neither holds nor has seen.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from game.journal import Journal
from game.lexicon import (ARTICLES, COME_PHRASES, DIRECTION_WORDS, FOLLOW_PHRASES, PUNCTUATION, STOP_PHRASES,
                          WAIT_PHRASES, tokens_of)
from game.parser import Parser
from game.quests import Goal
from game.world import ACTOR, DOOR, EATEN, ITEM, LIT, LOCKED, ROOM, World

PENDING, DONE, IMPOSSIBLE, CANCELLED, REPLACED = "pending", "done", "impossible", "cancelled", "replaced"
STATES = (PENDING, DONE, IMPOSSIBLE, CANCELLED, REPLACED)

# Request kinds; 'stop' cancels and is never kept as a request of its own.
KINDS = ("go", "come", "follow", "wait", "stop", "take", "drop", "give", "bring", "put",
         "open", "close", "unlock", "lock", "turn_on", "turn_off", "eat")
STANDING = frozenset({"follow", "wait"})  # orders that hold until cancelled, never 'done'

# Words around a request that carry no meaning for the goal ('could you please ... now?').
POLITE_HEADS = (("i", "need", "you", "to"), ("i", "want", "you", "to"), ("i", "d", "like", "you", "to"),
                ("could", "you"), ("can", "you"), ("would", "you"), ("will", "you"), ("please",),
                ("kindly",), ("now",), ("just",), ("go", "and"), ("and",))
POLITE_TAILS = (("please",), ("now",), ("thanks",), ("thank", "you"), ("for", "me"), ("quickly",),
                ("right", "away"), ("if", "you", "can"), ("if", "you", "would"))
BRING_VERBS = {("bring",), ("fetch",), ("get", "me"), ("fetch", "me"), ("bring", "me")}
ME_WORDS = frozenset({"me", "here", "us"})
PLACE_PREPS = {"in": "in", "into": "in", "inside": "in", "on": "on", "onto": "on", "upon": "on"}


@dataclass(frozen=True, slots=True)
class RequestGoal:
    """What a request asks for, as a condition on the world.

    Attributes:
        kind: one of ``KINDS``: give is to an actor ('bring me the key' too), bring to a
            room, put into or onto a thing.
        npc: the actor asked.
        subject: the thing acted on (None for go/come/follow/wait).
        place: the room (go, come, wait, bring to a room), holder (put, bring into),
            actor (give, bring to someone, follow) the request names, if any.
    """

    kind: str
    npc: int
    subject: int | None = None
    place: int | None = None

    def met(self, world: World) -> bool:
        """Does the world satisfy the request now?"""
        state, k = world.state, self.kind
        if k == "follow":
            return state.parent[self.npc] == state.parent[self.place]
        if k == "drop":
            holder = state.parent[self.subject]
            return holder >= 0 and world.entities[holder].kind == ROOM
        if k == "unlock":
            return not state.flags[self.subject] & LOCKED
        if k == "turn_off":
            return not state.flags[self.subject] & LIT
        return self.as_goal().met(world)

    def as_goal(self) -> Goal:
        """The quest goal with the same condition (kinds a quest can state)."""
        k = self.kind
        if k in ("go", "come", "wait"):
            return Goal("at", self.npc, self.place)
        if k == "take":
            return Goal("in", self.subject, self.npc)
        if k in ("give", "bring", "put"):
            return Goal("in", self.subject, self.place)
        simple = {"open": "open", "close": "closed", "lock": "locked", "eat": "eaten", "turn_on": "lit"}
        if k in simple:
            return Goal(simple[k], self.subject)
        raise ValueError(f"a {k!r} request has no quest goal")


@dataclass(frozen=True, slots=True)
class Request:
    """A request to an NPC: the words as typed, the goal understood (or None), its state.

    Attributes:
        words: the words as typed (what follows 'tell Ada to').
        goal: the checkable goal, or None when the engine did not understand the words.
        by: the actor who asked.
        state: one of ``STATES``.
        reason: why it is impossible (the NPC's words), else ''.
    """

    words: str
    goal: RequestGoal | None
    by: int
    state: str = PENDING
    reason: str = ""

    @property
    def kind(self) -> str | None:
        return self.goal.kind if self.goal is not None else None

    @property
    def open(self) -> bool:
        return self.state == PENDING


# -- understanding the words -----------------------------------------------------------------


def understand(parser: Parser, words: str, npc: int, by: int) -> RequestGoal | None:
    """The goal of a request in words, or None when the grammar does not cover them.

    Names are resolved against the whole world (the NPC may have to fetch a thing from
    elsewhere); a name that fits several things, or none, gives None.
    """
    toks = _strip_politeness([w for w in tokens_of(words) if w not in PUNCTUATION])
    if not toks:
        return None
    head = tuple(toks)
    if head in STOP_PHRASES:
        return RequestGoal("stop", npc)
    world = parser.world
    if head in COME_PHRASES:
        return RequestGoal("come", npc, place=world.state.parent[by])
    if head in FOLLOW_PHRASES:
        return RequestGoal("follow", npc, place=by)
    if head in WAIT_PHRASES or head == ("wait",):
        return RequestGoal("wait", npc, place=world.state.parent[npc])
    return _Grammar(parser, npc, by).goal(toks)


def _strip_politeness(toks: list[str]) -> list[str]:
    changed = True
    while changed and toks:
        changed = False
        for phrase in POLITE_HEADS:
            if tuple(toks[:len(phrase)]) == phrase and len(toks) > len(phrase):
                toks, changed = toks[len(phrase):], True
        for phrase in POLITE_TAILS:
            if tuple(toks[-len(phrase):]) == phrase and len(toks) > len(phrase):
                toks, changed = toks[:-len(phrase)], True
    return toks


class _Grammar:
    """Verb-led requests: go, take, drop, give, bring, put, open ... eat."""

    def __init__(self, parser: Parser, npc: int, by: int) -> None:
        self.parser, self.world, self.npc, self.by = parser, parser.world, npc, by

    def goal(self, toks: list[str]) -> RequestGoal | None:
        for n in (2, 1):
            if tuple(toks[:n]) in BRING_VERBS:
                return self._bring(toks[n:], to_me=n == 2 or toks[1:2] == ["me"])
        verb, rest = Parser._verb(toks)
        if verb == "turn":
            verb, rest = _switch(rest)
        if verb is None or not rest and verb != "go":
            return None
        if verb == "go":
            return self._go(rest)
        if verb == "give":
            return self._give(rest)
        if verb in ("take", "drop", "put"):
            return self._move(verb, rest)
        if verb in ("open", "close", "unlock", "lock", "turn_on", "turn_off", "eat"):
            subject = self._thing(_before(rest, ("with", "using")), (ITEM, DOOR))
            return RequestGoal(verb, self.npc, subject) if subject is not None else None
        return None

    def _go(self, rest: list[str]) -> RequestGoal | None:
        rest = [w for w in rest if w not in ("to", "towards", "toward", "into", "back", "over", "room")]
        if len(rest) == 1 and rest[0] in DIRECTION_WORDS:
            here = self.world.entities[self.world.state.parent[self.npc]]
            ex = here.exits.get(DIRECTION_WORDS[rest[0]])
            return RequestGoal("go", self.npc, place=ex.to) if ex is not None else None
        if rest and set(rest) <= ME_WORDS:
            return RequestGoal("come", self.npc, place=self.world.state.parent[self.by])
        room = self._thing(rest, (ROOM,))
        return RequestGoal("go", self.npc, place=room) if room is not None else None

    def _give(self, rest: list[str]) -> RequestGoal | None:
        if rest[:1] == ["me"]:  # 'give me the key'
            thing, to = rest[1:], ["me"]
        else:
            thing, to = _split_at(rest, ("to",))
        return self._delivery("give", thing, to or ["me"])

    def _bring(self, rest: list[str], to_me: bool) -> RequestGoal | None:
        thing, to = _split_at(rest, ("to", "into", "in", "inside", "onto", "on", "upon"))
        if to is None or to_me:
            return self._delivery("bring", thing, ["me"])
        return self._delivery("bring", thing, to)

    def _move(self, verb: str, rest: list[str]) -> RequestGoal | None:
        thing, to = _split_at(rest, ("to", "into", "in", "inside", "onto", "on", "upon"))
        if verb == "take" and to is not None:  # 'take the key to the kitchen'
            return self._delivery("bring", thing, to)
        if to is None:
            if verb == "put":
                return None
            subject = self._thing(_before(thing, ("from", "off", "out")), (ITEM,))
            return RequestGoal(verb, self.npc, subject) if subject is not None else None
        return self._delivery("put", thing, to)

    def _delivery(self, kind: str, thing: list[str], to: list[str]) -> RequestGoal | None:
        """give / bring / put: the thing and where it must end up."""
        subject = self._thing(thing, (ITEM,))
        if subject is None:
            return None
        to = [w for w in to if w not in PLACE_PREPS and w != "to"]
        if set(to) <= ME_WORDS:
            return RequestGoal("give", self.npc, subject, self.by)
        place = self._thing(to, (ROOM, ITEM, ACTOR))
        if place is None or place == subject:
            return None
        if place == self.npc:
            return RequestGoal("take", self.npc, subject)
        if self.world.entities[place].kind == ACTOR:
            return RequestGoal("give", self.npc, subject, place)
        if self.world.entities[place].kind == ROOM:
            return RequestGoal("bring", self.npc, subject, place)
        return RequestGoal("put", self.npc, subject, place)

    def _thing(self, phrase: list[str], kinds: tuple[str, ...]) -> int | None:
        """The one entity of ``kinds`` the phrase names (exact names first), or None."""
        parser = self.parser
        want = {parser.singular.get(w, w) for w in phrase if w not in ARTICLES and w not in ("of", "the")}
        if not want:
            return None
        ents = self.world.entities
        fits = [e.index for e in ents if e.kind in kinds and want <= parser.words[e.index]]
        if len(fits) > 1:
            exact = [e for e in fits if set(parser.name_words[e]) == want]
            fits = exact or fits
        return fits[0] if len(fits) == 1 else None


def _switch(rest: list[str]) -> tuple[str | None, list[str]]:
    """'turn the lamp on' / 'switch on the lamp' -> ('turn_on', ['the', 'lamp'])."""
    for word, verb in (("on", "turn_on"), ("off", "turn_off")):
        if rest[:1] == [word]:
            return verb, rest[1:]
        if rest[-1:] == [word]:
            return verb, rest[:-1]
    return None, rest


def _split_at(words: list[str], preps: tuple[str, ...]) -> tuple[list[str], list[str] | None]:
    """Split at the last of ``preps`` ('bring the key to the kitchen')."""
    for i in range(len(words) - 1, 0, -1):
        if words[i] in preps:
            return words[:i], words[i:]
    return words, None


def _before(words: list[str], stops: tuple[str, ...]) -> list[str]:
    for i, w in enumerate(words):
        if i and w in stops:
            return words[:i]
    return words


def examples(parser: Parser, npc: int, by: int, most: int = 2) -> list[str]:
    """Requests that fit what ``by`` sees now, for the request line's hint.

    A room next to ``by``'s (not the one ``npc`` is in), then a thing ``by`` can see and
    nobody holds, each kept only if the grammar understands it; 'come here' when
    nothing fits (a dark room, a closet with nothing in it).
    """
    world = parser.world
    here, there = world.state.parent[by], world.state.parent[npc]
    rooms = [ex.to for ex in world.entities[here].exits.values() if ex.to not in (here, there)] if here >= 0 else []
    things = [e for e in world.in_reach(by) if world.entities[e].portable
              and world.entities[world.state.parent[e]].kind != ACTOR]
    tries = [f"go to the {world.entities[r].name.lower()}" for r in dict.fromkeys(rooms)]
    tries = tries[:1] + [f"take the {world.entities[e].name}" for e in things]
    out = [words for words in tries if understand(parser, words, npc, by) is not None]
    return out[:most] or ["come here"]


# -- the request's life ------------------------------------------------------------------------


def hand_over(current: Request | None, new: Request) -> tuple[Request | None, Request | None]:
    """Give ``new`` to an NPC whose request is ``current``.

    Returns:
        (the NPC's request now, the earlier one in its final state or None). 'stop'
        cancels the pending request (and keeps it, cancelled, as the NPC's request);
        anything else replaces a pending request.
    """
    if new.kind == "stop":
        if current is not None and current.open:
            cancelled = replace(current, state=CANCELLED)
            return cancelled, cancelled
        return current, None
    if current is not None and current.open:
        return new, replace(current, state=REPLACED)
    return new, None


def settle(world: World, request: Request, journal: Journal | None) -> Request:
    """The request after a step: done when met, impossible when ruled out, else unchanged."""
    goal = request.goal
    if not request.open or goal is None:
        return request
    if goal.kind in STANDING:
        return request
    if goal.met(world):
        return replace(request, state=DONE)
    reason = impossibility(world, goal, journal)
    return replace(request, state=IMPOSSIBLE, reason=reason) if reason else request


def impossibility(world: World, goal: RequestGoal, journal: Journal | None) -> str:
    """Why the NPC cannot do it, in her words ('' when it may be possible)."""
    ents, state, k = world.entities, world.state, goal.kind
    if goal.subject is None:
        if k == "come" and goal.place is not None and goal.place < 0:
            return "I can't tell where you are."
        return ""
    thing = ents[goal.subject]
    name = f"the {thing.name}"
    if state.parent[goal.subject] == EATEN:
        return f"{name.capitalize()} has been eaten."
    if k in ("take", "drop", "give", "bring", "put") and not thing.portable:
        return f"{name.capitalize()} can't be carried."
    holder = state.parent[goal.subject]
    if k in ("take", "drop", "bring", "put") and holder >= 0 and ents[holder].kind == ACTOR \
            and holder not in (goal.npc, goal.place):
        return f"{ents[holder].name} has {name}."
    if k == "eat" and not thing.food:
        return f"I can't eat {name}."
    if k in ("open", "close") and not thing.openable:
        return f"{name.capitalize()} doesn't open or close."
    if k in ("turn_on", "turn_off") and not thing.light:
        return f"{name.capitalize()} can't be switched on or off."
    if k in ("lock", "unlock") and thing.key is None:
        return f"{name.capitalize()} has no lock."
    if k == "put" and not (ents[goal.place].container or ents[goal.place].supporter):
        return f"I can't put anything in or on the {ents[goal.place].name}."
    return _no_key(world, goal, name, journal)


def _no_key(world: World, goal: RequestGoal, name: str, journal: Journal | None) -> str:
    """A locked thing (or one to lock) whose key the NPC neither holds nor has seen."""
    thing = world.entities[goal.subject]
    locked = bool(world.state.flags[goal.subject] & LOCKED)
    needs_key = goal.kind == "lock" or goal.kind in ("unlock", "open") and locked
    if not needs_key or thing.key is None or world.is_inside(thing.key, goal.npc):
        return ""
    if journal is not None and (thing.key in journal.seen_in or thing.key in world.in_reach(goal.npc)):
        return ""
    if goal.kind == "lock":
        return f"I have no key for {name}."
    return f"{name.capitalize()} is locked and I have no key."

