"""World files (TOML) -> World, with errors that name the file, entity and field.

The schema is documented in the README ("World file format"). Generated worlds are
written in the same schema (``generator.py``), so a dict from either source goes
through ``world_from_dict``.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections import deque
from pathlib import Path
from typing import Any

from game.errors import WorldFileError
from game.reactions import CUSTOM
from game.quests import GOAL_TYPES, Goal, Quest, describe_goal
from game.rules import SWITCH_EFFECTS
from game.world import (
    ACTOR, DIRECTION_ABBREVIATIONS, DIRECTIONS, DOOR, ITEM, LIT, LOCKED, OPEN, ROOM, SLOT_SHIFT,
    Entity, Exit, Scenery, State, World, words_of,
)

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")

COMMON = {"id", "name", "description", "adjectives", "synonyms", *CUSTOM}
FIELDS = {
    "world": {"title", "intro", "max_steps", "player", "hold_to_eat"},
    "rooms": {"id", "name", "description", "dark", "exits", "scenery", *CUSTOM},
    "doors": COMMON | {"state", "key", "keyless", "operated_from"},
    "items": COMMON | {"location", "portable", "food", "poisonous", "text", "light",
                       "container", "supporter", "switch", "dial", "wearable", "enterable"},
    "actors": COMMON | {"location"},
    "scenery": {"name", "description", "synonyms"},
    "quests": {"id", "actors", "description", "goals", "lose"},
    "container": {"capacity", "state", "openable", "key", "keyless"},
    "supporter": {"capacity"},
    "switch": {"effect", "target", "verb"},
    "dial": {"values", "value"},
    "exit": {"to", "door"},
}
SECTIONS = ("world", "rooms", "doors", "items", "actors", "quests")
LID_STATES = {"open": OPEN, "closed": 0, "locked": LOCKED}


def load_world(path: str | Path) -> World:
    """Load a world file; raise WorldFileError with a one-line, actionable message."""
    return world_from_dict(read_world_data(path), str(path))


def read_world_data(path: str | Path) -> dict[str, Any]:
    """A world file's TOML as a dict, not yet checked against the schema; raise WorldFileError
    with a one-line, actionable message when it cannot be read or parsed."""
    p = Path(path)
    if not p.is_file():
        hint = " (it is a folder)" if p.is_dir() else ""
        raise WorldFileError(f"{p}: no such world file{hint}; give the path of a .toml world, "
                             f"e.g. assets/worlds/tutorial.toml")
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8-sig"))  # a Windows editor's byte-order mark is fine
    except OSError as exc:
        raise WorldFileError(f"{p}: cannot read the world file ({exc.strerror}); check its "
                             f"permissions") from None
    except RecursionError:
        raise WorldFileError(f"{p}: TOML syntax error: arrays or tables nested too deeply; "
                             f"flatten them") from None
    except UnicodeDecodeError as exc:
        raise WorldFileError(f"{p}: not a UTF-8 text file ({exc.reason}); save it as UTF-8 TOML") from None
    except tomllib.TOMLDecodeError as exc:
        raise WorldFileError(f"{p}: TOML syntax error: {exc}; fix the line it names") from None
    return data


def load_world_folder(folder: str | Path) -> list[tuple[str, World]]:
    """Every ``*.toml`` world directly in ``folder``, by file name: [(stem, World)].

    Raises WorldFileError when the folder is missing or holds no world file, or when
    any of its worlds does not load (naming that file).
    """
    return [(f.stem, load_world(f)) for f in world_files(folder)]


def world_files(folder: str | Path) -> list[Path]:
    """The ``*.toml`` files directly in ``folder``, by name; WorldFileError when there are none."""
    p = Path(folder)
    if not p.is_dir():
        what = "is a file, not a folder" if p.is_file() else "no such folder"
        raise WorldFileError(f"{p}: {what}; give a folder of .toml world files, e.g. assets/heldout")
    paths = sorted(f for f in p.glob("*.toml") if f.is_file())
    if not paths:
        raise WorldFileError(f"{p}: no .toml world files in this folder; give a folder of world files, "
                             f"e.g. assets/heldout")
    return paths


def world_from_dict(data: dict[str, Any], source: str = "<world>") -> World:
    """Build and validate a World from the schema's dict form."""
    return _Builder(data, source).build()


