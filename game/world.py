"""The world: entities (rooms, items, doors, actors), their state, and queries.

Static facts (names, capabilities, exits) live on ``Entity`` objects built once by
the loader. Everything that changes lives in ``State``: a flat list of parents, a
list of flag bits, per-actor move counts and per-quest goals met. Keeping the
mutable part flat makes snapshots a few list copies, which the solver and the
environment rely on for speed.
"""

from __future__ import annotations

import hashlib
import re
from array import array
from bisect import insort
from dataclasses import dataclass, field

DIRECTIONS = (
    "north", "south", "east", "west", "northeast", "northwest",
    "southeast", "southwest", "up", "down", "in", "out",
)
OPPOSITE = {
    "north": "south", "south": "north", "east": "west", "west": "east",
    "northeast": "southwest", "southwest": "northeast",
    "northwest": "southeast", "southeast": "northwest",
    "up": "down", "down": "up", "in": "out", "out": "in",
}
DIRECTION_ABBREVIATIONS = {
    "n": "north", "s": "south", "e": "east", "w": "west",
    "ne": "northeast", "nw": "northwest", "se": "southeast", "sw": "southwest",
    "u": "up", "d": "down",
}

ROOM, ITEM, DOOR, ACTOR = "room", "item", "door", "actor"

_WORD = re.compile(r"[a-z0-9]+")


def words_of(text: str) -> list[str]:
    """The words of a text as the parser sees them: lower-case letters and digits."""
    return _WORD.findall(text.lower())

# Flag bits in State.flags.
OPEN, LOCKED, LIT, WORN = 1, 2, 4, 8
# Bits from SLOT_SHIFT up hold one small number per entity: a dial's value index, or for an
# actor 1 + the index of the enterable it is in or on (0: standing in the room). Worlds
# without dials or enterables keep every flag below 16, so their state hashes are unchanged.
SLOT_SHIFT = 4
LOW_BITS = (1 << SLOT_SHIFT) - 1

# Special parents: an item that was eaten is nowhere.
EATEN = -2


@dataclass(slots=True)
class Exit:
    """A way out of a room: where it leads and the door on it, if any."""

    to: int
    door: int | None = None


@dataclass(frozen=True, slots=True)
class Scenery:
    """Something a room's description names (the rug, the window): it can be examined only."""

    name: str
    words: frozenset[str]
    description: str


@dataclass(slots=True, eq=False)
class Entity:
    """The static facts about one thing in the world.

    Capability questions (``can_take`` ...) are answered from these fields, so
    rules never test ``kind`` strings directly.
    """

    id: str
    index: int
    kind: str
    name: str
    description: str = ""
    adjectives: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()
    # Items.
    portable: bool = False
    container: bool = False
    supporter: bool = False
    capacity: int | None = None
    openable: bool = False
    key: int | None = None
    food: bool = False
    poisonous: bool = False
    text: str | None = None
    light: bool = False
    # Push-buttons and levers: (effect, target index, verb: "push" or "pull"); see rules.SWITCH_EFFECTS.
    switch: tuple[str, int, str] | None = None
    # Dials: the values it can be set to (the state holds the index of the current one).
    dial: tuple[str, ...] = ()
    wearable: bool = False
    # Enterables: "in" or "on" (the actor gets in or on it), or "" for none.
    enterable: str = ""
    # Rooms.
    dark: bool = False
    exits: dict[str, Exit] = field(default_factory=dict)
    # Doors: the two rooms they join, and the one room they are worked from (if any).
    rooms: tuple[int, ...] = ()
    operated_from: int | None = None
    # Replies of its own to verbs that change nothing ('smell' -> "It smells of brass.").
    reactions: dict[str, str] = field(default_factory=dict)
    # Rooms: things named in the description that can be examined but are no entities.
    scenery: tuple[Scenery, ...] = ()
    # Set by the world for command text: lower-case display name.
    words: frozenset[str] = frozenset()

    @property
    def can_take(self) -> bool:
        return self.portable

    @property
    def can_contain(self) -> bool:
        return self.container

    @property
    def can_support(self) -> bool:
        return self.supporter

    @property
    def can_open(self) -> bool:
        return self.openable

    @property
    def can_lock(self) -> bool:
        return self.key is not None

    @property
    def can_eat(self) -> bool:
        return self.food

    @property
    def can_read(self) -> bool:
        return self.text is not None

    @property
    def can_light(self) -> bool:
        return self.light

    @property
    def special(self) -> bool:
        """Is it a switch, dial, wearable or enterable (checked once per thing in reach)?"""
        return self.switch is not None or bool(self.dial) or self.wearable or bool(self.enterable)

    @property
    def lower_name(self) -> str:
        return self.name.lower()


