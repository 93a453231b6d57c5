"""Rules: Command + World -> reply, state change and what others notice.

Each verb is a precondition function (returns the refusal text, or None when the
command may go ahead) and an effect function (changes the state, returns the
reply). ``execute`` runs the two in order, so a refused command changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from game.commands import Command
from game.narration import (
    a, capitalise, describe_entity, describe_exits, third_person, describe_inventory, describe_room,
    join_words, the,
)
from game.reactions import FIXED_REPLY, PERSON_REPLY, REACTIONS
from game.world import ACTOR, DOOR, EATEN, LIT, LOCKED, OPEN, ROOM, WORN, World


class Outcome(NamedTuple):
    """What a command did (a named tuple: cheap to make on every step).

    Attributes:
        ok: the command went ahead (False: refused, nothing changed).
        message: the reply to the actor who issued it.
        changed: the world state changed.
        notices: (room, text) pairs: what other actors in that room see.
        asides: (actor, text) pairs: how the act is told to one actor it concerns,
            in place of its room's notice ("Ada gives you the letter."). Only
            people are told these; agents' observations keep the room notice.
    """

    ok: bool
    message: str
    changed: bool = False
    notices: tuple[tuple[int, str], ...] = ()
    asides: tuple[tuple[int, str], ...] = ()


def can_reach(world: World, actor: int, e: int) -> bool:
    """Can the actor see and touch ``e`` now (same room, lit, not shut away)?"""
    entities, parent = world.entities, world.state.parent
    room = parent[actor]
    ent = entities[e]
    if ent.kind == DOOR:
        return room in ent.rooms and world.is_lit(room)
    if ent.kind == ACTOR:
        return parent[e] == room and world.is_lit(room)
    if ent.kind == ROOM:
        return False
    p = parent[e]
    while p >= 0:
        if p == actor:
            return True
        if p == room:
            return world.is_lit(room)
        holder = entities[p]
        if holder.kind in (ACTOR, ROOM):
            return False
        if holder.container and not world.state.flags[p] & OPEN:
            return False
        p = parent[p]
    return False


def _unreachable_reply(world: World, actor: int) -> str:
    if not world.is_lit(world.state.parent[actor]):
        return "It is too dark to see."
    return "You can't see any such thing."


# -- preconditions: return the refusal, or None -----------------------------------------

def _check_take(world: World, actor: int, cmd: Command) -> str | None:
    e = world.entities[cmd.obj]
    if cmd.obj == actor:
        return "You can't take yourself."
    if e.kind == ACTOR:
        return f"{e.name} wouldn't like that."
    if world.state.parent[cmd.obj] == actor:
        return f"You already have {the(world, cmd.obj)}."
    if not e.can_take:
        return f"{capitalise(the(world, cmd.obj))} is fixed in place."
    return None


def _check_held(world: World, actor: int, item: int) -> str | None:
    if world.state.parent[item] != actor:
        return f"You aren't carrying {the(world, item)}."
    return None


def _check_loose(world: World, actor: int, item: int) -> str | None:
    """Held and not worn: what can be dropped, put somewhere or given."""
    refusal = _check_held(world, actor, item)
    if refusal is None and world.state.flags[item] & WORN:
        return f"You'd have to take off {the(world, item)} first."
    return refusal


def _check_put(world: World, actor: int, cmd: Command, inside: bool) -> str | None:
    refusal = _check_loose(world, actor, cmd.obj)
    if refusal:
        return refusal
    target = world.entities[cmd.obj2]
    if inside and not target.can_contain:
        return f"You can't put things in {the(world, cmd.obj2)}."
    if not inside and not target.can_support:
        return f"You can't put things on {the(world, cmd.obj2)}."
    if cmd.obj == cmd.obj2 or world.is_inside(cmd.obj2, cmd.obj):
        return "You can't put something inside itself."
    if inside and not world.state.flags[cmd.obj2] & OPEN:
        return f"{capitalise(the(world, cmd.obj2))} is closed."
    space = world.free_space(cmd.obj2)
    if space is not None and space <= 0:
        return f"There is no room {'in' if inside else 'on'} {the(world, cmd.obj2)}."
    return None


def _check_door_side(world: World, actor: int, e: int) -> str | None:
    if not world.door_usable_by(e, actor):
        side = world.entities[e].operated_from
        return f"{capitalise(the(world, e))} can only be worked from the {world.name(side)}."
    return None


def _check_open(world: World, actor: int, cmd: Command) -> str | None:
    e, flags = cmd.obj, world.state.flags[cmd.obj]
    if not world.entities[e].can_open:
        return f"You can't open {the(world, e)}."
    if flags & OPEN:
        return f"{capitalise(the(world, e))} is already open."
    if flags & LOCKED:
        return f"{capitalise(the(world, e))} is locked."
    return _check_door_side(world, actor, e)


def _check_close(world: World, actor: int, cmd: Command) -> str | None:
    e = cmd.obj
    if not world.entities[e].can_open:
        return f"You can't close {the(world, e)}."
    if not world.state.flags[e] & OPEN:
        return f"{capitalise(the(world, e))} is already closed."
    return _check_door_side(world, actor, e)


def _check_key(world: World, actor: int, cmd: Command, locking: bool) -> str | None:
    e = cmd.obj
    ent = world.entities[e]
    if not ent.can_lock:
        return f"{capitalise(the(world, e))} has no lock."
    locked = world.state.flags[e] & LOCKED
    if locking and locked:
        return f"{capitalise(the(world, e))} is already locked."
    if not locking and not locked:
        return f"{capitalise(the(world, e))} isn't locked."
    if locking and world.state.flags[e] & OPEN:
        return f"You have to close {the(world, e)} first."
    refusal = _check_held(world, actor, cmd.obj2)
    if refusal:
        return refusal
    if ent.key != cmd.obj2:
        return f"{capitalise(the(world, cmd.obj2))} doesn't fit {the(world, e)}."
    return _check_door_side(world, actor, e)


def _check_eat(world: World, actor: int, cmd: Command) -> str | None:
    if not world.entities[cmd.obj].can_eat:
        return f"{capitalise(the(world, cmd.obj))} is not something you can eat."
    if world.hold_to_eat and world.state.parent[cmd.obj] != actor:
        return f"You need to take {the(world, cmd.obj)} first."
    return None


def _check_switch(world: World, actor: int, cmd: Command, on: bool) -> str | None:
    e = cmd.obj
    if not world.entities[e].can_light:
        return f"You can't switch {the(world, e)} {'on' if on else 'off'}."
    if bool(world.state.flags[e] & LIT) == on:
        return f"{capitalise(the(world, e))} is already {'on' if on else 'off'}."
    return None


def _check_give(world: World, actor: int, cmd: Command) -> str | None:
    recipient = world.entities[cmd.obj2]
    if recipient.kind != ACTOR:
        return f"You can't give things to {the(world, cmd.obj2)}."
    if cmd.obj2 == actor:
        return f"You already have {the(world, cmd.obj)}."
    return _check_loose(world, actor, cmd.obj)


def _check_read(world: World, actor: int, cmd: Command) -> str | None:
    if not world.entities[cmd.obj].can_read:
        return f"There is nothing written on {the(world, cmd.obj)}."
    return None


def _check_go(world: World, actor: int, cmd: Command) -> str | None:
    room = world.state.parent[actor]
    ex = world.entities[room].exits.get(cmd.direction)
    if ex is None:
        return "You can't go that way."
    if ex.door is not None and not world.state.flags[ex.door] & OPEN:
        state = "locked" if world.state.flags[ex.door] & LOCKED else "closed"
        return f"{capitalise(the(world, ex.door))} is {state}."
    return None


def _no_check(world: World, actor: int, cmd: Command) -> str | None:
    return None


# -- effects: change the state, return the reply and what others see ---------------------

def _name(world: World, actor: int) -> str:
    return third_person(world, actor)


def _do_go(world: World, actor: int, cmd: Command) -> Outcome:
    old = world.state.parent[actor]
    new = world.entities[old].exits[cmd.direction].to
    seat = world.position(actor)
    first = ""
    if seat is not None:  # walking away gets the actor up first
        world.set_slot(actor, 0)
        first = f"(first getting {_out_word(world, seat)} {the(world, seat)})\n"
    world.move(actor, new)
    name = _name(world, actor)
    return Outcome(True, first + describe_room(world, actor), True,
                   ((old, f"{name} goes {cmd.direction}."), (new, f"{name} arrives.")))


def _do_take(world: World, actor: int, cmd: Command) -> Outcome:
    source = world.state.parent[cmd.obj]
    world.move(cmd.obj, actor)
    where = "" if world.entities[source].kind == ROOM else f" from {the(world, source)}"
    room = world.state.parent[actor]
    return Outcome(True, f"You take {the(world, cmd.obj)}{where}.", True,
                   ((room, f"{_name(world, actor)} takes {the(world, cmd.obj)}{where}."),))


def _do_drop(world: World, actor: int, cmd: Command) -> Outcome:
    room = world.state.parent[actor]
    world.move(cmd.obj, room)
    return Outcome(True, f"You drop {the(world, cmd.obj)}.", True,
                   ((room, f"{_name(world, actor)} drops {the(world, cmd.obj)}."),))


def _do_put(world: World, actor: int, cmd: Command, prep: str) -> Outcome:
    world.move(cmd.obj, cmd.obj2)
    what = f"{the(world, cmd.obj)} {prep} {the(world, cmd.obj2)}"
    return Outcome(True, f"You put {what}.", True,
                   ((world.state.parent[actor], f"{_name(world, actor)} puts {what}."),))


def _do_set_flag(world: World, actor: int, cmd: Command, flag: int, on: bool,
                 verb: str, verbs: str) -> Outcome:
    world.set_flag(cmd.obj, flag, on)
    tail = f" with {the(world, cmd.obj2)}" if cmd.obj2 is not None else ""
    message = f"You {verb} {the(world, cmd.obj)}{tail}."
    if flag == OPEN and on and world.entities[cmd.obj].container:
        inside = world.contents(cmd.obj)
        if inside:
            message += f" Inside you see {join_words([a(world, i) for i in inside])}."
    return Outcome(True, message, True,
                   ((world.state.parent[actor], f"{_name(world, actor)} {verbs} {the(world, cmd.obj)}{tail}."),))


def _do_eat(world: World, actor: int, cmd: Command) -> Outcome:
    world.move(cmd.obj, EATEN)
    taste = " It tastes foul." if world.entities[cmd.obj].poisonous else " Delicious."
    return Outcome(True, f"You eat {the(world, cmd.obj)}.{taste}", True,
                   ((world.state.parent[actor], f"{_name(world, actor)} eats {the(world, cmd.obj)}."),))


def _do_switch(world: World, actor: int, cmd: Command, on: bool) -> Outcome:
    room = world.state.parent[actor]
    was_lit = world.is_lit(room)
    world.set_flag(cmd.obj, LIT, on)
    word = "on" if on else "off"
    message = f"You switch {the(world, cmd.obj)} {word}."
    now_lit = world.is_lit(room)
    if now_lit and not was_lit:
        message += "\n\n" + describe_room(world, actor)
    elif was_lit and not now_lit:
        message += " It is now pitch dark."
    return Outcome(True, message, True,
                   ((room, f"{_name(world, actor)} switches {the(world, cmd.obj)} {word}."),))


def _do_give(world: World, actor: int, cmd: Command) -> Outcome:
    world.move(cmd.obj, cmd.obj2)
    what = f"{the(world, cmd.obj)} to {the(world, cmd.obj2)}"
    name = _name(world, actor)
    return Outcome(True, f"You give {what}.", True,
                   ((world.state.parent[actor], f"{name} gives {what}."),),
                   ((cmd.obj2, f"{name} gives you {the(world, cmd.obj)}."),))


def _do_info(world: World, actor: int, cmd: Command) -> Outcome:
    v = cmd.verb
    if v == "look":
        text = describe_room(world, actor)
    elif v == "inventory":
        text = describe_inventory(world, actor)
    elif v == "examine" and cmd.obj == actor:
        own = world.entities[actor].description
        text = (own + " " if own else "") + describe_inventory(world, actor)
    elif v == "examine":
        text = describe_entity(world, cmd.obj)
    elif v == "read":
        text = f"{capitalise(the(world, cmd.obj))} reads: \u201c{world.entities[cmd.obj].text}\u201d"
    elif v == "taste":
        text = _taste(world, actor, cmd.obj)
    elif v == "exits":
        text = describe_exits(world, world.state.parent[actor]) if world.is_lit(world.state.parent[actor]) \
            else "It is too dark to see the ways out."
    elif v == "tell":
        text = f"You tell {_name(world, cmd.obj)}: \u201c{cmd.text}\u201d"
    elif v == "ask":
        text = f"You ask {_name(world, cmd.obj)} {cmd.text}."
    else:
        text = "Time passes."
    return Outcome(True, text, False)


def _taste(world: World, actor: int, e: int) -> str:
    """A taste is a sense, not a meal: it says nothing of poison and eats nothing."""
    ent = world.entities[e]
    if ent.kind == "actor" and e != actor:
        return f"{_name(world, e)} would not thank you for that."
    if ent.can_eat:
        return (f"You take a cautious taste of {the(world, e)}. It tastes much as it looks; "
                f"you leave the rest uneaten.")
    return "You taste nothing unexpected."


def _check_react(world: World, actor: int, cmd: Command) -> str | None:
    """A verb that changes nothing still needs its objects in reach."""
    for e in (cmd.obj, cmd.obj2):
        if e is not None and e != actor and not can_reach(world, actor, e):
            return _unreachable_reply(world, actor)
    return None


def _do_react(world: World, actor: int, cmd: Command) -> Outcome:
    """The world's own reply for the verb (on the thing, else the room), or the standard one."""
    reaction = REACTIONS[cmd.verb]
    target = cmd.obj if cmd.obj is not None else world.state.parent[actor]
    own = world.entities[target].reactions.get(cmd.verb) if target >= 0 else None
    if own is not None and (cmd.obj2 is None or cmd.obj is None):
        return Outcome(True, own)
    if cmd.verb == "use":
        return Outcome(True, use_reply(world, actor, cmd))
    if cmd.obj is None:
        return Outcome(True, reaction.alone or "")
    ent = world.entities[cmd.obj]
    if cmd.obj2 is not None and reaction.second:
        template = reaction.second
    elif ent.kind == ACTOR and cmd.obj != actor and cmd.verb in PERSON_REPLY:
        template = PERSON_REPLY[cmd.verb]
    elif not ent.portable and cmd.verb in FIXED_REPLY:
        template = FIXED_REPLY[cmd.verb]
    elif cmd.verb == "search" and (ent.container or ent.supporter or ent.kind == ACTOR):
        return Outcome(True, describe_entity(world, cmd.obj))
    else:
        template = reaction.reply
    return Outcome(True, template.format(
        the=the(world, cmd.obj), The=capitalise(the(world, cmd.obj)),
        the2=the(world, cmd.obj2) if cmd.obj2 is not None else "",
        The2=capitalise(the(world, cmd.obj2)) if cmd.obj2 is not None else ""))


