"""TextWorld games -> Lantern worlds, read from the ``.json`` that ``tw-make`` writes.

The JSON is read as plain data (TextWorld itself is not imported), so anyone can import
a game. A TextWorld game is a list of facts (``at(o_0, r_1)``, ``north_of(r_1, r_0)``,
``locked(c_0)``, ``match(k_0, c_0)``...), each entity's names and text (``infos``), and
quests whose win and fail events are conjunctions of facts. They map as follows:

- rooms, exits (``north_of`` and the like), doors (``link``), containers, supporters,
  keys (``match``), food (``edible``), portable objects and fixed things keep
  TextWorld's names and text; Inform's ``[if ...]`` substitutions are dropped, since
  Lantern lists what lies about itself;
- a lock no key fits becomes ``keyless = true`` (locked for good);
- a quest's win condition becomes goals. With a single quest they must all hold at
  once, as in TextWorld; with several, TextWorld counts each quest from the moment its
  condition holds, so a one-fact condition becomes a ``once`` goal (unlock the door
  *then* open it) and a longer one plain goals that must hold together at the end
  (less any of its facts true from the start, which Lantern would score before any move);
- TextWorld's ``closed`` on a thing with a lock is Lantern's ``unlocked`` (shut, not
  locked); fail events of one fact become lose conditions.

Refused, with the reason: cooking (recipes, slicing, heat sources), any other
predicate or type Lantern has no rule for, quests won in one of several ways,
optional or repeatable quests, and fail events of several facts.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from game.errors import WorldFileError

# TextWorld's types that map: room, door, container, supporter, portable object, key,
# food, fixed thing, the player and the inventory.
TYPES = {"r", "d", "c", "s", "o", "k", "f", "t", "P", "I"}
DIRECTION_FACTS = {"north_of": "north", "south_of": "south", "east_of": "east", "west_of": "west"}
STATE_FACTS = {"open", "closed", "locked"}
FACTS = {"at", "in", "on", "match", "edible", "eaten", "link", "free", *DIRECTION_FACTS, *STATE_FACTS}
COOKING = {"cooked", "raw", "sliced", "chopped", "diced", "uncut", "roasted", "fried", "grilled",
           "burned", "needs_cooking", "part_of", "base", "sharp", "heat_source", "cookable", "cuttable",
           "ingredient_1", "ingredient_2", "ingredient_3", "ingredient_4", "ingredient_5", "RECIPE",
           "meal", "oven", "stove", "toaster"}
CANNOT = "Lantern has no rule for it"
_INFORM = re.compile(r"\[if [^\]]*\].*?\[end if\]|\[[^\]]*\]", re.DOTALL)
_SLUG = re.compile(r"[^a-z0-9]+")

Fact = tuple[str, tuple[str, ...]]


def import_textworld(path: str | Path, max_steps: int | None = None) -> tuple[dict[str, Any], list[str]]:
    """Read a TextWorld game's JSON; return (Lantern world dict, TextWorld's walkthrough).

    Raises:
        WorldFileError: one line naming the file and the field, for JSON that is not a
            TextWorld game or a game with something Lantern cannot play.
    """
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WorldFileError(f"{p}: no such file; give the .json that tw-make wrote beside the game") from None
    except IsADirectoryError:
        raise WorldFileError(f"{p}: is a folder; give the .json that tw-make wrote beside the game") from None
    except OSError as exc:
        raise WorldFileError(f"{p}: cannot read it ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise WorldFileError(f"{p}: not UTF-8 text ({exc.reason}); give TextWorld's .json file") from None
    except (json.JSONDecodeError, RecursionError) as exc:
        raise WorldFileError(f"{p}: not JSON ({str(exc) or 'nested too deeply'}); give TextWorld's .json file") \
            from None
    return _Importer(data, str(p)).build(max_steps)


class _Importer:
    """Checks the game's JSON field by field and lays out the world dict."""

    def __init__(self, data: Any, source: str) -> None:
        self.source = source
        self.data = self._table(data, "top level", ("world", "infos", "quests"))
        self.types: dict[str, str] = {}
        self.ids: dict[str, str] = {}

    def fail(self, where: str, problem: str) -> WorldFileError:
        return WorldFileError(f"{self.source}: {where}: {problem}")

    # -- reading ------------------------------------------------------------------

    def _table(self, value: Any, where: str, required: tuple[str, ...]) -> dict:
        if not isinstance(value, dict):
            raise self.fail(where, f"expected an object, got {_kind(value)}; is this TextWorld's game .json?")
        for key in required:
            if key not in value:
                raise self.fail(where, f"missing field '{key}'; is this TextWorld's game .json?")
        return value

    def _list(self, value: Any, where: str) -> list:
        if not isinstance(value, list):
            raise self.fail(where, f"expected a list, got {_kind(value)}")
        return value

    def _text(self, value: Any, where: str, default: str | None = None) -> str:
        if value is None and default is not None:
            return default
        if not isinstance(value, str):
            raise self.fail(where, f"expected text, got {_kind(value)}")
        return value

    def _fact(self, value: Any, where: str) -> Fact:
        table = self._table(value, where, ("name", "arguments"))
        name = self._text(table["name"], f"{where}.name")
        args = []
        for i, arg in enumerate(self._list(table["arguments"], f"{where}.arguments")):
            arg = self._table(arg, f"{where}.arguments[{i}]", ("name",))
            args.append(self._text(arg["name"], f"{where}.arguments[{i}].name"))
        return name, tuple(args)

    def _check_fact(self, fact: Fact, where: str) -> None:
        name, args = fact
        if name in COOKING:
            raise self.fail(where, f"'{name}' belongs to TextWorld's cooking games, which Lantern does not have "
                                   f"(no recipes, cutting or heat); import a game without cooking")
        if name not in FACTS:
            raise self.fail(where, f"predicate '{name}' is not supported ({CANNOT}); known: "
                                   f"{', '.join(sorted(FACTS))}")
        arity = 3 if name == "link" else 1 if name in STATE_FACTS | {"edible", "eaten"} else 2
        if len(args) != arity:
            raise self.fail(where, f"'{name}' takes {arity} argument(s), got {len(args)}")
        for arg in args:
            if arg not in self.types:
                raise self.fail(where, f"'{name}' names '{arg}', which is not in 'infos'")

    # -- entities -------------------------------------------------------------------

    def _infos(self) -> dict[str, dict]:
        infos: dict[str, dict] = {}
        for i, entry in enumerate(self._list(self.data["infos"], "infos")):
            where = f"infos[{i}]"
            if not isinstance(entry, list) or len(entry) != 2:
                raise self.fail(where, f"expected a pair [id, info], got {_kind(entry)}")
            ident = self._text(entry[0], where)
            info = self._table(entry[1], f"infos '{ident}'", ("type",))
            kind = self._text(info["type"], f"infos '{ident}'.type")
            if kind in COOKING:
                raise self.fail(f"infos '{ident}'.type", f"'{kind}' belongs to TextWorld's cooking games, which "
                                                         f"Lantern does not have; import a game without cooking")
            if kind not in TYPES:
                raise self.fail(f"infos '{ident}'.type", f"type '{kind}' is not supported ({CANNOT}); known: "
                                                         f"{', '.join(sorted(TYPES))}")
            if ident in infos:
                raise self.fail(where, f"'{ident}' is listed twice")
            infos[ident] = info
            self.types[ident] = kind
        if list(self.types.values()).count("P") != 1:
            raise self.fail("infos", "a game needs exactly one player (type 'P')")
        return infos

    def _name(self, ident: str, info: dict) -> str:
        name = self._text(info.get("name"), f"infos '{ident}'.name", "" if self.types[ident] in "PI" else None)
        if self.types[ident] not in "PI" and not re.search(r"[A-Za-z0-9]", name):
            raise self.fail(f"infos '{ident}'.name", "needs a word")
        return name.strip()

    def _assign_ids(self, infos: dict[str, dict]) -> None:
        """Readable Lantern ids from the names (``antique_trunk``), unique in the world."""
        taken = {"player"}
        for ident, info in infos.items():
            if self.types[ident] == "P":
                self.ids[ident] = "player"
                continue
            base = _SLUG.sub("_", self._name(ident, info).lower()).strip("_") or ident.lower()
            base = base if base[0].isalpha() else f"x_{base}"
            out, n = base, 2
            while out in taken:
                out, n = f"{base}_{n}", n + 1
            taken.add(out)
            self.ids[ident] = out

    # -- the world ------------------------------------------------------------------

    def build(self, max_steps: int | None) -> tuple[dict[str, Any], list[str]]:
        infos = self._infos()
        self._assign_ids(infos)
        facts = [self._fact(f, f"world[{i}]") for i, f in enumerate(self._list(self.data["world"], "world"))]
        for i, fact in enumerate(facts):
            self._check_fact(fact, f"world[{i}] ({_shown(fact)})")
        walkthrough = self._walkthrough()
        limit = max_steps or max(50, 4 * len(walkthrough) + 20)
        world = {"world": {"title": self._title(), "max_steps": limit, "player": "player", "hold_to_eat": True},
                 **self._entities(infos, facts)}
        world["quests"] = [self._quest(world, facts)]  # the objective is its description
        return world, walkthrough

    def _entities(self, infos: dict[str, dict], facts: list[Fact]) -> dict[str, Any]:
        where: dict[str, str] = {}
        for name, args in facts:
            if name in ("at", "in", "on"):
                thing, holder = args
                if thing in where:
                    raise self.fail("world", f"'{thing}' is in two places ('{where[thing]}' and '{holder}')")
                where[thing] = holder
        rooms = [i for i in infos if self.types[i] == "r"]
        if not rooms:
            raise self.fail("infos", "a game needs at least one room (type 'r')")
        player = next(i for i in infos if self.types[i] == "P")
        if self.types.get(where.get(player, ""), "") != "r":
            raise self.fail("world", f"the player '{player}' is in no room (no fact at({player}, r))")
        out: dict[str, Any] = {"rooms": [self._room(r, infos[r], facts) for r in rooms],
                               "doors": [], "items": [],
                               "actors": [{"id": "player", "name": "Player", "location": self.ids[where[player]]}]}
        for ident, info in infos.items():
            kind = self.types[ident]
            if kind == "d":
                out["doors"].append(self._door(ident, info, facts))
            elif kind in "csokft":
                if ident not in where:
                    raise self.fail("world", f"'{ident}' ({self._name(ident, info)}) is nowhere: no at/in/on fact")
                holder = where[ident]
                location = "player" if self.types[holder] in "PI" else self.ids[holder]
                out["items"].append(self._item(ident, info, facts, location))
        return out

    def _room(self, ident: str, info: dict, facts: list[Fact]) -> dict[str, Any]:
        exits: dict[str, Any] = {}
        doors = {(a[0], a[2]): a[1] for n, a in facts if n == "link"}
        for name, args in facts:
            if name in DIRECTION_FACTS and args[1] == ident:
                to = args[0]
                if self.types[to] != "r":
                    raise self.fail("world", f"{name}({to}, {ident}) must join two rooms")
                door = doors.get((ident, to))
                exits[DIRECTION_FACTS[name]] = {"to": self.ids[to], "door": self.ids[door]} if door \
                    else self.ids[to]
        desc = self._text(info.get("desc"), f"infos '{ident}'.desc", "")
        room = {"id": self.ids[ident], "name": self._name(ident, info).title(),
                "description": _clean(desc.strip().split("\n\n")[0])}
        if exits:
            room["exits"] = exits
        return room

    def _lid(self, ident: str, facts: list[Fact]) -> dict[str, Any]:
        states = [n for n, a in facts if n in STATE_FACTS and a == (ident,)]
        if len(states) > 1:
            raise self.fail("world", f"'{ident}' is both {' and '.join(states)}")
        spec: dict[str, Any] = {"state": states[0] if states else "open"}
        keys = [a[0] for n, a in facts if n == "match" and a[1] == ident]
        if len(keys) > 1:
            raise self.fail("world", f"'{ident}' has {len(keys)} keys (match facts); Lantern gives a lock one key")
        if keys:
            spec["key"] = self.ids[keys[0]]
        elif spec["state"] == "locked":
            spec["keyless"] = True  # no key fits: locked for good, as in TextWorld
        return spec

    def _common(self, ident: str, info: dict) -> dict[str, Any]:
        ent = {"id": self.ids[ident], "name": self._name(ident, info)}
        adj = self._text(info.get("adj"), f"infos '{ident}'.adj", "")
        words = [w for w in re.findall(r"[a-z0-9]+", adj.lower())]
        if words:
            ent["adjectives"] = words
        desc = _clean(self._text(info.get("desc"), f"infos '{ident}'.desc", ""))
        if desc:
            ent["description"] = desc
        return ent

    def _door(self, ident: str, info: dict, facts: list[Fact]) -> dict[str, Any]:
        return {**self._common(ident, info), **self._lid(ident, facts)}

    def _item(self, ident: str, info: dict, facts: list[Fact], location: str) -> dict[str, Any]:
        kind = self.types[ident]
        item = {**self._common(ident, info), "location": location}
        if kind in "cst":
            item["portable"] = False
        if kind == "c":
            item["container"] = {**self._lid(ident, facts), "openable": True}
        elif kind == "s":
            item["supporter"] = {}
        if kind == "f":  # TextWorld's eat rule asks only for food; 'edible' is for cooking
            item["food"] = True
        return item

    # -- the quest --------------------------------------------------------------------

    def _quest(self, world: dict[str, Any], facts: list[Fact]) -> dict[str, Any]:
        locks = {d["id"] for d in world["doors"] if "key" in d or d["state"] == "locked"}
        locks |= {i["id"] for i in world["items"] if "key" in i.get("container", {})
                  or i.get("container", {}).get("state") == "locked"}
        wins, fails = self._events()
        several = len(wins) > 1
        goals: list[dict[str, Any]] = []
        for qi, condition in wins:
            if len(condition) > 1:  # a fact true from the start (be in this room) is no step to score
                condition = [f for f in condition if f not in facts] or condition
            for fact in condition:
                goal = self._goal(fact, f"quests[{qi}]", locks)
                if several and len(condition) == 1:
                    goal["once"] = True  # TextWorld counts this quest from the moment it holds
                if goal not in goals:
                    goals.append(goal)
        if not goals:
            raise self.fail("quests", "no quest has a win condition; Lantern needs something to win")
        lose = []
        for qi, condition in fails:
            if len(condition) != 1:
                raise self.fail(f"quests[{qi}].fail_events", f"a loss needs {len(condition)} facts at once "
                                                             f"({', '.join(map(_shown, condition))}); Lantern "
                                                             f"loses on one fact")
            lose.append(self._goal(condition[0], f"quests[{qi}].fail_events", locks))
        quest = {"id": "textworld", "actors": ["player"], "description": _clean(self._objective()),
                 "goals": goals}
        if lose:
            quest["lose"] = lose
        return quest

    def _events(self) -> tuple[list[tuple[int, list[Fact]]], list[tuple[int, list[Fact]]]]:
        """Each quest's win condition and fail conditions, as lists of facts."""
        wins, fails = [], []
        for qi, quest in enumerate(self._list(self.data["quests"], "quests")):
            where = f"quests[{qi}]"
            quest = self._table(quest, where, ())
            for flag in ("optional", "repeatable"):
                if quest.get(flag):
                    raise self.fail(f"{where}.{flag}", f"an {flag} quest has no counterpart in Lantern, "
                                                       f"where every goal counts once")
            events = self._list(quest.get("win_events", []), f"{where}.win_events")
            if len(events) > 1:
                raise self.fail(f"{where}.win_events", f"the quest is won in one of {len(events)} ways; a "
                                                       f"Lantern goal is one condition")
            for field, out, chosen in (("win_events", wins, events),
                                       ("fail_events", fails, quest.get("fail_events", []))):
                for ei, event in enumerate(self._list(chosen, f"{where}.{field}")):
                    at = f"{where}.{field}[{ei}].condition"
                    cond = self._table(self._table(event, f"{where}.{field}[{ei}]", ("condition",))["condition"],
                                       at, ("preconditions",))
                    condition = [self._fact(f, f"{at}.preconditions[{j}]")
                                 for j, f in enumerate(self._list(cond["preconditions"], f"{at}.preconditions"))]
                    for j, fact in enumerate(condition):
                        self._check_fact(fact, f"{at}.preconditions[{j}] ({_shown(fact)})")
                    if condition:
                        out.append((qi, condition))
        return wins, fails

    def _goal(self, fact: Fact, where: str, locks: set[str]) -> dict[str, Any]:
        name, args = fact
        ids = [self.ids[a] if self.types[a] not in "PI" else "player" for a in args]
        kinds = [self.types[a] for a in args]
        if name == "at" and kinds[0] == "P":
            return {"type": "at", "actor": "player", "room": ids[1]}
        if name in ("at", "in", "on") and kinds[0] in "okf":
            return {"type": "in", "item": ids[0], "place": ids[1]}
        if name == "closed" and ids[0] in locks:
            return {"type": "unlocked", "thing": ids[0]}
        if name in STATE_FACTS:
            return {"type": name, "thing": ids[0]}
        if name == "eaten":
            return {"type": "eaten", "item": ids[0]}
        raise self.fail(where, f"a goal '{_shown(fact)}' has no Lantern goal type ({CANNOT})")

    def _objective(self) -> str:
        return self._text(self.data.get("objective"), "objective", "")

    def _title(self) -> str:
        meta = self.data.get("metadata") or {}
        if not isinstance(meta, dict):
            raise self.fail("metadata", f"expected an object, got {_kind(meta)}")
        return self._text(meta.get("desc"), "metadata.desc", "TextWorld game") or "TextWorld game"

    def _walkthrough(self) -> list[str]:
        """TextWorld's own walkthrough: the metadata's, else the quests' commands in order."""
        meta = self.data.get("metadata") or {}
        steps = meta.get("walkthrough") if isinstance(meta, dict) else None
        if steps is None:
            quests = [q for q in self.data["quests"] if isinstance(q, dict) and q.get("commands")]
            steps = max((q["commands"] for q in quests), key=len, default=[])
        steps = self._list(steps, "metadata.walkthrough")
        return [self._text(s, f"metadata.walkthrough[{i}]") for i, s in enumerate(steps)]


