"""A hand-written world in other words and another compass (``reskin(data, rng)``).

Trained on a written world's walkthrough, the NPC learns it by heart: shown twelve of them a
few dozen times each, it wins them and nothing of them carries over to a thirteenth. A
reskin keeps what a world asks (its map, puzzles, goals and the author's prose) and changes
what can be memorised instead of read: every room, door and thing gets a new name from the
wide word lists (``game/vocabulary.py``), the old names are replaced by the new ones wherever
the author's prose, goals and notes mention them, and the whole map is turned and perhaps
mirrored (north may become east, and each direction word in the prose turns with it), so
the same walkthrough never reads the same twice. Actors keep their names (a player calls them
by name), and so do scenery and the world's title.

The result is a world file's dict; ``game.loader.world_from_dict`` checks it as any other.
"""

from __future__ import annotations

import copy
import random
import re
from pathlib import Path

from game import vocabulary as V
from game.loader import read_world_data, world_files, world_from_dict
from game.wide import Namer, RESERVED_WORDS, item_name
from game.world import World, words_of

COMPASS = ("north", "northeast", "east", "southeast", "south", "southwest", "west", "northwest")
# Fields that hold ids or states, never prose: left as they are.
_REFERENCES = frozenset({"id", "exits", "to", "door", "key", "location", "place", "item", "thing", "room",
                         "actor", "actors", "type", "state", "operated_from", "player", "target", "effect",
                         "value", "values", "light", "verb"})
# A compass word: its north/south part, a hyphen or none before east/west, that part, a suffix.
_DIRECTION = re.compile(r"\b(?:(north|south)(?:(-?)(east|west))?|(east|west))(ern|wards?)?\b", re.IGNORECASE)


def compass_turn(rng: random.Random) -> dict[str, str]:
    """One of the eight turns and mirrorings of the compass that keep its right angles, as a map
    from each of the eight directions to where it goes."""
    steps, mirrored = rng.randrange(4) * 2, rng.random() < 0.5
    turned = {}
    for i, word in enumerate(COMPASS):
        j = (-i if mirrored else i) + steps
        turned[word] = COMPASS[j % 8]
    return turned


def reskin(data: dict, rng: random.Random) -> dict:
    """A copy of the world file dict ``data`` with new names and a turned compass (see the module)."""
    data = copy.deepcopy(data)
    namer = Namer(rng)
    renamed: list[tuple[str, list[str], str]] = []  # (old name, old synonyms, new name)
    kept = _kept_words(namer, data)
    for room in data.get("rooms", []):
        _, new = namer.room()
        renamed.append((room["name"].lower(), [], new))
        room["name"] = new
    keys = {d["key"] for d in data.get("doors", []) if "key" in d} | \
           {i["container"]["key"] for i in data.get("items", []) if "key" in i.get("container", {})}
    for door in data.get("doors", []):
        _rename(door, _clear_of(kept, lambda: namer.thing(V.DOORS, V.DOOR_ADJECTIVES, bare=0.0)), renamed)
    for item in data.get("items", []):
        _rename(item, _clear_of(kept, lambda: item_name(namer, item, item["id"] in keys)), renamed)
    names = {old: new for old, _, new in renamed}
    _add_short_names(renamed, names, kept)
    turn = compass_turn(rng)
    for room in data.get("rooms", []):
        room["exits"] = {turn.get(way, way): exit_ for way, exit_ in room.get("exits", {}).items()}
    swap = _name_swapper(names)
    return _rewrite(data, lambda text: _turn_directions(swap(text), turn))


def reskinned_folder(folder: str | Path, count: int, seed: int = 0) -> list[tuple[str, World]]:
    """``count`` reskins of each world file in ``folder`` (by file name, then k), each drawn from
    its own seed: [('stem~k', World)]. Another ``seed`` gives other reskins of the same worlds."""
    worlds = []
    for path in world_files(folder):
        data = read_world_data(path)
        for k in range(count):
            drawn = reskin(data, random.Random(f"{seed}/{path.stem}/{k}"))
            worlds.append((f"{path.stem}~{k}", world_from_dict(drawn, f"{path} (reskin {k})")))
    return worlds