def use_reply(world: World, actor: int, cmd: Command) -> str:
    """'use X (on Y)': name the commands that would do something with it."""
    e, ent = cmd.obj, world.entities[cmd.obj]
    name = ent.lower_name
    ideas: list[str] = []
    if cmd.obj2 is not None:
        other = world.entities[cmd.obj2]
        if other.key == e:
            ideas.append(f"unlock {other.lower_name} with {name}")
        if other.container:
            ideas.append(f"put {name} in {other.lower_name}")
        if other.supporter:
            ideas.append(f"put {name} on {other.lower_name}")
        if other.kind == ACTOR:
            ideas.append(f"give {name} to {other.lower_name}")
    ideas += [f"unlock {world.entities[d].lower_name} with {name}" for d in range(len(world.entities))
              if cmd.obj2 is None and world.entities[d].key == e and can_reach(world, actor, d)]
    if ent.light:
        ideas.append(f"turn {'off' if world.state.flags[e] & LIT else 'on'} {name}")
    if ent.openable:
        ideas.append(f"{'close' if world.state.flags[e] & OPEN else 'open'} {name}")
    if ent.food:
        ideas.append(f"eat {name}")
    if ent.text is not None:
        ideas.append(f"read {name}")
    if ent.portable and world.state.parent[e] != actor:
        ideas.append(f"take {name}")
    ideas.append(f"examine {name}")
    tried = " or ".join(f"'{i}'" for i in ideas[:3])
    return f"Say what to do with {the(world, e)}: for example {tried}."


