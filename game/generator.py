"""Seeded procedural worlds by difficulty, written in the world file schema.

``generate(difficulty, seed)`` builds a dict in exactly the schema hand-written
world files use, loads it through the same loader, and checks with the solver
that it can be won before returning it. Layout is a grid of rooms grown as a tree
(plus a few loops at higher levels); locked doors get keys placed on the side
already reachable, so every level is solvable by construction and the solver
confirms it.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass, replace


from game.loader import world_from_dict
from game.solver import Unsolvable, solve
from game.world import OPPOSITE, World

MAX_DIFFICULTY = 6
# A design the solver cannot finish within this many states is replaced by the next
# attempt: it keeps generation fast, and every world returned has a known walkthrough.
GENERATOR_NODE_LIMIT = 6_000

GRID_STEPS = {"north": (0, -1), "south": (0, 1), "east": (1, 0), "west": (-1, 0),
              "northeast": (1, -1), "northwest": (-1, -1), "southeast": (1, 1), "southwest": (-1, 1)}


@dataclass(frozen=True)
class GeneratorConfig:
    """What a level contains.

    Attributes:
        rooms: number of rooms.
        goals: number of goals in the player's quest.
        locked_doors: doors that need a key.
        closed_doors: doors that are merely closed.
        containers: containers placed (some hold goal items or keys).
        locked_containers: containers that need a key of their own.
        supporters: tables, shelves and the like.
        distractors: portable things no goal needs.
        dark_rooms: rooms that need a light source to see in.
        loops: extra connections between neighbouring rooms.
        diagonals: allow northeast/northwest/... exits.
        food_goals: at most this many goals are 'eat X'.
    """

    rooms: int
    goals: int
    locked_doors: int = 0
    closed_doors: int = 0
    containers: int = 0
    locked_containers: int = 0
    supporters: int = 1
    distractors: int = 0
    dark_rooms: int = 0
    loops: int = 0
    diagonals: bool = False
    food_goals: int = 0

    def __post_init__(self) -> None:
        if self.rooms < 2 or self.goals < 1:
            raise ValueError("a generated world needs at least 2 rooms and 1 goal")
        if self.locked_doors + self.closed_doors > self.rooms - 1:
            raise ValueError("more doors than connections between rooms")


LEVELS = {
    1: GeneratorConfig(rooms=2, goals=1),
    2: GeneratorConfig(rooms=3, goals=2, containers=1, distractors=1, food_goals=1),
    3: GeneratorConfig(rooms=5, goals=3, locked_doors=1, containers=2, distractors=3, food_goals=1),
    4: GeneratorConfig(rooms=8, goals=4, locked_doors=1, closed_doors=1, containers=2,
                       supporters=2, distractors=5, dark_rooms=1, loops=1, food_goals=1),
    5: GeneratorConfig(rooms=12, goals=6, locked_doors=2, closed_doors=1, containers=3,
                       locked_containers=1, supporters=2, distractors=8, dark_rooms=1, loops=2,
                       diagonals=True, food_goals=1),
    6: GeneratorConfig(rooms=14, goals=8, locked_doors=3, closed_doors=2, containers=4,
                       locked_containers=1, supporters=3, distractors=10, dark_rooms=2, loops=2,
                       diagonals=True, food_goals=2),
}

# -- word pools: varied names and descriptions ---------------------------------------------

ROOM_NAMES = [
    "Kitchen", "Larder", "Study", "Library", "Gallery", "Cellar", "Attic", "Greenhouse",
    "Workshop", "Chapel", "Armoury", "Pantry", "Scullery", "Conservatory", "Observatory",
    "Boathouse", "Stable", "Forge", "Courtyard", "Vault", "Bedchamber", "Nursery", "Solar",
    "Buttery", "Cloister", "Belfry", "Crypt", "Mill", "Dovecote", "Orangery", "Parlour",
    "Music Room", "Map Room", "Wine Cellar", "Herb Garden", "Laundry", "Smokehouse",
    "Apothecary", "Weaving Room", "Clock Tower", "Guardroom", "Summerhouse", "Icehouse",
]
ROOM_MOODS = ["dusty", "draughty", "sunlit", "cramped", "echoing", "cluttered", "tidy", "chilly",
              "musty", "quiet", "cosy", "faded", "lofty", "narrow", "damp", "warm"]
ROOM_SMELLS = ["woodsmoke", "old paper", "beeswax", "damp stone", "lavender", "rust", "bread",
               "pine resin", "candle tallow", "wet earth", "leather", "cloves", "lamp oil"]
ROOM_FEATURES = [
    "Cobwebs drape the corners of the ceiling.", "A threadbare rug covers part of the floor.",
    "Faded portraits watch from the walls.", "The floorboards creak at every step.",
    "A narrow window lets in a thin grey light.", "Someone has scratched tally marks by the door.",
    "A cold hearth holds the ashes of an old fire.", "Shelves of forgotten jars line one wall.",
    "Ivy has crept in through a crack in the wall.", "A clock ticks somewhere out of sight.",
    "Pale squares on the wallpaper show where pictures once hung.",
    "A draught stirs the dust along the skirting.",
]
DARK_NOTE = "Without a light, nothing here can be made out."

COLOURS = ["red", "blue", "green", "yellow", "white", "black", "grey", "violet", "amber", "scarlet",
           "ivory", "golden", "silver", "copper", "brass", "crystal", "velvet", "wooden", "clay",
           "bone", "jade", "ebony", "tin", "pewter", "linen", "glass", "bronze", "cedar"]
TRINKETS = ["coin", "candle", "book", "cup", "scarf", "ring", "feather", "map", "bell", "shell",
            "spoon", "compass", "flute", "mask", "statuette", "lens", "ribbon", "glove", "die",
            "marble", "whistle", "thimble", "locket", "quill", "button", "comb", "brooch", "bottle",
            "horseshoe", "pipe", "spindle", "pebble", "medal", "figurine", "teapot", "hourglass"]
FOODS = ["apple", "pear", "loaf", "cheese", "plum", "biscuit", "fig", "pie", "carrot", "peach",
         "muffin", "turnip", "tart", "radish", "cake"]
CONTAINERS = ["chest", "box", "crate", "casket", "basket", "trunk", "cabinet", "jar", "coffer",
              "hamper", "urn", "satchel"]
SUPPORTERS = ["table", "shelf", "bench", "desk", "pedestal", "altar", "counter", "mantelpiece",
              "workbench", "sideboard"]
METALS = ["iron", "brass", "silver", "copper", "bronze", "steel", "golden", "rusty", "tin", "bone"]
DOOR_KINDS = ["door", "gate", "hatch", "grille", "portcullis"]
LIGHTS = [("lantern", "lamp"), ("lamp", "light"), ("torch", "light"), ("candlestick", "candle")]
TITLES = ["The {a} {n}", "A {n} of {b} Things", "The House of the {a} {n}", "{n} at Dusk",
          "The {a} Wing", "Beyond the {a} {n}"]
TITLE_A = ["Silent", "Sleeping", "Hidden", "Forgotten", "Crooked", "Gilded", "Hollow", "Last"]
TITLE_N = ["Manor", "Mill", "Keep", "Cottage", "Lighthouse", "Abbey", "Inn", "Tower", "Archive"]
TITLE_B = ["Lost", "Small", "Borrowed", "Misplaced", "Curious", "Quiet"]


# The companion a generated world gets on request: she starts beside the player and
# shares the player's quest.
COMPANION = {"id": "ada", "name": "Ada", "adjectives": ["keeper"], "synonyms": ["companion"],
             "description": "Ada, your companion: sharp-eyed, patient, and ready to lend a hand."}


# Where names come from: 'plain' (the word pools above; the worlds training has always
# used), 'wide' (game/vocabulary.py: hundreds of rooms and things, varied prose and goal
# phrasings) or 'mixed' (wide for odd seeds, plain for even ones).
VOCABULARIES = ("plain", "wide", "mixed")
# 'level': a difficulty's own puzzle pieces (the worlds evaluation uses); 'mixed': its map size
# and goal count with the pieces of bigger levels drawn in by the seed (dark rooms and lights,
# closed doors, tables, locked boxes and doors), so that training meets them in small worlds too.
MECHANICS = ("level", "mixed")


def generate(difficulty: int, seed: int, companion: bool = False, vocabulary: str = "plain",
             mechanics: str = "level") -> World:
    """A solvable world of the given difficulty (1 to MAX_DIFFICULTY), fixed by the seed.

    Args:
        difficulty: 1 (easy) to MAX_DIFFICULTY.
        seed: the generator seed; the same seed gives the same world.
        companion: add Ada, an NPC sharing the player's quest, in the player's starting
            room. The rest of the world is the same as without her.
        vocabulary: one of VOCABULARIES. A wide world has the plain world's map and
            puzzle with every name, description and goal phrasing drawn anew.
        mechanics: one of MECHANICS ('mixed': ``mixed_mechanics``; a world of its own).
    """
    if not 1 <= difficulty <= MAX_DIFFICULTY:
        raise ValueError(f"difficulty must be 1 to {MAX_DIFFICULTY}, got {difficulty}")
    if vocabulary not in VOCABULARIES:
        raise ValueError(f"vocabulary must be one of {', '.join(VOCABULARIES)}, got {vocabulary!r}")
    if mechanics not in MECHANICS:
        raise ValueError(f"mechanics must be one of {', '.join(MECHANICS)}, got {mechanics!r}")
    mixed = mechanics == "mixed"
    config = mixed_mechanics(difficulty, seed) if mixed else LEVELS[difficulty]
    world = generate_custom(config, seed, f"difficulty {difficulty}{' mixed' if mixed else ''}")
    if vocabulary == "wide" or (vocabulary == "mixed" and seed % 2):
        world = widened(world, seed)
    return with_companion(world) if companion else world


def mixed_mechanics(difficulty: int, seed: int) -> GeneratorConfig:
    """The level's rooms, goals and food with the puzzle pieces of the bigger levels drawn in by the
    seed: a dark room and its light, a second table, a container, a closed door (each with an
    even chance), a locked box and a locked door (one in three); see the README."""
    cfg = LEVELS[difficulty]
    rng = random.Random(f"lantern:mechanics:{difficulty}:{seed}")
    extra = {}
    if rng.random() < 0.5:
        extra["dark_rooms"] = max(cfg.dark_rooms, 1)
    if rng.random() < 0.5:
        extra["supporters"] = max(cfg.supporters, 2)
    if rng.random() < 0.5:
        extra["containers"] = max(cfg.containers, 1)
    if extra.get("containers", cfg.containers) and rng.random() < 1 / 3:
        extra["locked_containers"] = max(cfg.locked_containers, 1)
    doors = cfg.rooms - 1 - cfg.locked_doors - cfg.closed_doors  # connections without a door
    if doors and rng.random() < 1 / 3 and not cfg.locked_doors:
        extra["locked_doors"], doors = 1, doors - 1
    if doors and rng.random() < 0.5:
        extra["closed_doors"] = cfg.closed_doors + 1
    return replace(cfg, **extra)


def widened(world: World, seed: int) -> World:
    """The generated ``world`` in the wide vocabulary; names are drawn from ``seed``. Where the
    wide world's goals are not the plain one's, its step limit follows its own walkthrough (and
    should the search give up on it, the plain goals are kept)."""
    from game.wide import plain_puzzle, widen
    label = world.source.removeprefix("<generated ").removesuffix(">")
    source = world.source.replace(">", ", wide vocabulary>")

    def design(vary_goals: bool) -> dict:
        return widen(copy.deepcopy(world.data), random.Random(f"lantern:wide:{label}:{seed}"), vary_goals)

    data = design(True)
    if not plain_puzzle(data):
        try:
            solution = solve(world_from_dict(data, source), max_nodes=GENERATOR_NODE_LIMIT)
            data["world"]["max_steps"] = step_limit(solution)
        except Unsolvable:
            data = design(False)
    return world_from_dict(data, source)


def with_companion(world: World) -> World:
    """The generated ``world`` with Ada added beside the player, sharing every quest of theirs."""
    data = copy.deepcopy(world.data)
    player = data["actors"][0]
    data["actors"].append({**copy.deepcopy(COMPANION), "location": player["location"]})
    data["world"]["max_steps"] *= 2  # steps count both actors' commands
    for quest in data["quests"]:
        if player["id"] in quest["actors"]:
            quest["actors"].append(COMPANION["id"])
    return world_from_dict(data, world.source.replace(">", " with a companion>"))


def step_limit(solution) -> int:
    """A generated world's step limit: room for three times its shortest walkthrough."""
    return max(20, 3 * len(solution) + 10)


