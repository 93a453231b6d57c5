"""Narration: the words the game says about the world. No rules, no parsing."""

from __future__ import annotations

from game.world import ACTOR, DOOR, LIT, LOCKED, OPEN, ROOM, World


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