# -- switches, dials, clothes and things to get in or on ------------------------------------

SWITCH_EFFECTS = ("open", "close", "lock", "unlock", "toggle")
_SWITCH_TOLD = {(OPEN, True): "opens", (OPEN, False): "closes", (LOCKED, True): "locks",
                (LOCKED, False): "unlocks", (LIT, True): "switches on", (LIT, False): "switches off"}


def switch_change(world: World, target: int, effect: str) -> tuple[int, bool] | None:
    """The (flag, on) a switch's effect would set on its target now, or None when it would
    change nothing (a mechanism neither opens a locked thing nor locks an open one)."""
    flags = world.state.flags[target]
    if effect == "toggle" and world.entities[target].light:
        return LIT, not flags & LIT
    if effect == "toggle":
        effect = "close" if flags & OPEN else "open"
    if effect == "open":
        return None if flags & (OPEN | LOCKED) else (OPEN, True)
    if effect == "close":
        return (OPEN, False) if flags & OPEN else None
    if effect == "lock":
        return None if flags & (OPEN | LOCKED) else (LOCKED, True)
    return (LOCKED, False) if flags & LOCKED else None


def _check_operate(world: World, actor: int, cmd: Command) -> str | None:
    switch = world.entities[cmd.obj].switch
    if switch is None:
        return "Nothing obvious happens."
    if switch_change(world, switch[1], switch[0]) is None:
        return f"You {switch[2]} {the(world, cmd.obj)}, but nothing happens."
    return None