def generate_custom(config: GeneratorConfig, seed: int, label: str = "custom") -> World:
    """A solvable world with the given contents; the same seed gives the same world."""
    for attempt in range(50):
        rng = random.Random(f"lantern:{label}:{seed}:{attempt}")
        data = _Design(config, rng).build()
        world = world_from_dict(data, f"<generated {label} seed {seed}>")
        try:
            solution = solve(world, max_nodes=GENERATOR_NODE_LIMIT)
        except Unsolvable:
            continue
        data["world"]["max_steps"] = step_limit(solution)
        world = world_from_dict(data, f"<generated {label} seed {seed}>")
        return world
    raise RuntimeError(f"could not generate a solvable world for {label}, seed {seed}")


def world_to_toml(world: World) -> str:
    """The world as a world file (the schema dict it was built from)."""
    header = f"# Lantern world: {world.title}\n# Source: {world.source}\n\n"
    # One dump of the whole dict: tomli_w puts short arrays of tables inline before
    # the [tables], which is the only order in which they parse back correctly.
    import tomli_w  # only writing a world file needs it, not playing one
    return header + tomli_w.dumps(world.data)


class _Design:
    """Lays out one world dict from a config and a seeded random generator."""

    def __init__(self, config: GeneratorConfig, rng: random.Random) -> None:
        self.cfg = config
        self.rng = rng
        self.used_names: set[str] = set()
        self.rooms: list[dict] = []
        self.doors: list[dict] = []
        self.items: list[dict] = []
        self.edges: list[tuple[int, int, str]] = []  # (from room, to room, direction)
        self.loops: list[tuple[int, int, str]] = []
        self.hideable: list[dict] = []  # things that may end up inside a container
        self.containers: list[dict] = []
        self.supporters: list[dict] = []

    # -- naming ---------------------------------------------------------------------

    def _unique(self, make) -> str:
        for _ in range(200):
            name = make()
            if name not in self.used_names:
                self.used_names.add(name)
                return name
        raise RuntimeError("ran out of names")

    def _thing(self, nouns: list[str], adjectives: list[str] = COLOURS) -> tuple[str, str, str]:
        """(id, name, noun) for a new thing with a unique adjective + noun name."""
        name = self._unique(lambda: f"{self.rng.choice(adjectives)} {self.rng.choice(nouns)}")
        adjective, noun = name.split(" ", 1)
        ident = name.replace(" ", "_")
        return ident, name, noun

    # -- rooms and exits --------------------------------------------------------------

    def _layout(self) -> None:
        rng, cfg = self.rng, self.cfg
        names = rng.sample(ROOM_NAMES, cfg.rooms)
        steps = dict(GRID_STEPS) if cfg.diagonals else {k: v for k, v in GRID_STEPS.items() if len(k) <= 5}
        cells = {(0, 0): 0}
        positions = [(0, 0)]
        while len(positions) < cfg.rooms:
            frm = rng.randrange(len(positions))
            direction = rng.choice(sorted(steps))
            dx, dy = steps[direction]
            cell = (positions[frm][0] + dx, positions[frm][1] + dy)
            if cell in cells:
                continue
            cells[cell] = len(positions)
            positions.append(cell)
            self.edges.append((frm, len(positions) - 1, direction))
        for name in names:
            ident = name.lower().replace(" ", "_")
            mood, smell = rng.choice(ROOM_MOODS), rng.choice(ROOM_SMELLS)
            feature = rng.choice(ROOM_FEATURES)
            desc = f"A {mood} {name.lower()} that smells faintly of {smell}. {feature}"
            self.rooms.append({"id": ident, "name": name, "description": desc, "exits": {}})
        self._add_loops(cells, positions, steps)

    def _add_loops(self, cells: dict, positions: list, steps: dict) -> None:
        linked = {(a, b) for a, b, _ in self.edges} | {(b, a) for a, b, _ in self.edges}
        options = []
        for i, (x, y) in enumerate(positions):
            for direction in sorted(steps):
                dx, dy = steps[direction]
                j = cells.get((x + dx, y + dy))
                if j is not None and (i, j) not in linked and i < j:
                    options.append((i, j, direction))
        self.rng.shuffle(options)
        self.loops = options[:self.cfg.loops]

    def _connect(self, a: int, b: int, direction: str, door: str | None) -> None:
        to_b = {"to": self.rooms[b]["id"], "door": door} if door else self.rooms[b]["id"]
        to_a = {"to": self.rooms[a]["id"], "door": door} if door else self.rooms[a]["id"]
        self.rooms[a]["exits"][direction] = to_b
        self.rooms[b]["exits"][OPPOSITE[direction]] = to_a

    # -- the whole design ----------------------------------------------------------------

    def build(self) -> dict:
        cfg, rng = self.cfg, self.rng
        self._layout()
        depth = self._depths()
        # Doors on tree edges: deeper edges first so locked ones guard the far side.
        tree = sorted(self.edges, key=lambda e: (depth[e[1]], rng.random()), reverse=True)
        locked_edges = tree[:cfg.locked_doors]
        closed_edges = tree[cfg.locked_doors:cfg.locked_doors + cfg.closed_doors]
        door_ids: dict[tuple[int, int], dict] = {}
        for edge in locked_edges + closed_edges:
            ident, name, noun = self._thing(DOOR_KINDS, ["oak", "iron", "green", "red", "blue",
                                                         "narrow", "heavy", "low", "arched", "studded"])
            door = {"id": ident, "name": name, "synonyms": [noun],
                    "description": f"A {name} between the {self.rooms[edge[0]]['name'].lower()} "
                                   f"and the {self.rooms[edge[1]]['name'].lower()}.",
                    "state": "closed"}
            self.doors.append(door)
            door_ids[edge[:2]] = door
        for a, b, direction in self.edges + self.loops:
            door = door_ids.get((a, b))
            self._connect(a, b, direction, door["id"] if door else None)
        regions = self._lock_doors(locked_edges, door_ids)
        self._darken(regions[0])
        goals = self._goals(regions[-1])
        self._fill(regions)
        return self._assemble(goals)

    def _depths(self) -> list[int]:
        depth = [0] * len(self.rooms)
        for a, b, _ in self.edges:  # edges are added parent-first
            depth[b] = depth[a] + 1
        return depth

    def _reachable(self, blocked: set[tuple[int, int]]) -> list[int]:
        seen, todo = {0}, [0]
        links = [(a, b) for a, b, _ in self.edges + self.loops]
        while todo:
            r = todo.pop()
            for a, b in links:
                for x, y in ((a, b), (b, a)):
                    if x == r and y not in seen and (a, b) not in blocked:
                        seen.add(y)
                        todo.append(y)
        return sorted(seen)

    def _lock_doors(self, locked_edges: list, door_ids: dict) -> list[list[int]]:
        """Lock doors one by one; each key lies in the region open before its door."""
        blocked = {e[:2] for e in locked_edges}
        regions = [self._reachable(blocked)]
        for edge in locked_edges:
            key_id, key_name, _ = self._thing(["key"], METALS)
            door = door_ids[edge[:2]]
            door["state"] = "locked"
            door["key"] = key_id
            self._place_new({"id": key_id, "name": key_name, "synonyms": ["key"],
                             "description": f"A {key_name} with worn teeth."}, regions[-1], hide=True)
            blocked.discard(edge[:2])
            regions.append(self._reachable(blocked))
        return regions

    def _darken(self, first_region: list[int]) -> None:
        candidates = [r for r in range(1, len(self.rooms))]
        self.rng.shuffle(candidates)
        dark = candidates[:self.cfg.dark_rooms]
        for r in dark:
            self.rooms[r]["dark"] = True
            self.rooms[r]["description"] += " " + DARK_NOTE
        if dark:
            lit_start = [r for r in first_region if r not in dark]
            noun, synonym = self.rng.choice(LIGHTS)
            ident, name, _ = self._thing([noun], ["old", "battered", "tin", "brass", "storm", "oil"])
            self._place_new({"id": ident, "name": name, "synonyms": [noun, synonym],
                             "description": f"A {name}. It could light up a dark room.",
                             "light": "off"}, lit_start, hide=False)
        self.dark = dark

    def _place_new(self, item: dict, rooms: list[int], hide: bool) -> dict:
        """Put a new item in one of ``rooms``, sometimes inside a container there."""
        room = self.rng.choice(rooms)
        item["location"] = self.rooms[room]["id"]
        self.items.append(item)
        if hide:
            self.hideable.append(item)
        return item

    def _goals(self, all_rooms: list[int]) -> list[dict]:
        cfg, rng = self.cfg, self.rng
        goals: list[dict] = []
        food_left = cfg.food_goals
        for _ in range(cfg.goals):
            if food_left and rng.random() < 0.5:
                food_left -= 1
                ident, name, noun = self._thing(FOODS, ["ripe", "crusty", "sweet", "small", "fresh",
                                                        "golden", "honeyed", "spiced", "green", "red"])
                self._place_new({"id": ident, "name": name, "synonyms": [noun], "food": True,
                                 "description": f"A {name} that looks good to eat."}, all_rooms, hide=True)
                goals.append({"type": "eaten", "item": ident})
                continue
            ident, name, noun = self._thing(TRINKETS)
            self._place_new({"id": ident, "name": name, "synonyms": [noun],
                             "description": f"A {name}, small enough to carry."}, all_rooms, hide=True)
            goals.append({"type": "in", "item": ident, "place": None})
        return goals

    def _fill(self, regions: list[list[int]]) -> None:
        """Containers, supporters and distractors; some things hidden in containers."""
        cfg, rng = self.cfg, self.rng
        all_rooms = regions[-1]
        for i in range(cfg.containers):
            ident, name, noun = self._thing(CONTAINERS)
            locked = i < cfg.locked_containers
            spec = {"state": "locked" if locked else rng.choice(["closed", "open"])}
            container = {"id": ident, "name": name, "synonyms": [noun], "container": spec,
                         "portable": False, "description": f"A {name}."}
            if locked:
                key_id, key_name, _ = self._thing(["key"], METALS)
                spec["key"] = key_id
                self._place_new({"id": key_id, "name": key_name, "synonyms": ["key"],
                                 "description": f"A small {key_name}."}, regions[0], hide=False)
            self._place_new(container, all_rooms, hide=False)
            self.containers.append(container)
        for _ in range(cfg.supporters):
            ident, name, noun = self._thing(SUPPORTERS, ["oak", "pine", "marble", "stone", "walnut",
                                                         "iron", "long", "low", "painted", "rickety"])
            sup = {"id": ident, "name": name, "synonyms": [noun], "supporter": {}, "portable": False,
                   "description": f"A {name}."}
            self._place_new(sup, all_rooms, hide=False)
            self.supporters.append(sup)
        for _ in range(cfg.distractors):
            if rng.random() < 0.25:
                ident, name, noun = self._thing(FOODS, ["stale", "bruised", "mouldy", "dry", "small"])
                extra = {"food": True}
            else:
                ident, name, noun = self._thing(TRINKETS)
                extra = {}
            self._place_new({"id": ident, "name": name, "synonyms": [noun],
                             "description": f"A {name}.", **extra}, all_rooms, hide=True)
        self._hide_things()

    def _hide_things(self) -> None:
        """Move some hideable things into containers in the same room (not their own key)."""
        for item in self.hideable:
            options = [c for c in self.containers if c["location"] == item["location"]
                       and c["container"].get("key") != item["id"]]
            if options and self.rng.random() < 0.6:
                item["location"] = self.rng.choice(options)["id"]

    def _room_of(self, ident: str) -> str:
        locations = {i["id"]: i["location"] for i in self.items}
        while ident in locations:
            ident = locations[ident]
        return ident

    def _assemble(self, goals: list[dict]) -> dict:
        rng = self.rng
        places = [c["id"] for c in self.containers] + [s["id"] for s in self.supporters]
        room_ids = [r["id"] for r in self.rooms]
        for goal in goals:
            if goal["type"] != "in":
                continue
            start = self._room_of(goal["item"])
            options = [p for p in places if self._room_of(p) != start] or \
                      [r for r in room_ids if r != start]
            goal["place"] = rng.choice(options)
        title = rng.choice(TITLES).format(a=rng.choice(TITLE_A), n=rng.choice(TITLE_N),
                                          b=rng.choice(TITLE_B))
        return {
            "world": {"title": title, "intro": f"Welcome to {title}. Type 'help' if you need it."},
            "rooms": self.rooms,
            "doors": self.doors,
            "items": self.items,
            "actors": [{"id": "player", "name": "you", "description": "As ready as ever.",
                        "location": self.rooms[0]["id"]}],
            "quests": [{"id": "main", "actors": ["player"], "goals": goals}],
        }