class State:
    """Everything about a world that changes during play.

    Attributes:
        parent: parent[e] is the entity holding e (room, container, supporter,
            actor), -1 for none (rooms, doors), or ``EATEN``.
        flags: bit set of ``OPEN``, ``LOCKED``, ``LIT`` per entity.
        moves: commands issued, per actor (indexed like ``World.actors``).
        met: per quest, a bit mask of the goals that held after the last
            ``quests.update`` (a function of the rest of the state).
        lost: per quest, whether a lose condition has happened.
    """

    __slots__ = ("parent", "flags", "moves", "met", "lost")

    def __init__(self, parent: list[int], flags: list[int], moves: list[int],
                 met: list[int], lost: list[bool]) -> None:
        self.parent = parent
        self.flags = flags
        self.moves = moves
        self.met = met
        self.lost = lost

    def copy(self) -> State:
        return State(self.parent[:], self.flags[:], self.moves[:], self.met[:], self.lost[:])

    def key(self) -> tuple:
        """A hashable key of everything but move counts (for search)."""
        return (tuple(self.parent), tuple(self.flags), tuple(self.met), tuple(self.lost))

    def digest(self) -> str:
        """A short hash of the whole state, identical on every machine."""
        data = array("q", self.parent + self.flags + self.moves + self.met)
        data.extend(int(x) for x in self.lost)
        if not _LITTLE_ENDIAN:
            data.byteswap()
        return hashlib.blake2b(data.tobytes(), digest_size=8).hexdigest()


_LITTLE_ENDIAN = array("H", [1]).tobytes() == b"\x01\x00"