def _do_operate(world: World, actor: int, cmd: Command) -> Outcome:
    effect, target, verb = world.entities[cmd.obj].switch
    room = world.state.parent[actor]
    was_lit = world.is_lit(room)
    flag, on = switch_change(world, target, effect)
    world.set_flag(target, flag, on)
    told = f"{capitalise(the(world, target))} {_SWITCH_TOLD[flag, on]}."
    message = f"You {verb} {the(world, cmd.obj)}. {told}"
    if world.is_lit(room) and not was_lit:
        message += "\n\n" + describe_room(world, actor)
    return Outcome(True, message, True,
                   ((room, f"{_name(world, actor)} {verb}s {the(world, cmd.obj)}. {told}"),))


def _check_set(world: World, actor: int, cmd: Command) -> str | None:
    values = world.entities[cmd.obj].dial
    if not values:
        return f"{capitalise(the(world, cmd.obj))} has nothing to set."
    if cmd.text not in values:
        return f"{capitalise(the(world, cmd.obj))} can be set to {join_words(list(values))}."
    if values[world.slot(cmd.obj)] == cmd.text:
        return f"{capitalise(the(world, cmd.obj))} is already at {cmd.text}."
    return None


def _do_set(world: World, actor: int, cmd: Command) -> Outcome:
    world.set_slot(cmd.obj, world.entities[cmd.obj].dial.index(cmd.text))
    what = f"{the(world, cmd.obj)} to {cmd.text}"
    return Outcome(True, f"You set {what}.", True,
                   ((world.state.parent[actor], f"{_name(world, actor)} sets {what}."),))


