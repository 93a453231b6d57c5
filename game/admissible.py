"""Admissible commands: every canonical command that would change the world now.

Enumerated directly from the state (what is in reach, what is held, which exits
are open) rather than by trying strings. ``tests/test_admissible.py`` checks this
against the rules themselves: a command is listed exactly when ``rules.execute``
would carry it out and change the state.
"""

from __future__ import annotations

from game.commands import Command, CommandTable
from game.rules import switch_change
from game.world import ACTOR, LIT, LOCKED, OPEN, SLOT_SHIFT, WORN, World

INFO_COMMANDS = ("look", "inventory")


def admissible_commands(world: World, table: CommandTable, actor: int, *,
                        include_info: bool = False, reading: bool = False) -> list[str]:
    """Sorted canonical texts of the state-changing commands open to ``actor``.

    Args:
        world: the world in its current state.
        table: the world's command table (texts are interned there).
        actor: the entity index of the acting actor.
        include_info: also list ``look``, ``inventory`` and ``examine``/``read``
            of everything in reach (they change nothing but are always valid).
        reading: also list ``read`` of each readable thing in reach (implied by
            ``include_info``).
    """
    texts, intern = table.texts, table.intern
    out = [texts.get(key) or intern(key) for key in command_keys(world, actor, include_info, reading)]
    out.sort()
    return out


def enumerate_commands(world: World, actor: int, *, include_info: bool = False) -> list[Command]:
    """The admissible commands as Command objects, in a fixed (entity) order."""
    return [Command(*key) for key in command_keys(world, actor, include_info)]


def command_keys(world: World, actor: int, include_info: bool = False, reading: bool = False) -> list[tuple]:
    """The admissible commands as plain tuples equal to their Commands (fast to build)."""
    if world.state.parent[actor] < 0:
        return []
    out: list[tuple] = []
    _movement(world, actor, out)
    _manipulation(world, actor, out, include_info, reading or include_info)
    if include_info:
        out.extend((v, None, None, None, "") for v in INFO_COMMANDS)
    return out


def _movement(world: World, actor: int, out: list[tuple]) -> None:
    flags = world.state.flags
    room = world.state.parent[actor]
    for direction, ex in world.entities[room].exits.items():
        if ex.door is None or flags[ex.door] & OPEN:
            out.append(("go", None, None, direction, ""))


def _manipulation(world: World, actor: int, out: list[tuple], include_info: bool, reading: bool) -> None:
    entities, parent, flags = world.entities, world.state.parent, world.state.flags
    held = world.held(actor)
    reach = world.in_reach(actor)
    specials = world.specials
    containers = [c for c in reach if entities[c].container and flags[c] & OPEN]
    supporters = [s for s in reach if entities[s].supporter]
    for e in reach:
        ent = entities[e]
        if include_info and ent.kind != ACTOR:
            out.append(("examine", e, None, None, ""))
        if reading and ent.text is not None:
            out.append(("read", e, None, None, ""))
        if ent.kind == ACTOR:
            out.extend(("give", h, e, None, "") for h in held if not flags[h] & WORN)
            continue
        if ent.portable and parent[e] != actor:
            out.append(("take", e, None, None, ""))
        if ent.openable and world.door_usable_by(e, actor):
            _lock_and_lid(ent, e, flags[e], held, out)
        if ent.food and (parent[e] == actor or not world.hold_to_eat):
            out.append(("eat", e, None, None, ""))
        if ent.light:
            out.append(("turn_off" if flags[e] & LIT else "turn_on", e, None, None, ""))
        if e in specials:
            _device(world, actor, e, ent, out)
    seat = flags[actor] >> SLOT_SHIFT
    if seat:
        out.append(("get_out" if entities[seat - 1].enterable == "in" else "get_off", seat - 1, None, None, ""))
    for h in held:
        if flags[h] & WORN:
            continue  # taken off first
        out.append(("drop", h, None, None, ""))
        for c in containers:
            if c != h and not world.is_inside(c, h) and _has_room(world, c):
                out.append(("put_in", h, c, None, ""))
        for s in supporters:
            if s != h and not world.is_inside(s, h) and _has_room(world, s):
                out.append(("put_on", h, s, None, ""))


def _device(world: World, actor: int, e: int, ent, out: list[tuple]) -> None:
    """Switches, dials, clothes and enterables (rules.py says what each does)."""
    flags = world.state.flags
    if ent.switch is not None and switch_change(world, ent.switch[1], ent.switch[0]) is not None:
        out.append(("operate", e, None, None, ""))
    if ent.dial:
        now = flags[e] >> SLOT_SHIFT
        out.extend(("set", e, None, None, v) for i, v in enumerate(ent.dial) if i != now)
    if ent.wearable and world.state.parent[e] == actor:
        out.append(("take_off" if flags[e] & WORN else "wear", e, None, None, ""))
    if ent.enterable and (flags[actor] >> SLOT_SHIFT) != e + 1:
        out.append(("get_in" if ent.enterable == "in" else "get_on", e, None, None, ""))


def _lock_and_lid(ent, e: int, f: int, held: list[int], out: list[tuple]) -> None:
    if f & LOCKED:
        if ent.key in held:
            out.append(("unlock", e, ent.key, None, ""))
    elif f & OPEN:
        out.append(("close", e, None, None, ""))
    else:
        out.append(("open", e, None, None, ""))
        if ent.key is not None and ent.key in held:
            out.append(("lock", e, ent.key, None, ""))


def _has_room(world: World, holder: int) -> bool:
    space = world.free_space(holder)
    return space is None or space > 0