class World:
    """A loaded world: static entities, quests, and the current ``State``.

    Queries take entity indices (ints) for speed; ``entity(id)`` maps ids to
    entities for everything user-facing.
    """

    def __init__(self, entities: list[Entity], quests: list, state: State, *,
                 title: str = "", intro: str = "", max_steps: int = 200,
                 player: int | None = None, source: str = "<world>",
                 data: dict | None = None, hold_to_eat: bool = False) -> None:
        self.entities = entities
        self.quests = quests
        self.state = state
        self.initial_state = state.copy()
        self.title = title
        self.intro = intro
        self.max_steps = max_steps
        self.hold_to_eat = hold_to_eat  # food must be in the eater's hands (TextWorld's and Inform's rule)
        self.source = source
        self.data = data  # the schema dict it was built from (for saving/generating)
        self.by_id = {e.id: e for e in entities}
        self.rooms = [e.index for e in entities if e.kind == ROOM]
        self.items = [e.index for e in entities if e.kind == ITEM]
        self.doors = [e.index for e in entities if e.kind == DOOR]
        self.actors = [e.index for e in entities if e.kind == ACTOR]
        self.actor_slot = {a: i for i, a in enumerate(self.actors)}
        self.player = self.actors[0] if player is None else player
        self.lights = [i for i in self.items if entities[i].light]
        self.has_dark_rooms = any(entities[r].dark for r in self.rooms)
        self.specials = frozenset(e.index for e in entities if e.special)
        self._contents: list[list[int]] | None = None

    # -- identity -------------------------------------------------------------

    def entity(self, entity_id: str) -> Entity:
        """The entity with this id; KeyError names it when there is none."""
        try:
            return self.by_id[entity_id]
        except KeyError:
            raise KeyError(f"no entity with id {entity_id!r} in {self.source}") from None

    def name(self, e: int) -> str:
        return self.entities[e].name

    # -- state changes ----------------------------------------------------------

    def set_state(self, state: State) -> None:
        """Replace the current state (restore a snapshot)."""
        self.state = state
        self._contents = None

    def move(self, e: int, to: int) -> None:
        parent = self.state.parent
        index = self._contents
        if index is not None:  # keep the index, in entity order, instead of rebuilding it
            if parent[e] >= 0:
                index[parent[e]].remove(e)
            if to >= 0:
                insort(index[to], e)
        parent[e] = to

    def has_flag(self, e: int, flag: int) -> bool:
        return bool(self.state.flags[e] & flag)

    def set_flag(self, e: int, flag: int, on: bool) -> None:
        if on:
            self.state.flags[e] |= flag
        else:
            self.state.flags[e] &= ~flag

    def slot(self, e: int) -> int:
        """The small number kept in ``e``'s high flag bits (see ``SLOT_SHIFT``)."""
        return self.state.flags[e] >> SLOT_SHIFT

    def set_slot(self, e: int, value: int) -> None:
        flags = self.state.flags
        flags[e] = (flags[e] & LOW_BITS) | (value << SLOT_SHIFT)

    def position(self, actor: int) -> int | None:
        """The enterable the actor is in or on, or None when standing in the room."""
        slot = self.state.flags[actor] >> SLOT_SHIFT
        return slot - 1 if slot else None

    # -- containment ------------------------------------------------------------

    def contents(self, e: int) -> list[int]:
        """Entities directly inside or on ``e``, in entity order."""
        index = self._contents
        if index is None:
            index = [[] for _ in self.entities]
            for child, parent in enumerate(self.state.parent):
                if parent >= 0:
                    index[parent].append(child)
            self._contents = index
        return index[e]

    def room_of(self, e: int) -> int:
        """The room an entity is in (following parents), or -1 if nowhere."""
        entities, parent = self.entities, self.state.parent
        while e >= 0 and entities[e].kind != ROOM:
            e = parent[e]
        return e

    def is_inside(self, e: int, ancestor: int) -> bool:
        """True if ``ancestor`` holds ``e`` directly or through other holders."""
        parent = self.state.parent
        e = parent[e]
        while e >= 0:
            if e == ancestor:
                return True
            e = parent[e]
        return False

    def is_open_holder(self, e: int) -> bool:
        """Can one see and reach inside ``e``? (supporters, actors, open containers)."""
        ent = self.entities[e]
        if ent.container:
            return bool(self.state.flags[e] & OPEN)
        return True

    def free_space(self, holder: int) -> int | None:
        cap = self.entities[holder].capacity
        return None if cap is None else cap - len(self.contents(holder))

    # -- light and sight --------------------------------------------------------------

    def is_lit(self, room: int) -> bool:
        """A room is lit unless it is dark and no lit light source is visible in it."""
        if not self.entities[room].dark:
            return True
        flags = self.state.flags
        for light in self.lights:
            if flags[light] & LIT and self._visible_from_room(light, room):
                return True
        return False

    def _visible_from_room(self, e: int, room: int) -> bool:
        parent, entities = self.state.parent, self.entities
        p = parent[e]
        while p >= 0:
            if p == room:
                return True
            if entities[p].container and not self.state.flags[p] & OPEN:
                return False
            p = parent[p]
        return False

    def _open_descendants(self, holder: int, out: list[int]) -> None:
        for child in self.contents(holder):
            out.append(child)
            ent = self.entities[child]
            if (ent.container or ent.supporter) and self.is_open_holder(child):
                self._open_descendants(child, out)

    def held(self, actor: int) -> list[int]:
        """Items the actor carries directly."""
        return self.contents(actor)

    def in_reach(self, actor: int) -> list[int]:
        """Items, doors and other actors the actor can see and touch now.

        In a dark room that is only what the actor carries (and what is in it).
        """
        out: list[int] = []
        self._open_descendants(actor, out)
        room = self.state.parent[actor]
        if room < 0 or not self.is_lit(room):
            return out
        for child in self.contents(room):
            if child == actor:
                continue
            ent = self.entities[child]
            out.append(child)
            if ent.kind == ACTOR:
                continue  # what others carry is theirs
            if (ent.container or ent.supporter) and self.is_open_holder(child):
                self._open_descendants(child, out)
        for ex in self.entities[room].exits.values():
            if ex.door is not None and ex.door not in out:
                out.append(ex.door)
        return out

    def actors_in(self, room: int) -> list[int]:
        parent = self.state.parent
        return [a for a in self.actors if parent[a] == room]

    def door_usable_by(self, door: int, actor: int) -> bool:
        """Doors worked from one side only can be opened or closed from that room."""
        side = self.entities[door].operated_from
        return side is None or self.state.parent[actor] == side

    # -- snapshots --------------------------------------------------------------------

    def snapshot(self) -> State:
        return self.state.copy()

    def restore(self, snapshot: State) -> None:
        self.set_state(snapshot.copy())

    def reset(self) -> None:
        self.set_state(self.initial_state.copy())