def _clean(text: str) -> str:
    """TextWorld's text without Inform's substitutions, in one line, capitalised."""
    text = " ".join(_INFORM.sub(" ", text).split())
    if text[-1:].isalnum():
        text += "."
    return text[:1].upper() + text[1:]


def _shown(fact: Fact) -> str:
    return f"{fact[0]}({', '.join(fact[1])})"


def _kind(value: Any) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text[:37] + '...' if len(text) > 40 else text}"


def replay_walkthrough(world, steps: list[str]) -> str | None:
    """Play TextWorld's walkthrough in the Lantern world; None if it wins, else why not.

    A TextWorld command that changes nothing in Lantern (other than looking) is named,
    with Lantern's reply, as the likely place where the two games part.
    """
    from game.env import LanternEnv
    env = LanternEnv(world, max_steps=max(world.max_steps, len(steps) + 1))
    env.reset(seed=0)
    stuck = None
    for i, command in enumerate(steps, start=1):
        before = world.state.digest()
        reply, *_, info = env.step(command)
        if stuck is None and world.state.digest() == before and (command.split() or [""])[0] not in ("look", "examine",
                                                                                          "inventory", "l", "x"):
            stuck = f"step {i} '{command}' changed nothing (Lantern said: {' '.join(reply.split())[:80]})"
        if info["won"]:
            return None
        if info["lost"]:
            return f"step {i} '{command}' loses the Lantern game"
    return f"it ends without a win ({stuck or 'every step ran'})"
