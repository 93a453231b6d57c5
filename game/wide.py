"""Renaming a generated world's design with the wide vocabulary (``game/vocabulary.py``).

``widen(data, rng)`` takes the schema dict the plain generator designed and gives every
room, door and thing a new name, synonyms, adjectives and description drawn from the
wide word lists, and every goal a phrasing of its own; the quest gets a description, as
a written world's has, and where there is food no goal asks for, often a warning not to
eat one of them (a lose condition: the optimal walkthrough never eats it). Some of the things
a goal asks to be carried somewhere are foods, as in written worlds (crusts for the ducks, an
apple for the stove): eating one loses the quest (a lose condition, as it could no longer be
won). Some goals are of kinds the plain generator never writes and written worlds often do:
keep a thing with you, or end the game in a given room. Some passages between rooms also take
other exit words (up/down, in/out, the diagonals), as hand-written maps do,
so the compass of the plain grid is not the only way out of a room. Which rooms join
which, the things and where they start are untouched: a wide world without those other
goals is the plain world of the same seed in other words, so it is exactly as hard and
exactly as solvable (the same optimal walkthrough wins it; only eating a wanted or
warned-off food is a new way to fail), and a policy that wins one but not the other is
reading the generator's words rather than the task. ``plain_puzzle(data)`` tells which
wide worlds are such.
"""

from __future__ import annotations

import random
import re

from game import vocabulary as V
from game.vocabulary import Noun
from game.world import OPPOSITE, words_of

RESERVED_IDS = frozenset({"player", "ada"})  # the actors' ids (the companion's too)
RESERVED_WORDS = frozenset({"you", "ada", "keeper", "companion"})  # words that name the actors
_A_BEFORE_VOWEL = re.compile(r"\b([Aa]) (?=[aeiouAEIOU])")
# Exit words a passage may take instead of its compass pair, and how often one does.
OTHER_EXITS = ("up", "down", "in", "out", "northeast", "northwest", "southeast", "southwest")
OTHER_EXIT_SHARE = 0.3
FORBIDDEN_SHARE = 0.6  # of worlds with food no goal asks for: one of them may not be eaten
FOOD_DELIVERY_SHARE = 0.3  # of the things goals ask to be carried: a food (to carry, not to eat)
HOLD_SHARE = 0.15  # of the things goals ask to be carried somewhere: to be kept in hand instead
AT_SHARE = 0.25  # of worlds: one more goal, to end the game in a given room