def _kept_words(namer: Namer, data: dict) -> set[str]:
    """The words of what keeps its name (actors, scenery), which no new name may use: a clash
    would make the parser ask which one is meant where the author's world never did. The old
    names are taken too, so no room or thing is given another's old name."""
    kept = [a.get("name", "") for a in data.get("actors", [])]
    for room in data.get("rooms", []):
        for scenery in room.get("scenery", []):
            kept += [scenery.get("name", ""), *scenery.get("synonyms", [])]
    namer.names.update(text.lower() for text in kept)
    namer.names.update(e["name"].lower() for s in ("rooms", "doors", "items") for e in data.get(s, []))  # all new
    return set(RESERVED_WORDS) | {w for text in kept for w in words_of(text)}


def _clear_of(kept: set[str], make) -> dict:
    """A name from ``make()`` none of whose words (synonyms too) is in ``kept``."""
    for _ in range(200):
        named = make()
        if not kept & {*words_of(named["name"]), *named["synonyms"]}:
            return named
    raise RuntimeError("no new name clear of the world's own words")  # not with lists this size


def _add_short_names(renamed: list[tuple[str, list[str], str]], names: dict[str, str], kept: set[str]) -> None:
    """Authors write 'the yard' for the Mill Yard and 'the berries' for the bunch of red berries:
    each renamed thing's synonyms, the words after its 'of' and its last word (``renamed``: old
    name, old synonyms, new name) become its new last word too, where no other renamed thing or
    kept word shares them."""
    owners: dict[str, set[str]] = {}
    for old, synonyms, new in renamed:
        phrases = {old.split(" of ", 1)[1]} if " of " in old else set()
        for phrase in phrases | {old.split()[-1], *(w.lower() for w in synonyms)}:
            owners.setdefault(phrase, set()).add(new)
    for phrase, news in owners.items():
        if len(news) == 1 and phrase not in names and not set(phrase.split()) & (kept | set(COMPASS)):
            names[phrase] = next(iter(news)).split()[-1]


def _rename(entity: dict, named: dict, renamed: list[tuple[str, list[str], str]]) -> None:
    renamed.append((entity["name"].lower(), list(entity.get("synonyms", [])), named["name"]))
    entity["name"] = named["name"]
    entity["adjectives"] = named["adjectives"]
    entity["synonyms"] = named["synonyms"]


def _name_swapper(names: dict[str, str]):
    """A function that replaces each old name in a text by its new one, longest first, in one
    pass (so a new name is never replaced again); a capital first letter stays capital."""
    if not names:
        return lambda text: text
    pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b",
                         re.IGNORECASE)

    def swap(text: str) -> str:
        def one(m: re.Match) -> str:
            new = names[m.group(0).lower()]
            return new[:1].upper() + new[1:] if m.group(0)[:1].isupper() else new.lower()
        return pattern.sub(one, text)
    return swap


def _turn_directions(text: str, turn: dict[str, str]) -> str:
    """``text`` with every compass word turned ('north', 'North-east', 'westward', 'southern')."""
    def one(m: re.Match) -> str:
        word = m.group(0)
        base = ((m.group(1) or "") + (m.group(3) or "") or m.group(4)).lower()
        new = turn[base]
        if len(new) > 5 and m.group(2):  # a diagonal written as the old one was: 'north-east'
            new = new[:5] + m.group(2) + new[5:]
        new += (m.group(5) or "").lower()
        return new[:1].upper() + new[1:] if word[:1].isupper() else new
    return _DIRECTION.sub(one, text)


def _rewrite(value, change, key: str | None = None):
    """``value`` with ``change`` applied to every string in it that is prose (not an id or a state)."""
    if isinstance(value, dict):
        return {k: (v if k in _REFERENCES else _rewrite(v, change, k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_rewrite(v, change, key) for v in value]
    if isinstance(value, str) and key not in ("name", "adjectives", "synonyms"):
        return change(value)
    return value