class _Builder:
    """Validates a world dict section by section and builds entities and quests."""

    def __init__(self, data: dict[str, Any], source: str) -> None:
        self.data = data
        self.source = source
        self.entities: list[Entity] = []
        self.by_id: dict[str, Entity] = {}
        self.parent: list[int] = []
        self.flags: list[int] = []
        self._reachable: set[int] | None = None  # rooms some actor can walk to (computed once)

    # -- errors -------------------------------------------------------------------

    def fail(self, where: str, problem: str) -> WorldFileError:
        return WorldFileError(f"{self.source}: {where}: {problem}")

    def _check_fields(self, table: Any, kind: str, where: str) -> dict[str, Any]:
        if not isinstance(table, dict):
            raise self.fail(where, f"expected a table, got {_describe(table)}")
        for key in table:
            if key not in FIELDS[kind]:
                close = difflib.get_close_matches(key, sorted(FIELDS[kind]), n=1)
                hint = f"did you mean '{close[0]}'?" if close else \
                    f"known fields: {', '.join(sorted(FIELDS[kind]))}"
                raise self.fail(where, f"unknown field {_shown(key)} ({hint})")
        return table

    def _get(self, table: dict, field: str, kind: type | tuple, where: str, default: Any = ...,
             ) -> Any:
        if field not in table:
            if default is ...:
                raise self.fail(where, f"missing required field '{field}'")
            return default
        value = table[field]
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            name = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            raise self.fail(where, f"field '{field}' must be {_article(name)}, got {_describe(value)}")
        return value

    def _ref(self, ref: Any, kinds: tuple[str, ...], where: str, field: str) -> Entity:
        if ref is None:
            raise self.fail(where, f"missing required field '{field}'")
        if not isinstance(ref, str):
            raise self.fail(where, f"field '{field}' must be an id (a string), got {_describe(ref)}")
        ent = self.by_id.get(ref)
        wanted = " or ".join(kinds)
        if ent is None:
            ids = [e.id for e in self.entities if e.kind in kinds]
            close = difflib.get_close_matches(ref, ids, n=1)
            shown = ", ".join(ids[:12]) + (f" and {len(ids) - 12} more" if len(ids) > 12 else "")
            hint = f"did you mean '{close[0]}'?" if close else f"known: {shown or 'none'}"
            raise self.fail(where, f"field '{field}' names '{ref}', which is no {wanted} ({hint})")
        if ent.kind not in kinds:
            raise self.fail(where, f"field '{field}' names '{ref}', {_article(ent.kind)}, but must "
                                   f"name {_article(wanted)}")
        return ent

    # -- building -----------------------------------------------------------------

    def build(self) -> World:
        if not isinstance(self.data, dict):
            raise self.fail("top level", "expected TOML tables")
        for key in self.data:
            if key not in SECTIONS:
                close = difflib.get_close_matches(key, SECTIONS, n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"known sections: {', '.join(SECTIONS)}"
                raise self.fail(f"section {_shown(key)}", f"unknown section ({hint})")
        header = self._check_fields(self.data.get("world", {}), "world", "[world]")
        tables = {s: self._section(s) for s in SECTIONS[1:]}
        if not tables["rooms"]:
            raise self.fail("[[rooms]]", "a world needs at least one room")
        if not tables["actors"]:
            raise self.fail("[[actors]]", "a world needs at least one actor (the player)")
        for section, kind in (("rooms", ROOM), ("doors", DOOR), ("items", ITEM), ("actors", ACTOR)):
            for i, table in enumerate(tables[section]):
                self._declare(table, section, kind, i)
        self._check_unique_names()
        for table in tables["rooms"]:
            self._room_exits(table)
        for table in tables["doors"]:
            self._door(table)
        for table in tables["items"]:
            self._item(table)
        for table in tables["items"]:  # after all capabilities are known
            self._place(table, f"items '{table['id']}'", (ROOM, ITEM, ACTOR))
            self._devices(table)
        for table in tables["actors"]:
            self._place(table, f"actors '{table['id']}'", (ROOM,))
        self._check_placement()
        quests = [self._quest(t, i) for i, t in enumerate(tables["quests"])]
        seen_quests: set[str] = set()
        for quest in quests:
            if quest.id in seen_quests:
                raise self.fail(f"quests '{quest.id}'", f"duplicate quest id '{quest.id}'; give each "
                                                       f"quest its own id")
            seen_quests.add(quest.id)
        world = self._world(header, quests)
        self._check_start(world)
        return world

    def _section(self, name: str) -> list[dict]:
        value = self.data.get(name, [])
        if not isinstance(value, list):
            raise self.fail(f"[[{name}]]", f"'{name}' must be an array of tables ([[{name}]]), "
                                          f"got {_describe(value)}")
        return [self._check_fields(t, name, _entity_where(name, i, t)) for i, t in enumerate(value)]

    def _declare(self, table: dict, section: str, kind: str, i: int) -> None:
        where = f"{section}[{i}]"
        ident = self._get(table, "id", str, where)
        if not ID_PATTERN.match(ident):
            raise self.fail(where, f"id '{ident}' must be lower-case letters, digits and _ "
                                   f"(starting with a letter)")
        where = f"{section} '{ident}'"
        if ident in self.by_id:
            raise self.fail(where, f"duplicate id '{ident}' (already a {self.by_id[ident].kind}); "
                                   f"ids must be unique across the file")
        name = self._get(table, "name", str, where).strip()
        if not name or not words_of(name):
            raise self.fail(where, "field 'name' must contain a word")
        extra = {}
        if kind != ROOM:
            for field in ("adjectives", "synonyms"):
                words = self._get(table, field, list, where, [])
                for w in words:
                    if not isinstance(w, str) or len(words_of(w)) != 1:
                        raise self.fail(where, f"field '{field}' must list single words, got {w!r}")
                extra[field] = tuple(w.lower() for w in words)
        ent = Entity(id=ident, index=len(self.entities), kind=kind, name=name,
                     description=self._get(table, "description", str, where, ""), **extra)
        if kind == ROOM:
            ent.dark = self._get(table, "dark", bool, where, False)
            ent.scenery = self._scenery(table, where)
        for verb in CUSTOM:
            reply = self._get(table, verb, str, where, None)
            if reply is not None and not reply.strip():
                raise self.fail(where, f"field '{verb}' is empty; write the reply to '{verb}', or leave it out")
            if reply is not None:
                ent.reactions[verb] = reply
        ent.words = frozenset(words_of(name)) | frozenset(ent.adjectives) | frozenset(ent.synonyms)
        self.entities.append(ent)
        self.by_id[ident] = ent
        self.parent.append(-1)
        self.flags.append(0)

    def _scenery(self, table: dict, where: str) -> tuple[Scenery, ...]:
        """A room's scenery: things its description names, each with its own description."""
        out = []
        for i, spec in enumerate(self._get(table, "scenery", list, where, [])):
            at = f"{where}: scenery[{i}]"
            self._check_fields(spec, "scenery", at)
            name = self._get(spec, "name", str, at).strip()
            if not words_of(name):
                raise self.fail(at, "field 'name' must contain a word")
            description = self._get(spec, "description", str, at).strip()
            if not description:
                raise self.fail(at, "field 'description' is empty; say what the player sees")
            synonyms = self._get(spec, "synonyms", list, at, [])
            for w in synonyms:
                if not isinstance(w, str) or len(words_of(w)) != 1:
                    raise self.fail(at, f"field 'synonyms' must list single words, got {w!r}")
            words = frozenset(words_of(name)) | frozenset(w.lower() for w in synonyms)
            out.append(Scenery(name, words, description))
        return tuple(out)

    def _check_unique_names(self) -> None:
        seen: dict[str, str] = {}
        for ent in self.entities:
            if ent.kind == ROOM:
                continue
            key = ent.lower_name
            if key in seen:
                raise self.fail(f"{ent.kind}s '{ent.id}'", f"name '{ent.name}' is also the name of "
                                f"'{seen[key]}'; give each thing a distinct name (add an adjective)")
            seen[key] = ent.id

    def _room_exits(self, table: dict) -> None:
        room = self.by_id[table["id"]]
        where = f"rooms '{room.id}'"
        exits = self._get(table, "exits", dict, where, {})
        for raw_dir, target in exits.items():
            direction = DIRECTION_ABBREVIATIONS.get(raw_dir, raw_dir)
            if direction not in DIRECTIONS:
                raise self.fail(where, f"exits.{raw_dir}: unknown direction (use one of "
                                       f"{', '.join(DIRECTIONS)})")
            if direction in room.exits:
                raise self.fail(where, f"exits.{raw_dir}: a second exit {direction}; keep one "
                                       f"(abbreviations like 'n' mean the same as 'north')")
            if isinstance(target, dict):
                self._check_fields(target, "exit", f"{where}: exits.{raw_dir}")
                to = self._ref(target.get("to"), (ROOM,), where, f"exits.{raw_dir}.to")
                door = None
                if "door" in target:
                    door = self._ref(target["door"], (DOOR,), where, f"exits.{raw_dir}.door").index
            else:
                to = self._ref(target, (ROOM,), where, f"exits.{raw_dir}")
                door = None
            if to is room:
                raise self.fail(where, f"exits.{raw_dir} leads back into the same room")
            room.exits[direction] = Exit(to.index, door)

    def _door(self, table: dict) -> None:
        door = self.by_id[table["id"]]
        where = f"doors '{door.id}'"
        sides = [r for r in self.entities if r.kind == ROOM
                 for ex in r.exits.values() if ex.door == door.index]
        if len(sides) != 2 or sides[0] is sides[1]:
            raise self.fail(where, f"a door must be on the exits of exactly two rooms, found it on "
                                   f"{len(sides)} exit(s); add 'door = \"{door.id}\"' to one exit of "
                                   f"each room it joins")
        door.rooms = (sides[0].index, sides[1].index)
        door.openable = True
        self.flags[door.index] = self._lid(table, door, where, default="closed")
        if "operated_from" in table:
            side = self._ref(table["operated_from"], (ROOM,), where, "operated_from")
            if side.index not in door.rooms:
                raise self.fail(where, f"field 'operated_from' names '{side.id}', which is not one of "
                                       f"the two rooms the door joins")
            door.operated_from = side.index

    def _lid(self, table: dict, ent: Entity, where: str, default: str) -> int:
        """Parse 'state', 'key' and 'keyless' of a door or container; return its flags."""
        state = self._get(table, "state", str, where, default)
        if state not in LID_STATES:
            raise self.fail(where, f"field 'state' is '{state}'; use open, closed or locked")
        keyless = self._get(table, "keyless", bool, where, False)
        if keyless and ("key" in table or state != "locked"):
            raise self.fail(where, "field 'keyless' is for a thing locked for good: give it state = \"locked\" "
                                   "and no 'key'")
        if "key" in table:
            ent.key = self._ref(table["key"], (ITEM,), where, "key").index
        elif state == "locked" and not keyless:
            raise self.fail(where, "field 'state' is 'locked' but no 'key' unlocks it; add key = \"<item id>\" "
                                   "(or keyless = true if nothing ever opens it)")
        return LID_STATES[state]

    def _item(self, table: dict) -> None:
        item = self.by_id[table["id"]]
        where = f"items '{item.id}'"
        item.portable = self._get(table, "portable", bool, where, True)
        item.food = self._get(table, "food", bool, where, False)
        item.poisonous = self._get(table, "poisonous", bool, where, False)
        if item.poisonous and not item.food:
            raise self.fail(where, "field 'poisonous' is true but 'food' is not; only food can be poisonous")
        item.text = self._get(table, "text", str, where, None)
        light = self._get(table, "light", str, where, None)
        if light is not None:
            if light not in ("on", "off"):
                raise self.fail(where, f"field 'light' is '{light}'; use \"on\" or \"off\"")
            item.light = True
            self.flags[item.index] |= LIT if light == "on" else 0
        if "container" in table and "supporter" in table:
            raise self.fail(where, "an item can be a container or a supporter, not both")
        if "container" in table:
            spec = self._check_fields(table["container"], "container", f"{where}: container")
            item.container = True
            item.capacity = self._capacity(spec, f"{where}: container")
            self.flags[item.index] |= self._lid(spec, item, f"{where}: container", default="open")
            item.openable = self._get(spec, "openable", bool, f"{where}: container",
                                      spec.get("state", "open") != "open" or "key" in spec)
            if not item.openable and self.flags[item.index] != OPEN and not self._switched(item.id):
                raise self.fail(f"{where}: container", "a container that cannot be opened must be open")
        if "supporter" in table:
            spec = self._check_fields(table["supporter"], "supporter", f"{where}: supporter")
            item.supporter = True
            item.capacity = self._capacity(spec, f"{where}: supporter")

    def _switched(self, ident: str) -> bool:
        """Does some item's switch work this thing (so it may be shut with no way to open it by hand)?"""
        return any(isinstance(t, dict) and isinstance(t.get("switch"), dict) and t["switch"].get("target") == ident
                   for t in self.data.get("items", []))

    def _devices(self, table: dict) -> None:
        """Switches, dials, clothes and enterables (after every item's capabilities are known)."""
        item = self.by_id[table["id"]]
        where = f"items '{item.id}'"
        if "switch" in table:
            self._switch(table["switch"], item, f"{where}: switch")
        if "dial" in table:
            self._dial(table["dial"], item, f"{where}: dial")
        item.wearable = self._get(table, "wearable", bool, where, False)
        if item.wearable and not item.portable:
            raise self.fail(where, "field 'wearable' is true but 'portable' is false; clothes must be portable")
        if item.wearable and item.food:
            raise self.fail(where, "an item can be food or wearable, not both")
        enterable = self._get(table, "enterable", str, where, "")
        if "enterable" in table and enterable not in ("in", "on"):
            raise self.fail(where, f"field 'enterable' is '{enterable}'; use \"in\" or \"on\"")
        if enterable and item.portable:
            raise self.fail(where, "field 'enterable' needs 'portable = false' (no one carries what they sit in)")
        if enterable and self.entities[self.parent[item.index]].kind != ROOM:
            raise self.fail(where, "an enterable must stand in a room: its 'location' must name a room")
        item.enterable = enterable

    def _switch(self, spec: Any, item: Entity, where: str) -> None:
        self._check_fields(spec, "switch", where)
        effect = self._get(spec, "effect", str, where)
        if effect not in SWITCH_EFFECTS:
            raise self.fail(where, f"field 'effect' is '{effect}'; use one of {', '.join(SWITCH_EFFECTS)}")
        target = self._ref(spec.get("target"), (DOOR, ITEM), where, "target")
        if target is item:
            raise self.fail(where, "field 'target' names the switch itself; name the door, container or light it works")
        works = target.openable or target.container or effect == "toggle" and target.light
        if not works:
            what = "a door, a container or a light" if effect == "toggle" else "a door or a container"
            raise self.fail(where, f"field 'target' names '{target.id}', which is not {what} (effect '{effect}')")
        verb = self._get(spec, "verb", str, where, "push")
        if verb not in ("push", "pull"):
            raise self.fail(where, f"field 'verb' is '{verb}'; use \"push\" (a button) or \"pull\" (a lever)")
        item.switch = (effect, target.index, verb)

    def _dial(self, spec: Any, item: Entity, where: str) -> None:
        self._check_fields(spec, "dial", where)
        values = self._get(spec, "values", list, where)
        if not values:
            raise self.fail(where, "field 'values' is empty; list what it can be set to, e.g. [\"1\", \"2\", \"3\"]")
        shown = []
        for v in values:
            if not isinstance(v, (str, int)) or isinstance(v, bool) or not words_of(str(v)):
                raise self.fail(where, f"field 'values' must list words or numbers, got {_describe(v)}")
            shown.append(" ".join(words_of(str(v))))
        if len(set(shown)) != len(shown):
            raise self.fail(where, "field 'values' lists a value twice; list each once")
        value = spec.get("value", values[0])
        key = " ".join(words_of(str(value))) if isinstance(value, (str, int)) and not isinstance(value, bool) else None
        if key not in shown:
            raise self.fail(where, f"field 'value' is {_describe(value)}, which is not one of 'values'")
        item.dial = tuple(shown)
        self.flags[item.index] |= shown.index(key) << SLOT_SHIFT

    def _capacity(self, spec: dict, where: str) -> int | None:
        cap = self._get(spec, "capacity", int, where, None)
        if cap is not None and cap < 1:
            raise self.fail(where, f"field 'capacity' is {cap}; it must be at least 1 (or left out)")
        return cap

    def _place(self, table: dict, where: str, kinds: tuple[str, ...]) -> None:
        ent = self.by_id[table["id"]]
        holder = self._ref(self._get(table, "location", str, where), kinds, where, "location")
        if holder.kind == ITEM and not (holder.container or holder.supporter):
            raise self.fail(where, f"field 'location' names '{holder.id}', which is neither a "
                                   f"container nor a supporter")
        self.parent[ent.index] = holder.index

    def _check_placement(self) -> None:
        counts: dict[int, int] = {}
        for e, p in enumerate(self.parent):
            if p < 0:
                continue
            counts[p] = counts.get(p, 0) + 1
            seen = {e}
            while p >= 0:
                if p in seen:
                    raise self.fail(f"items '{self.entities[e].id}'", "field 'location' makes a loop "
                                    "(something ends up inside itself)")
                seen.add(p)
                p = self.parent[p]
        for holder, n in counts.items():
            cap = self.entities[holder].capacity
            if cap is not None and n > cap:
                raise self.fail(f"items '{self.entities[holder].id}'",
                                f"capacity is {cap} but {n} things start in it")

    # -- quests -----------------------------------------------------------------------

    def _quest(self, table: dict, i: int) -> Quest:
        where = f"quests[{i}]"
        ident = self._get(table, "id", str, where, f"quest{i + 1}")
        where = f"quests '{ident}'"
        actors_field = self._get(table, "actors", list, where,
                                 [next(e.id for e in self.entities if e.kind == ACTOR)])
        actors = tuple(self._ref(a, (ACTOR,), where, "actors").index for a in actors_field)
        goals = tuple(self._goal(g, f"{where}: goals[{j}]", actors)
                      for j, g in enumerate(self._get(table, "goals", list, where)))
        if not goals:
            raise self.fail(where, "field 'goals' is empty; a quest needs at least one goal")
        lose = tuple(self._goal(g, f"{where}: lose[{j}]", actors)
                     for j, g in enumerate(self._get(table, "lose", list, where, [])))
        return Quest(ident, actors, goals, lose, self._get(table, "description", str, where, ""))

    def _goal(self, table: Any, where: str, actors: tuple[int, ...]) -> Goal:
        if not isinstance(table, dict):
            raise self.fail(where, f"expected a table like {{ type = \"in\", item = \"...\", place = \"...\" }}, "
                                   f"got {_describe(table)}")
        kind = self._get(table, "type", str, where)
        if kind not in GOAL_TYPES:
            raise self.fail(where, f"field 'type' is '{kind}'; use one of {', '.join(GOAL_TYPES)}")
        allowed = set(GOAL_TYPES[kind]) | {"type", "points", "text", "once"}
        for key in table:
            if key not in allowed:
                raise self.fail(where, f"unknown field {_shown(key)} for a '{kind}' goal "
                                       f"(fields: {', '.join(sorted(allowed))})")
        subject_field, *rest = GOAL_TYPES[kind]
        subject_kinds = {"item": (ITEM,), "actor": (ACTOR,), "thing": (ITEM, DOOR)}[subject_field]
        subject = self._ref(table.get(subject_field), subject_kinds, where, subject_field)
        place = None
        value = self._goal_value(table, subject, where) if kind == "set" else 0
        if rest and kind != "set":
            place_kinds = (ROOM,) if rest[0] == "room" else (ROOM, ITEM, ACTOR)
            place = self._ref(table.get(rest[0]), place_kinds, where, rest[0])
        points = self._get(table, "points", int, where, 1)
        if points < 0:
            raise self.fail(where, f"field 'points' is {points}; points cannot be negative")
        self._check_achievable(kind, subject, place, where)
        return Goal(kind, subject.index, place.index if place else None, points,
                    self._get(table, "text", str, where, ""), value, self._get(table, "once", bool, where, False))

    def _goal_value(self, table: dict, subject: Entity, where: str) -> int:
        """The index of a 'set' goal's value among its dial's values."""
        if not subject.dial:
            raise self.fail(where, f"goal can never be met: '{subject.id}' is no dial "
                                   f"(give it dial = {{ values = [...] }})")
        value = table.get("value")
        if value is None:
            raise self.fail(where, "missing required field 'value'")
        key = " ".join(words_of(str(value))) if isinstance(value, (str, int)) and not isinstance(value, bool) else None
        if key not in subject.dial:
            raise self.fail(where, f"field 'value' is {_describe(value)}; '{subject.id}' can be set to "
                                   f"{', '.join(subject.dial)}")
        return subject.dial.index(key)

    def _check_achievable(self, kind: str, subject: Entity, place: Entity | None, where: str) -> None:
        """Catch goals that no sequence of commands could ever meet."""
        def no(reason: str) -> WorldFileError:
            return self.fail(where, f"goal can never be met: {reason}")
        if kind == "in":
            already = self.parent[subject.index] == place.index
            if not subject.portable and not already:
                raise no(f"'{subject.id}' is not portable")
            if place.kind == ITEM and not (place.container or place.supporter):
                raise no(f"'{place.id}' is neither a container nor a supporter")
            if place.index == subject.index:
                raise no(f"'{subject.id}' cannot be inside itself")
        if kind == "eaten" and not subject.food:
            raise no(f"'{subject.id}' is not food")
        if kind == "lit" and not subject.light:
            raise no(f"'{subject.id}' is not a light source")
        if kind == "worn" and not subject.wearable:
            raise no(f"'{subject.id}' is not wearable (add wearable = true)")
        if kind in ("open", "closed", "locked") and not subject.openable:
            raise no(f"'{subject.id}' cannot be opened or closed")
        if kind in ("locked", "unlocked") and subject.key is None:
            sealed = self.flags[subject.index] & LOCKED
            raise no(f"'{subject.id}' is locked for good (keyless)" if sealed else f"'{subject.id}' has no lock")
        if kind == "open" and subject.key is None and self.flags[subject.index] & LOCKED \
                and not self._switched(subject.id):
            raise no(f"'{subject.id}' is locked for good (keyless)")
        reachable = self._reachable_rooms()
        for ent in (subject, place):
            if ent is None:
                continue
            room = self._room_of(ent)
            if room is not None and room not in reachable:
                raise no(f"'{ent.id}' is in a room no actor can reach ('{self.entities[room].id}')")

    def _check_start(self, world: World) -> None:
        """Refuse goals (and lose conditions) that already hold before anyone moves: the
        points (or the loss) would come at reset, for nothing anyone did."""
        for quest in world.quests:
            for field, conds in (("goals", quest.goals), ("lose", quest.lose)):
                for j, cond in enumerate(conds):
                    if not cond.met(world):
                        continue
                    what = f"quests '{quest.id}': {field}[{j}] ({describe_goal(world, cond)!r})"
                    if field == "goals":
                        raise self.fail(what, "goal already holds at the start, so its points "
                                              "would be scored before any move; start the world "
                                              "with it unmet (place or set the thing otherwise) "
                                              "or remove the goal")
                    raise self.fail(what, "lose condition already holds at the start, so the "
                                          "quest would be lost before any move; start the world "
                                          "without it or remove it")

    def _room_of(self, ent: Entity) -> int | None:
        if ent.kind == ROOM:
            return ent.index
        if ent.kind == DOOR:
            return ent.rooms[0]
        e = ent.index
        while e >= 0 and self.entities[e].kind != ROOM:
            e = self.parent[e]
        return e if e >= 0 else None

    def _reachable_rooms(self) -> set[int]:
        if self._reachable is None:
            starts = [self.parent[e.index] for e in self.entities if e.kind == ACTOR]
            seen, queue = set(starts), deque(starts)
            while queue:
                for ex in self.entities[queue.popleft()].exits.values():
                    if ex.to not in seen:
                        seen.add(ex.to)
                        queue.append(ex.to)
            self._reachable = seen
        return self._reachable

    # -- the world ----------------------------------------------------------------------

    def _world(self, header: dict, quests: list[Quest]) -> World:
        actors = [e.index for e in self.entities if e.kind == ACTOR]
        player = None
        if "player" in header:
            player = self._ref(header["player"], (ACTOR,), "[world]", "player").index
        max_steps = self._get(header, "max_steps", int, "[world]", 200)
        if max_steps < 1:
            raise self.fail("[world]", f"field 'max_steps' is {max_steps}; it must be at least 1")
        state = State(self.parent, self.flags, [0] * len(actors), [0] * len(quests),
                      [False] * len(quests))
        return World(self.entities, quests, state,
                     title=self._get(header, "title", str, "[world]", Path(self.source).stem),
                     intro=self._get(header, "intro", str, "[world]", ""),
                     max_steps=max_steps, player=player, source=self.source, data=self.data,
                     hold_to_eat=self._get(header, "hold_to_eat", bool, "[world]", False))


def _entity_where(section: str, i: int, table: Any) -> str:
    """"rooms 'cellar'" when the table has a usable id, else "rooms[1]"."""
    ident = table.get("id") if isinstance(table, dict) else None
    return f"{section} '{ident}'" if isinstance(ident, str) and ident else f"{section}[{i}]"


def _shown(key: str) -> str:
    """A key as written in a one-line error: quoted, with odd characters escaped."""
    return f"'{key}'" if key.isprintable() else repr(key)


def _describe(value: Any) -> str:
    text = repr(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{type(value).__name__} {text}"


def _article(name: str) -> str:
    return ("an " if name[:1] in "aeiou" else "a ") + name