class Namer:
    """Draws unique names (and ids) for one world from the wide word lists."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.names: set[str] = set()
        self.ids: set[str] = set(RESERVED_IDS)

    def _claim(self, make) -> str:
        """A name from ``make()`` whose lower case and id are new in this world."""
        for _ in range(500):
            name = make()
            ident = "_".join(words_of(name))
            if name.lower() not in self.names and ident not in self.ids:
                self.names.add(name.lower())
                self.ids.add(ident)
                return name
        raise RuntimeError("the wide vocabulary ran out of names")  # not with lists this size

    def room(self) -> tuple[str, str]:
        """(id, name) of a new room."""
        name = self._claim(lambda: self.rng.choice(V.ROOMS))
        return "_".join(words_of(name)), name

    def thing(self, nouns: tuple[Noun, ...], adjectives: tuple[str, ...] | None = None,
              bare: float = 0.1) -> dict:
        """A new thing's id, name, adjectives and synonyms.

        Args:
            nouns: the kinds it may be.
            adjectives: the words it may be called by; None: the ones that suit its noun
                (materials, colours, sizes, ages, conditions).
            bare: the chance of a name with no adjective at all.
        """
        rng = self.rng
        chosen: list[Noun] = []

        def make() -> str:
            noun = rng.choice(nouns)
            chosen[:] = [noun]
            roll = rng.random()
            if roll < bare:
                picked = []
            elif adjectives:
                picked = [rng.choice(adjectives)]
            elif roll < bare + 0.35:  # a quality before a material or colour: 'worn leather satchel'
                picked = [rng.choice(V.SIZES + V.AGES + V.CONDITIONS), rng.choice(self._kind(noun))]
            else:
                picked = [rng.choice(self._suits(noun))]
            own = set(noun.phrase.split())
            return " ".join([*dict.fromkeys(w for w in picked if w not in own), noun.phrase])

        name = self._claim(make)
        words = words_of(name)
        return {"id": "_".join(words), "name": name, "adjectives": words[:-1],
                "synonyms": list(chosen[0].synonyms)}

    def _kind(self, noun: Noun) -> tuple[str, ...]:
        """Material and colour words that suit ``noun`` (sizes and conditions when none do)."""
        words: list[str] = []
        for m in noun.materials:
            words += V.MATERIALS[m]
        if any(m in V.COLOURED for m in noun.materials):
            words += V.COLOURS
        return tuple(words) or V.CONDITIONS

    def _suits(self, noun: Noun) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self._kind(noun) + V.SIZES + V.AGES + V.CONDITIONS))

    def pick(self, options: tuple[str, ...], **slots: str) -> str:
        """One template of ``options`` with its slots filled ('a' before a vowel made 'an')."""
        return _A_BEFORE_VOWEL.sub(r"\1n ", self.rng.choice(options).format(**slots))


def widen(data: dict, rng: random.Random, vary_goals: bool = True) -> dict:
    """The plain design ``data`` with every name, description and goal text drawn anew (and,
    with ``vary_goals``, sometimes goals of other kinds)."""
    namer = Namer(rng)
    keys = {d["key"] for d in data["doors"] if "key" in d} | \
           {i["container"]["key"] for i in data["items"] if "key" in i.get("container", {})}
    new_id: dict[str, str] = {}
    for room in data["rooms"]:
        new_id[room["id"]], room["name"] = namer.room()
        room["description"] = _room_prose(namer, room)
    room_name = {r["id"]: r["name"] for r in data["rooms"]}
    for door in data["doors"]:
        _rename(door, namer.thing(V.DOORS, V.DOOR_ADJECTIVES, bare=0.0), new_id)
        a, b = _door_sides(data["rooms"], door["id"])
        door["description"] = namer.pick(V.DOOR_TEMPLATES, name=door["name"], a=room_name[a].lower(),
                                         b=room_name[b].lower())
    _make_some_deliveries_food(data, rng)
    for item in data["items"]:
        _rename(item, item_name(namer, item, item["id"] in keys), new_id)
        item["description"] = _item_prose(namer, item, item["id"] in keys)
    _prune_synonyms(data)
    _reword_exits(data["rooms"], rng)
    return _relink(data, new_id, namer, room_name, vary_goals)


def _reword_exits(rooms: list[dict], rng: random.Random) -> None:
    """Give some passages another exit word pair (up/down, in/out, a diagonal) on both sides."""
    by_id = {r["id"]: r for r in rooms}
    for room in rooms:
        for direction, exit_ in list(room["exits"].items()):
            if direction not in ("north", "east") or rng.random() >= OTHER_EXIT_SHARE:
                continue  # each passage is seen once, from its south or west end
            other = by_id[exit_["to"] if isinstance(exit_, dict) else exit_]
            back = OPPOSITE[direction]
            if back not in other["exits"]:
                continue
            free = [w for w in OTHER_EXITS if w not in room["exits"] and OPPOSITE[w] not in other["exits"]]
            if free:
                word = rng.choice(free)
                room["exits"][word] = room["exits"].pop(direction)
                other["exits"][OPPOSITE[word]] = other["exits"].pop(back)


def _make_some_deliveries_food(data: dict, rng: random.Random) -> None:
    """Turn some of the plain things that goals ask to be carried somewhere into foods: the
    generator's foods are only ever to be eaten, written worlds' are often to be delivered."""
    delivered = {g["item"] for q in data["quests"] for g in q["goals"] if g["type"] == "in"}
    for item in data["items"]:
        plain = not ({"food", "light", "container", "supporter"} & item.keys())
        if item["id"] in delivered and plain and rng.random() < FOOD_DELIVERY_SHARE:
            item["food"] = True


def item_name(namer: Namer, item: dict, is_key: bool) -> dict:
    if is_key:
        if namer.rng.random() < 0.2:
            return namer.thing(V.CARDS, V.CARD_ADJECTIVES)
        return namer.thing(V.KEYS, V.KEY_ADJECTIVES)
    if "light" in item:
        return namer.thing(V.LIGHTS, V.LIGHT_ADJECTIVES)
    if item.get("food"):
        return namer.thing(V.FOODS, V.FOOD_ADJECTIVES, bare=0.15)
    if "container" in item:
        return namer.thing(V.CONTAINERS)
    if "supporter" in item:
        return namer.thing(V.SUPPORTERS)
    return namer.thing(V.TRINKETS)


def _item_prose(namer: Namer, item: dict, is_key: bool) -> str:
    detail = namer.rng.choice(V.THING_DETAILS)
    if is_key:
        templates = V.KEY_TEMPLATES
    elif "light" in item:
        templates = V.LIGHT_TEMPLATES
    elif item.get("food"):
        templates = V.FOOD_TEMPLATES
    elif "container" in item or "supporter" in item:
        templates = V.FIXTURE_TEMPLATES
    else:
        templates = V.THING_TEMPLATES
    return namer.pick(templates, name=item["name"], detail=detail)


def _room_prose(namer: Namer, room: dict) -> str:
    rng = namer.rng
    mood, mood2 = rng.sample(V.ROOM_MOODS, 2)
    text = namer.pick(V.ROOM_TEMPLATES, room=room["name"].lower(), mood=mood, mood2=mood2,
                      smell=rng.choice(V.ROOM_SMELLS), feature=rng.choice(V.ROOM_FEATURES),
                      sound=rng.choice(V.ROOM_SOUNDS))
    text = text[:1].upper() + text[1:]
    return text + " " + rng.choice(V.DARK_NOTES) if room.get("dark") else text


def _rename(entity: dict, named: dict, new_id: dict[str, str]) -> None:
    """Give ``entity`` its new name; its id changes everywhere in ``_relink``."""
    new_id[entity["id"]] = named["id"]
    entity["name"] = named["name"]
    entity["synonyms"] = named["synonyms"]
    if named["adjectives"]:
        entity["adjectives"] = named["adjectives"]


def _door_sides(rooms: list[dict], door: str) -> tuple[str, str]:
    sides = [r["id"] for r in rooms for ex in r["exits"].values()
             if isinstance(ex, dict) and ex.get("door") == door]
    return sides[0], sides[1]


def _prune_synonyms(data: dict) -> None:
    """Keep only synonyms no other thing answers to, so each one names its thing alone."""
    things = data["doors"] + data["items"]
    words = [set(words_of(t["name"])) | set(t.get("adjectives", ())) | set(t["synonyms"]) for t in things]
    for i, thing in enumerate(things):
        others = set().union(*(w for j, w in enumerate(words) if j != i)) | RESERVED_WORDS
        thing["synonyms"] = [s for s in thing["synonyms"] if s not in others]


def _relink(data: dict, new_id: dict[str, str], namer: Namer, room_name: dict[str, str], vary_goals: bool) -> dict:
    """Replace every old id by its new one, and phrase each goal."""
    for room in data["rooms"]:
        room["id"] = new_id[room["id"]]
        room["exits"] = {d: ({**ex, "to": new_id[ex["to"]], "door": new_id[ex["door"]]}
                             if isinstance(ex, dict) else new_id[ex]) for d, ex in room["exits"].items()}
    for door in data["doors"]:
        door["id"] = new_id[door["id"]]
        if "key" in door:
            door["key"] = new_id[door["key"]]
    for item in data["items"]:
        item["id"], item["location"] = new_id[item["id"]], new_id[item["location"]]
        if "key" in item.get("container", {}):
            item["container"]["key"] = new_id[item["container"]["key"]]
    for actor in data["actors"]:
        actor["location"] = new_id[actor["location"]]
    by_id = {e["id"]: e for e in data["rooms"] + data["doors"] + data["items"]}
    for quest in data["quests"]:
        for goal in quest["goals"]:
            _phrase_goal(goal, new_id, namer, by_id)
        if vary_goals:
            _vary_goals(quest, data, namer, by_id)
    for quest in data["quests"]:
        _describe(quest, data["items"], namer)
    rng = namer.rng
    title = namer.pick(V.TITLES, a=rng.choice(V.TITLE_A), n=rng.choice(V.TITLE_N), b=rng.choice(V.TITLE_B))
    data["world"]["title"] = title
    data["world"]["intro"] = f"Welcome to {title}. Type 'help' if you need it."
    return data


def _describe(quest: dict, items: list[dict], namer: Namer) -> None:
    """Give ``quest`` a description (its goals' texts, an opener and perhaps a warning) and lose
    conditions: eating a food a goal asks to be carried (the quest can no longer be won, and the
    game says so at once), and, with the warning, eating a food that no goal asks for."""
    wanted = {g["item"] for g in quest["goals"] if "item" in g}
    delivered = {g["item"] for g in quest["goals"] if g["type"] == "in"}
    foods = [i for i in items if i.get("food")]
    spare = [i for i in foods if i["id"] not in wanted]
    lose = [{"type": "eaten", "item": i["id"]} for i in foods if i["id"] in delivered]
    parts = [namer.rng.choice(V.QUEST_OPENERS)] + [g["text"] for g in quest["goals"]]
    if spare and namer.rng.random() < FORBIDDEN_SHARE:
        food = namer.rng.choice(spare)
        parts.append(namer.pick(V.FORBIDDEN, **_item_slots(food["name"])))
        lose.append({"type": "eaten", "item": food["id"]})
    if lose:
        quest["lose"] = lose
    quest["description"] = " ".join(p for p in parts if p)


def _vary_goals(quest: dict, data: dict, namer: Namer, by_id: dict[str, dict]) -> None:
    """Goals of the kinds written worlds have and the plain generator lacks: some things to deliver
    are to be kept in hand instead, and some quests end in a given room (not where the player
    starts)."""
    rng, player = namer.rng, data["actors"][0]
    for goal in quest["goals"]:
        if goal["type"] == "in" and rng.random() < HOLD_SHARE:
            goal["place"] = player["id"]
            goal["text"] = namer.pick(V.GOALS_HOLD, **_item_slots(by_id[goal["item"]]["name"]))
    rooms = [r for r in data["rooms"] if r["id"] != player["location"]]
    if rooms and rng.random() < AT_SHARE:
        room = rng.choice(rooms)
        quest["goals"].append({"type": "at", "actor": player["id"], "room": room["id"],
                               "text": namer.pick(V.GOALS_AT, room=room["name"])})


def plain_puzzle(data: dict) -> bool:
    """Whether a wide world's goals are its plain world's (no goal kept in hand, none to end in a room)."""
    ids = {a["id"] for a in data["actors"]}
    return all(g["type"] != "at" and g.get("place") not in ids for q in data["quests"] for g in q["goals"])


def _item_slots(name: str) -> dict[str, str]:
    """A template's {item} and {Item} slots for the thing ``name``."""
    item = "the " + name
    return {"item": item, "Item": item[:1].upper() + item[1:]}


def _phrase_goal(goal: dict, new_id: dict[str, str], namer: Namer, by_id: dict[str, dict]) -> None:
    goal["item"] = new_id[goal["item"]]
    slots = _item_slots(by_id[goal["item"]]["name"])
    if goal["type"] == "eaten":
        goal["text"] = namer.pick(V.GOALS_EAT, **slots)
        return
    goal["place"] = new_id[goal["place"]]
    place = by_id[goal["place"]]
    if "exits" in place:  # a room
        goal["text"] = namer.pick(V.GOALS_ROOM, room=place["name"], **slots)
    else:
        options = V.GOALS_ON if "supporter" in place else V.GOALS_IN
        goal["text"] = namer.pick(options, place="the " + place["name"], **slots)