def _check_wear(world: World, actor: int, cmd: Command) -> str | None:
    if not world.entities[cmd.obj].wearable:
        return f"You can't wear {the(world, cmd.obj)}."
    if world.state.flags[cmd.obj] & WORN:
        return f"You're already wearing {the(world, cmd.obj)}."
    if world.state.parent[cmd.obj] != actor:
        return f"You need to be holding {the(world, cmd.obj)} first."
    return None


def _check_take_off(world: World, actor: int, cmd: Command) -> str | None:
    if world.state.parent[cmd.obj] != actor or not world.state.flags[cmd.obj] & WORN:
        return f"You aren't wearing {the(world, cmd.obj)}."
    return None


def _do_wear(world: World, actor: int, cmd: Command, on: bool) -> Outcome:
    world.set_flag(cmd.obj, WORN, on)
    verb, verbs = ("put on", "puts on") if on else ("take off", "takes off")
    return Outcome(True, f"You {verb} {the(world, cmd.obj)}.", True,
                   ((world.state.parent[actor], f"{_name(world, actor)} {verbs} {the(world, cmd.obj)}."),))


def _out_word(world: World, seat: int) -> str:
    return "out of" if world.entities[seat].enterable == "in" else "off"


def _check_get_in(world: World, actor: int, cmd: Command, side: str) -> str | None:
    ent = world.entities[cmd.obj]
    if cmd.obj == actor or ent.kind == ACTOR:
        return f"{_name(world, cmd.obj)} would not thank you for that." if cmd.obj != actor else \
            "You can't get in or on yourself."
    if not ent.enterable:
        return f"{capitalise(the(world, cmd.obj))} is not something you can get into or onto."
    if ent.enterable != side:
        return f"You can get {ent.enterable} {the(world, cmd.obj)}, not {side} it."
    if world.position(actor) == cmd.obj:
        return f"You are already {ent.enterable} {the(world, cmd.obj)}."
    return None


