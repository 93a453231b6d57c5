"""Narration: the words the game says about the world. No rules, no parsing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from game.commands import TEMPLATES, Command, switch_verb
from game.reactions import REACTIONS
from game.world import ACTOR, DOOR, LIT, LOCKED, OPEN, ROOM, SLOT_SHIFT, WORN, World

if TYPE_CHECKING:
    from game.rules import Outcome


def the(world: World, e: int) -> str:
    """'the brass key' for things, the bare name for actors."""
    ent = world.entities[e]
    return ent.name if ent.kind == ACTOR else "the " + ent.name


def third_person(world: World, actor: int) -> str:
    """How others name an actor: its name, or 'The player' for one called 'you'."""
    name = world.entities[actor].name
    return "The player" if name.lower() == "you" else name


def a(world: World, e: int) -> str:
    """'a brass key' / 'an apple' for things, the bare name for actors."""
    ent = world.entities[e]
    if ent.kind == ACTOR:
        return ent.name
    return ("an " if ent.name[:1].lower() in "aeiou" else "a ") + ent.name


def join_words(parts: list[str]) -> str:
    """'a, b and c'."""
    if not parts:
        return "nothing"
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def state_words(world: World, e: int) -> str:
    """' (open)', ' (locked)', ' (lit)' or '' for the state worth mentioning."""
    ent = world.entities[e]
    flags = world.state.flags[e]
    if ent.openable:
        return " (locked)" if flags & LOCKED else (" (open)" if flags & OPEN else " (closed)")
    if ent.light and flags & LIT:
        return " (lit)"
    if flags & WORN:
        return " (worn)"
    return ""


def _contents_phrase(world: World, holder: int) -> str:
    """'. In the wooden box is a red apple' or '' — one level, recursively."""
    if not world.is_open_holder(holder):
        return ""
    inside = world.contents(holder)
    if not inside:
        return ""
    prep = "On" if world.entities[holder].supporter else "In"
    verb = "is" if len(inside) == 1 else "are"
    listed = join_words([a(world, i) + state_words(world, i) for i in inside])
    nested = "".join(_contents_phrase(world, i) for i in inside)
    return f" {prep} {the(world, holder)} {verb} {listed}.{nested}"


def describe_room(world: World, actor: int) -> str:
    """What an actor sees on arriving or looking: name, description, things, exits."""
    room = world.state.parent[actor]
    ent = world.entities[room]
    lines = [f"-= {ent.name} =-"]
    if not world.is_lit(room):
        lines.append("It is pitch dark. You can't see a thing.")
    else:
        lines.append(ent.description)
        things = [c for c in world.contents(room) if world.entities[c].kind != ACTOR]
        if things:
            listed = join_words([a(world, t) + state_words(world, t) for t in things])
            nested = "".join(_contents_phrase(world, t) for t in things)
            lines.append(f"You see {listed}.{nested}")
        seat = world.position(actor)
        if seat is not None:
            lines.append(f"You are {world.entities[seat].enterable} {the(world, seat)}.")
        for other in world.actors_in(room):
            if other != actor:
                lines.append(f"{third_person(world, other)} is here.")
    lines.append(describe_exits(world, room))
    return "\n".join(lines)


def describe_exits(world: World, room: int) -> str:
    exits = []
    for direction, ex in world.entities[room].exits.items():
        if ex.door is None:
            exits.append(direction)
        else:
            exits.append(f"{direction} through {the(world, ex.door)}{state_words(world, ex.door)}")
    return "Exits: " + (", ".join(exits) if exits else "none") + "."


def describe_inventory(world: World, actor: int) -> str:
    held = world.held(actor)
    if not held:
        return "You are carrying nothing."
    listed = join_words([a(world, h) + state_words(world, h) for h in held])
    nested = "".join(_contents_phrase(world, h) for h in held)
    return f"You are carrying {listed}.{nested}"


def describe_entity(world: World, e: int) -> str:
    """The text for 'examine': description, state and contents."""
    ent = world.entities[e]
    text = ent.description or f"You see nothing special about {the(world, e)}."
    if ent.openable:
        flags = world.state.flags[e]
        status = "locked" if flags & LOCKED else ("open" if flags & OPEN else "closed")
        text += f" It is {status}."
    elif ent.light:
        text += " It is lit." if world.state.flags[e] & LIT else " It is dark."
    elif ent.container and not world.state.flags[e] & OPEN:
        text += " It is shut."
    if ent.dial:
        text += f" It is set to {ent.dial[world.state.flags[e] >> SLOT_SHIFT]}."
    if ent.kind == DOOR:
        a_room, b_room = ent.rooms
        text += f" It joins the {world.name(a_room)} and the {world.name(b_room)}."
    if ent.container or ent.supporter:
        phrase = _contents_phrase(world, e)
        if phrase:
            text += phrase
        elif world.is_open_holder(e):
            text += " It is empty." if ent.container else " There is nothing on it."
    if ent.kind == ACTOR:
        held = world.held(e)
        if held:
            text += f" {ent.name} is carrying {join_words([a(world, h) for h in held])}."
    return text


def where(world: World, e: int) -> str:
    """'in the kitchen' / 'on the oak table' — for replies about location."""
    p = world.state.parent[e]
    holder = world.entities[p]
    if holder.kind == ROOM:
        return f"in the {holder.name}"
    if holder.kind == ACTOR:
        return f"carried by {holder.name}"
    return ("on " if holder.supporter else "in ") + the(world, p)


# -- another actor's act, told to a person -------------------------------------------------

def account(world: World, actor: int, viewer: int, cmd: Command, outcome: Outcome) -> str:
    """One command by ``actor`` told to ``viewer`` in the third person, after it ran.

    A witnessed act reads as the room saw it ("Ada goes east.", "Ada gives you the
    letter."); an act elsewhere names the place ("Ada opens the sea gate in the
    Lighthouse Yard."), so a viewer who is told everything also knows where
    the actor is. A refused command is an attempt ("Ada tries to go north, but
    cannot.").
    """
    name = third_person(world, actor)
    here = world.state.parent[viewer]
    if outcome.ok and outcome.notices:
        told = next((text for who, text in outcome.asides if who == viewer), None)
        told = told or next((text for room, text in outcome.notices if room == here), None)
        if told:
            return told
        if cmd.verb == "go":
            return f"{name} goes {cmd.direction} to the {world.name(outcome.notices[-1][0])}."
        room, text = outcome.notices[0]
        return f"{text[:-1]} in the {world.name(room)}."
    room = world.state.parent[actor]
    place = "" if room == here else f" in the {world.name(room)}"
    if outcome.ok:
        return f"{name} {_info_deed(world, actor, viewer, cmd)}{place}."
    return f"{name} tries to {_attempt(world, actor, viewer, cmd)}{place}, but cannot."


def account_unparsed(world: World, actor: int, words: str) -> str:
    """Words of another actor's that the game did not take as a command."""
    return f"{third_person(world, actor)} tries \u201c{words}\u201d, but nothing comes of it."


def _info_deed(world: World, actor: int, viewer: int, cmd: Command) -> str:
    """'looks around', 'reads the logbook', 'tells you: “...”' — acts that change nothing."""
    verb, obj = cmd.verb, cmd.obj
    if verb == "look":
        return "looks around"
    if verb == "inventory" or (verb == "examine" and obj == actor):
        return "checks what they are carrying"
    if verb == "examine":
        return "looks you over" if obj == viewer else f"examines {the(world, obj)}"
    if verb == "read":
        return f"reads {the(world, obj)}"
    if verb == "tell":
        return f"tells {'you' if obj == viewer else the(world, obj)}: \u201c{cmd.text}\u201d"
    if verb == "exits":
        return "looks for the ways out"
    if verb == "consult":
        return f"looks something up in {the(world, obj)}"
    if verb in REACTIONS:
        first, _, rest = _attempt(world, actor, viewer, cmd).partition(" ")
        return " ".join(w for w in (_third_person_verb(first), rest) if w)
    return "waits"


def _third_person_verb(word: str) -> str:
    """'smell' -> 'smells', 'touch' -> 'touches', 'bury' -> 'buries'."""
    if word.endswith(("s", "sh", "ch", "x", "z")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u"):
        return word[:-1] + "ies"
    return word + "s"


def _attempt(world: World, actor: int, viewer: int, cmd: Command) -> str:
    """A command's words with articles, the viewer as 'you' and the actor itself as
    'themselves' (the world format gives actors no pronoun): 'give the letter to you'."""
    def ref(e: int | None) -> str:
        if e is None:
            return ""
        return "you" if e == viewer else "themselves" if e == actor else the(world, e)
    reaction = REACTIONS.get(cmd.verb)
    if reaction is not None or cmd.verb == "exits":
        words = [reaction.word if reaction is not None else "look for the ways out", ref(cmd.obj)]
        if cmd.obj2 is not None and reaction is not None:
            words += [reaction.preps[0], ref(cmd.obj2)]
        return " ".join(w for w in words if w)
    return TEMPLATES[cmd.verb].format(obj=ref(cmd.obj), obj2=ref(cmd.obj2), direction=cmd.direction or "",
                                      text=cmd.text, verb=switch_verb(world, cmd))
