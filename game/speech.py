"""What an NPC says: written by the engine from the world and the NPC's memory, so always true.

She acknowledges a request, says when it is done or why she cannot do it, and answers
questions ('ask Ada about the key', 'Ada, where is the key?') from her journal: where
she last saw a thing, never where she has not seen it. Each line is spoken as
``Ada: "..."`` in the transcript.
"""

from __future__ import annotations

from game.journal import Journal
from game.lexicon import ARTICLES, PUNCTUATION, tokens_of
from game.narration import capitalise, the
from game.parser import Parser
from game.requests import CANCELLED, DONE, IMPOSSIBLE, Request, RequestGoal
from game.world import ACTOR, DOOR, ITEM, ROOM, World

# Words of a question that are not the topic ('where is the key?', 'about the lamp').
QUESTION_WORDS = frozenset({"about", "where", "is", "are", "s", "was", "were", "did", "you", "see",
                            "last", "have", "seen", "the", "whereabouts", "of", "find", "can", "i",
                            "do", "know", "put", "please", "any", "to"})
MAX_ANSWERS = 3


def spoken(world: World, npc: int, text: str) -> str:
    """One line of speech: 'Ada: "On my way to the Kitchen."'"""
    return f'{world.entities[npc].name}: "{text}"'


def acknowledge(world: World, goal: RequestGoal | None, by: int) -> str:
    """What she says on taking a request (from ``by``) she may be able to do."""
    if goal is None:
        return "I'll see what I can do."
    k, s, p = goal.kind, goal.subject, goal.place
    thing = the(world, s) if s is not None else ""
    if k == "go":
        return f"On my way to {the(world, p)}."
    if k == "come":
        return "Coming."
    if k == "follow":
        return "I'll follow you."
    if k == "wait":
        return "I'll wait here."
    if k == "take":
        return f"I'll get {thing}."
    if k == "drop":
        return f"I'll put {thing} down."
    if k in ("give", "bring") and p == by:
        return f"I'll bring you {thing}."
    if k in ("give", "bring", "put"):
        return f"I'll take {thing} to {the(world, p)}."
    verbs = {"open": "open", "close": "close", "lock": "lock", "unlock": "unlock", "eat": "eat",
             "turn_on": "switch on", "turn_off": "switch off"}
    return f"I'll {verbs[k]} {thing}."


def report(world: World, request: Request, already: bool = False) -> str:
    """What she says when a request ends (done, impossible or cancelled)."""
    if request.state == IMPOSSIBLE:
        return request.reason
    if request.state == CANCELLED:
        return "All right, I'll stop."
    if request.state != DONE or request.goal is None:
        return ""
    done = _done(world, request.goal, request.by)
    return f"That's done already. {done}" if already else done


def _done(world: World, goal: RequestGoal, by: int) -> str:
    k, s, p = goal.kind, goal.subject, goal.place
    thing = the(world, s) if s is not None else ""
    if k == "go":
        return f"I'm in {the(world, p)}."
    if k == "come":
        return "Here I am."
    if k == "take":
        return f"I have {thing}."
    if k == "drop":
        return f"I've put {thing} down."
    if k in ("give", "bring") and p == by:
        return f"There you are: {thing}."
    if k in ("give", "bring", "put"):
        ent = world.entities[p]
        where = "on" if ent.supporter else "with" if ent.kind == ACTOR else "in"
        return f"{capitalise(thing)} is {where} {the(world, p)} now."
    if k == "eat":
        return f"I've eaten {thing}."
    state = {"open": "open", "close": "closed", "lock": "locked", "unlock": "unlocked",
             "turn_on": "on", "turn_off": "off"}[k]
    return f"{capitalise(thing)} is {state} now."


# -- questions -------------------------------------------------------------------------------


def answer(parser: Parser, npc: int, question: str, journal: Journal | None) -> str:
    """Her answer to 'about X' / 'where X is', from her journal only."""
    world = parser.world
    words = [w for w in tokens_of(question) if w not in PUNCTUATION]
    topic = [w for w in words if w not in QUESTION_WORDS and w not in ARTICLES]
    shown = " ".join(topic)
    if not topic:
        return "What do you want to know about?"
    want = {parser.singular.get(w, w) for w in topic}
    fits = [e.index for e in world.entities if e.kind in (ITEM, DOOR, ROOM) and want <= parser.words[e.index]]
    if not fits:
        return f"I don't know anything about any {shown}."
    if journal is None:
        return "I don't remember."
    known = [e for e in fits if _whereabouts(world, npc, e, journal) is not None]
    if not known:
        return f"I haven't been to any {shown}." if all(world.entities[e].kind == ROOM for e in fits) \
            else f"I haven't seen any {shown}."
    return " ".join(_whereabouts(world, npc, e, journal) for e in known[:MAX_ANSWERS])


def _whereabouts(world: World, npc: int, e: int, journal: Journal) -> str | None:
    """One sentence on where she remembers ``e``, or None when she has not seen it."""
    ent = world.entities[e]
    here = world.state.parent[npc]
    if ent.kind == ROOM:
        if e == here:
            return f"We're in {the(world, e)}."
        way = journal.first_steps(world, here).get(e) if e in journal.visited else None
        return f"{capitalise(the(world, e))} is {way} of here." if way else None
    where = journal.whereabouts(world, npc, e)
    name = f"The {ent.name}"
    if where == "unseen":
        return None
    if where == "carried":
        return f"I have the {ent.name}."
    if where == "here":
        return f"{name} is here."
    if ent.kind == DOOR:
        return f"{name} is {where.split(' (')[0]} of here."
    room = journal.seen_in[e]
    return f"I last saw the {ent.name} in {the(world, room)}."