def _do_get_in(world: World, actor: int, cmd: Command) -> Outcome:
    world.set_slot(actor, cmd.obj + 1)
    where = f"{world.entities[cmd.obj].enterable} {the(world, cmd.obj)}"
    return Outcome(True, f"You get {where}.", True,
                   ((world.state.parent[actor], f"{_name(world, actor)} gets {where}."),))


def _check_get_out(world: World, actor: int, cmd: Command, side: str) -> str | None:
    if world.position(actor) != cmd.obj or world.entities[cmd.obj].enterable != side:
        where = world.entities[cmd.obj].enterable or "on"
        return f"You aren't {where} {the(world, cmd.obj)}."
    return None


def _do_get_out(world: World, actor: int, cmd: Command) -> Outcome:
    world.set_slot(actor, 0)
    where = f"{_out_word(world, cmd.obj)} {the(world, cmd.obj)}"
    return Outcome(True, f"You get {where}.", True,
                   ((world.state.parent[actor], f"{_name(world, actor)} gets {where}."),))


def _do_consult(world: World, actor: int, cmd: Command) -> Outcome:
    """'look up X in Y': a thing with writing is read for it; nothing else has pages."""
    if not world.entities[cmd.obj].can_read:
        return Outcome(True, f"There is nothing written in {the(world, cmd.obj)} to look things up in.")
    return Outcome(True, f"You find nothing about {cmd.text} in {the(world, cmd.obj)}.")


@dataclass(frozen=True, slots=True)
class Rule:
    """A verb's precondition and effect, and which of its objects must be in reach."""

    check: Callable[[World, int, Command], str | None]
    effect: Callable[[World, int, Command], Outcome]
    reach: tuple[str, ...] = ("obj",)


