"""Where each room goes on the map: a grid laid out from the exits, north up.

Pure logic (no drawing): rooms are placed breadth-first from the player's start,
each neighbour one cell away in the direction of its exit. When that cell is
taken, the nearest free cell is used instead, so rooms never overlap. Up, down,
in and out have no compass direction; they get the diagonal, straight or side
cell that keeps the map smallest, and the link is marked as such when drawn.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from game.world import DIRECTIONS, OPPOSITE, World

Cell = tuple[int, int]

STEPS: dict[str, Cell] = {
    "north": (0, -1), "south": (0, 1), "east": (1, 0), "west": (-1, 0),
    "northeast": (1, -1), "northwest": (-1, -1), "southeast": (1, 1), "southwest": (-1, 1),
    "up": (1, -1), "down": (-1, 1), "in": (1, 0), "out": (-1, 0),
}
NON_COMPASS = frozenset({"up", "down", "in", "out"})
# Up, down, in and out have no true place: the first of these free cells that keeps the map smallest.
NON_COMPASS_CELLS: dict[str, tuple[Cell, ...]] = {
    "up": ((1, -1), (0, -1), (-1, -1)), "down": ((-1, 1), (0, 1), (1, 1)),
    "in": ((1, 0), (1, -1), (1, 1)), "out": ((-1, 0), (-1, 1), (-1, -1)),
}


@dataclass(frozen=True)
class Link:
    """One passage between two rooms (drawn once, whichever side it was seen from).

    Attributes:
        a: room index it was found from.
        b: room index it leads to.
        direction: the exit's direction from ``a``.
        door: the door entity on it, if any.
    """

    a: int
    b: int
    direction: str
    door: int | None

    @property
    def compass(self) -> bool:
        """False for up/down/in/out, which are drawn dashed with a label."""
        return self.direction not in NON_COMPASS


@dataclass
class MapLayout:
    """Grid cells of every room and the links between them."""

    cells: dict[int, Cell]
    links: list[Link]


def layout_rooms(world: World) -> MapLayout:
    """Place every room of ``world`` on a grid (see the module docstring)."""
    start = world.initial_state.parent[world.player]
    order = [start] + [r for r in world.rooms if r != start] if start in world.rooms else list(world.rooms)
    cells: dict[int, Cell] = {}
    taken: set[Cell] = set()

    def place(room: int, target: Cell, step: Cell) -> None:
        cells[room] = _free_near(target, step, taken)
        taken.add(cells[room])

    for root in order:
        if root in cells:
            continue
        place(root, _beside(taken), (1, 0))
        # Compass exits first, breadth-first; then up/down/in/out, which have no true place.
        while True:
            _grow(world, cells, place, compass=True)
            if not _grow(world, cells, place, compass=False, once=True):
                break
    return MapLayout(cells, _links(world))


def _grow(world: World, cells: dict[int, Cell], place, compass: bool, once: bool = False) -> bool:
    """Place unplaced neighbours of placed rooms (breadth-first); True if any was placed."""
    queue = deque(cells)
    grew = False
    while queue:
        room = queue.popleft()
        for direction, ex in _exits(world, room):
            if ex.to in cells or (direction not in NON_COMPASS) != compass:
                continue
            x, y = cells[room]
            step = STEPS[direction]
            if direction in NON_COMPASS:
                step = _smallest(x, y, NON_COMPASS_CELLS[direction], set(cells.values())) or step
            place(ex.to, (x + step[0], y + step[1]), step)
            if once:
                return True
            grew = True
            queue.append(ex.to)
    return grew


def _smallest(x: int, y: int, steps: tuple[Cell, ...], taken: set[Cell]) -> Cell | None:
    """The step of ``steps`` to a free cell that leaves the map's bounding box smallest (first wins
    ties); None when all are taken."""
    free = [s for s in steps if (x + s[0], y + s[1]) not in taken]
    if not free:
        return None

    def area(step: Cell) -> int:
        cells = taken | {(x + step[0], y + step[1])}
        xs, ys = [c[0] for c in cells], [c[1] for c in cells]
        return (max(xs) - min(xs) + 1) * (max(ys) - min(ys) + 1)
    return min(free, key=lambda s: (area(s), steps.index(s)))


def _exits(world: World, room: int):
    exits = world.entities[room].exits
    return [(d, exits[d]) for d in DIRECTIONS if d in exits and exits[d].to in world.rooms]


def _beside(taken: set[Cell]) -> Cell:
    """Where a room with no known neighbour goes: right of everything placed so far."""
    if not taken:
        return (0, 0)
    return (max(x for x, _ in taken) + 2, min(y for _, y in taken))


def _free_near(target: Cell, step: Cell, taken: set[Cell]) -> Cell:
    """``target`` if free, else the nearest free cell, preferring ones further along ``step``."""
    if target not in taken:
        return target
    tx, ty = target
    for radius in range(1, 64):
        ring = [(tx + dx, ty + dy) for dx in range(-radius, radius + 1) for dy in range(-radius, radius + 1)
                if max(abs(dx), abs(dy)) == radius and (tx + dx, ty + dy) not in taken]
        if ring:
            return min(ring, key=lambda c: ((c[0] - tx) ** 2 + (c[1] - ty) ** 2,
                                            -((c[0] - tx) * step[0] + (c[1] - ty) * step[1]), c))
    raise RuntimeError("no free map cell")  # unreachable for any world that fits in memory


def _links(world: World) -> list[Link]:
    """Every passage once: the exit a->b and its way back b->a are the same link."""
    seen: set[frozenset] = set()
    links = []
    for room in world.rooms:
        for direction, ex in _exits(world, room):
            key = frozenset({(room, direction), (ex.to, OPPOSITE[direction])})
            if key not in seen:
                seen.add(key)
                links.append(Link(room, ex.to, direction, ex.door))
    return links
