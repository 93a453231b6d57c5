"""A small world builder for tests: world dicts in the world-file schema from short calls.

``new_world(...)`` returns the dict ``game.loader.world_from_dict`` reads (the same thing a
world file's TOML parses to), so a test world is a few lines that say what differs:

    new_world("Crowded", [room("hub", exits={"north": "n"}), room("n", exits={"south": "hub"})],
              actors=[player("hub")])

``write_world`` saves one as a world file, for tests that go through files (the viewer,
episode files, replay).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import tomli_w


def room(id: str, name: str | None = None, exits: dict | None = None, **fields: Any) -> dict:
    """A room; ``name`` defaults to the id capitalised, ``exits`` to none."""
    return {"id": id, "name": name or id.capitalize(), **({"exits": exits} if exits else {}), **fields}


def door(id: str, name: str, state: str, **fields: Any) -> dict:
    """A door ('open', 'closed' or 'locked'; a locked one names its ``key``)."""
    return {"id": id, "name": name, "state": state, **fields}


def item(id: str, name: str, location: str, **fields: Any) -> dict:
    """A thing at ``location`` (a room, a container, a supporter or an actor)."""
    return {"id": id, "name": name, "location": location, **fields}


def actor(id: str, name: str, location: str, **fields: Any) -> dict:
    return {"id": id, "name": name, "location": location, **fields}


def player(location: str) -> dict:
    """The player, 'you', standing in ``location``."""
    return actor("player", "you", location)


def goal_in(thing: str, place: str, text: str) -> dict:
    """A goal that holds while ``thing`` is in (or on, or held by) ``place``."""
    return {"type": "in", "item": thing, "place": place, "text": text}


def quest(id: str, actors: list[str], goals: list[dict], **fields: Any) -> dict:
    return {"id": id, "actors": actors, "goals": goals, **fields}


def new_world(title: str, rooms: list[dict], *, doors: list[dict] = (), items: list[dict] = (),
              actors: list[dict] = (), quests: list[dict] = (), **settings: Any) -> dict:
    """A world dict; ``settings`` go in its ``[world]`` table (``max_steps``, ...)."""
    data: dict[str, Any] = {"world": {"title": title, **settings}, "rooms": list(rooms)}
    for key, entries in (("doors", doors), ("items", items), ("actors", actors), ("quests", quests)):
        if entries:
            data[key] = list(entries)
    return data


def corridor(n: int, title: str = "Corridor") -> dict:
    """Rooms r0 .. r{n-1} in a line, each north of the one before; the player in r0."""
    rooms = [room(f"r{i}", f"Room {i}", {**({"north": f"r{i + 1}"} if i + 1 < n else {}),
                                         **({"south": f"r{i - 1}"} if i else {})})
             for i in range(n)]
    return new_world(title, rooms, actors=[player("r0")])


def write_world(path: Path, data: dict) -> Path:
    """Save ``data`` as a world file at ``path`` (TOML) and return the path."""
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path