RULES: dict[str, Rule] = {
    "go": Rule(_check_go, _do_go, ()),
    "look": Rule(_no_check, _do_info, ()),
    "inventory": Rule(_no_check, _do_info, ()),
    "wait": Rule(_no_check, _do_info, ()),
    "tell": Rule(_no_check, _do_info, ()),
    "ask": Rule(_no_check, _do_info, ()),
    "examine": Rule(_no_check, _do_info),
    "read": Rule(_check_read, _do_info),
    "taste": Rule(_no_check, _do_info),
    "take": Rule(_check_take, _do_take),
    "drop": Rule(lambda w, ac, c: _check_loose(w, ac, c.obj), _do_drop),
    "put_in": Rule(lambda w, ac, c: _check_put(w, ac, c, True),
                   lambda w, ac, c: _do_put(w, ac, c, "in"), ("obj", "obj2")),
    "put_on": Rule(lambda w, ac, c: _check_put(w, ac, c, False),
                   lambda w, ac, c: _do_put(w, ac, c, "on"), ("obj", "obj2")),
    "open": Rule(_check_open, lambda w, ac, c: _do_set_flag(w, ac, c, OPEN, True, "open", "opens")),
    "close": Rule(_check_close, lambda w, ac, c: _do_set_flag(w, ac, c, OPEN, False, "close", "closes")),
    "unlock": Rule(lambda w, ac, c: _check_key(w, ac, c, False),
                   lambda w, ac, c: _do_set_flag(w, ac, c, LOCKED, False, "unlock", "unlocks"),
                   ("obj", "obj2")),
    "lock": Rule(lambda w, ac, c: _check_key(w, ac, c, True),
                 lambda w, ac, c: _do_set_flag(w, ac, c, LOCKED, True, "lock", "locks"),
                 ("obj", "obj2")),
    "eat": Rule(_check_eat, _do_eat),
    "turn_on": Rule(lambda w, ac, c: _check_switch(w, ac, c, True), lambda w, ac, c: _do_switch(w, ac, c, True)),
    "turn_off": Rule(lambda w, ac, c: _check_switch(w, ac, c, False), lambda w, ac, c: _do_switch(w, ac, c, False)),
    "give": Rule(_check_give, _do_give, ("obj", "obj2")),
    "exits": Rule(_no_check, _do_info, ()),
    "consult": Rule(_no_check, _do_consult),
    "operate": Rule(_check_operate, _do_operate),
    "set": Rule(_check_set, _do_set),
    "wear": Rule(_check_wear, lambda w, ac, c: _do_wear(w, ac, c, True)),
    "take_off": Rule(_check_take_off, lambda w, ac, c: _do_wear(w, ac, c, False)),
    "get_in": Rule(lambda w, ac, c: _check_get_in(w, ac, c, "in"), _do_get_in),
    "get_on": Rule(lambda w, ac, c: _check_get_in(w, ac, c, "on"), _do_get_in),
    "get_out": Rule(lambda w, ac, c: _check_get_out(w, ac, c, "in"), _do_get_out),
    "get_off": Rule(lambda w, ac, c: _check_get_out(w, ac, c, "on"), _do_get_out),
    **{verb: Rule(_check_react, _do_react, ()) for verb in REACTIONS},
}


def execute(world: World, actor: int, cmd: Command) -> Outcome:
    """Run one command for an actor: check reach and preconditions, then apply.

    A refused command returns ``ok=False`` and leaves the state untouched.
    """
    rule = RULES[cmd.verb]
    for slot in rule.reach:
        target = getattr(cmd, slot)
        if target is None or not can_reach(world, actor, target):
            return Outcome(False, _unreachable_reply(world, actor))
    refusal = rule.check(world, actor, cmd)
    if refusal is not None:
        return Outcome(False, refusal)
    outcome = rule.effect(world, actor, cmd)
    world.state.moves[world.actor_slot[actor]] += 1
    return outcome

