"""Draws the map of discovered rooms: links, doors, actors; the camera glides to fit."""

from __future__ import annotations

import math

import pygame

from game.view import theme, widgets
from game.view.maplayout import Link, MapLayout
from game.world import ITEM, LOCKED, OPEN, World

MAX_PITCH = (170.0, 96.0)  # pixels between cell centres, across and down
MIN_PITCH = (60.0, 30.0)  # below this a map too big for the panel follows the focus instead of fitting
GAP = (40.0, 18.0)  # pixels between two neighbouring boxes (room for a door or an up/down label)
MAX_BOX = (150.0, 64.0)
PAD = 6  # pixels between the panel's edge and the outermost boxes
GLIDE = 8.0  # how fast the camera follows (1/s)
LINK_LABELS = {"up": "up", "down": "down", "in": "in", "out": "out"}


class MapView:
    """The map panel's camera (centre and pitch, in grid cells and pixels) and drawing.

    Args:
        layout: where every room of the world sits on the grid.
    """

    def __init__(self, layout: MapLayout) -> None:
        self.layout = layout
        self.camera: tuple[float, float, float, float] | None = None
        self.moving = False  # True while the camera is still gliding (the window keeps drawing)

    def target(self, rect: pygame.Rect, rooms: set[int], focus_room: int) -> tuple[float, float, float, float]:
        """Camera (centre x, y in cells; pitch across, down in pixels) that fits every discovered
        room in ``rect``; only a map too big for it even at MIN_PITCH follows ``focus_room``."""
        cells = [self.layout.cells[r] for r in rooms if r in self.layout.cells] or [(0, 0)]
        focus = self.layout.cells.get(focus_room, (0, 0))
        camera = []
        for axis, room in ((0, rect.w - 2 * PAD), (1, rect.h - 2 * PAD)):
            lo, hi = min(c[axis] for c in cells), max(c[axis] for c in cells)
            pitch = min(MAX_PITCH[axis], (room + GAP[axis]) / (hi - lo + 1))
            if pitch >= MIN_PITCH[axis]:
                camera.append(((lo + hi) / 2, pitch))
            else:  # follow the focus, but never show empty space beyond the map's edges
                half = room / MIN_PITCH[axis] / 2 - 0.5
                camera.append((min(max(float(focus[axis]), lo + half), hi - half), MIN_PITCH[axis]))
        (cx, px), (cy, py) = camera
        return cx, cy, px, py

    def glide(self, goal: tuple[float, float, float, float], dt: float | None) -> None:
        """Move the camera towards ``goal``; ``dt=None`` jumps there (screenshots, tests)."""
        if self.camera is None or dt is None:
            self.camera, self.moving = goal, False
            return
        t = 1.0 - math.exp(-GLIDE * dt)
        self.camera = tuple(c + (g - c) * t for c, g in zip(self.camera, goal))  # type: ignore[assignment]
        self.moving = max(abs(c - g) for c, g in zip(self.camera, goal)) > 0.002

    def to_screen(self, rect: pygame.Rect, cell: tuple[int, int]) -> tuple[float, float]:
        cx, cy, px, py = self.camera or (0.0, 0.0, *MAX_PITCH)
        return rect.centerx + (cell[0] - cx) * px, rect.centery + (cell[1] - cy) * py

    def room_rect(self, rect: pygame.Rect, room: int) -> pygame.Rect:
        """The box a room is drawn in, in window pixels."""
        _, _, px, py = self.camera or (0.0, 0.0, *MAX_PITCH)
        x, y = self.to_screen(rect, self.layout.cells[room])
        box = pygame.Rect(0, 0, round(min(MAX_BOX[0], max(px * 0.55, px - GAP[0]))),
                          round(min(MAX_BOX[1], max(py * 0.55, py - GAP[1]))))
        box.center = (round(x), round(y))
        return box

    def room_at(self, rect: pygame.Rect, pos: tuple[int, int], rooms: set[int]) -> int | None:
        """The room of ``rooms`` drawn under ``pos``, if any."""
        if not rect.collidepoint(pos):
            return None
        return next((r for r in rooms if r in self.layout.cells and self.room_rect(rect, r).collidepoint(pos)), None)

    def draw(self, surface: pygame.Surface, rect: pygame.Rect, fonts, world: World, discovered: set[int],
             actor_ids: list[str], focus: str, dt: float | None) -> None:
        """Draw the map into ``rect`` (clipped), gliding the camera by ``dt`` seconds."""
        focus_room = world.state.parent[world.entity(focus).index]
        self.glide(self.target(rect, discovered, focus_room), dt)
        clip = surface.get_clip()
        surface.set_clip(rect)
        for link in self.layout.links:
            if link.a in discovered or link.b in discovered:
                self._link(surface, rect, fonts, world, link, discovered)
        for room in sorted(discovered):
            if room in self.layout.cells:
                self._room(surface, rect, fonts, world, room, room == focus_room, actor_ids, focus)
        surface.set_clip(clip)

    def _link(self, surface: pygame.Surface, rect: pygame.Rect, fonts, world: World, link: Link,
              discovered: set[int]) -> None:
        a, b = self.room_rect(rect, link.a).center, self.room_rect(rect, link.b).center
        if not (link.a in discovered and link.b in discovered):
            self._stub(surface, fonts, world, link, a, b, link.a in discovered)
            return
        colour = theme.mix(theme.EDGE, theme.MUTED, 0.5)
        mid = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
        if link.compass:
            pygame.draw.line(surface, colour, a, b, 3)
        else:
            _dashed(surface, colour, a, b)
        label = None if link.compass else LINK_LABELS[link.direction]
        if link.door is not None:
            _door(surface, fonts, world, link.door, mid, label)  # one marker: the door, named up/down/in/out
        elif label is not None:
            widgets.badge(surface, fonts.tiny, label, theme.MUTED, (round(mid[0]), round(mid[1])), "center")

    def _stub(self, surface: pygame.Surface, fonts, world: World, link: Link, a: tuple[int, int],
              b: tuple[int, int], from_a: bool) -> None:
        """A short line out of a discovered room towards an unexplored one (with its door)."""
        start, end = (a, b) if from_a else (b, a)
        length = math.dist(start, end) or 1.0
        ux, uy = (end[0] - start[0]) / length, (end[1] - start[1]) / length
        half = self.room_rect(pygame.Rect(0, 0, 0, 0), link.a).size
        edge = min(half[0] / 2 / abs(ux) if ux else math.inf, half[1] / 2 / abs(uy) if uy else math.inf)
        label = None if link.compass else LINK_LABELS[link.direction]
        size = door_size(fonts, label) if link.door is not None else (0, 0)
        reach = min(size[0] / 2 / abs(ux) if ux else math.inf, size[1] / 2 / abs(uy) if uy else math.inf) \
            if link.door is not None else 0.0
        tip = (start[0] + ux * (edge + 2 * reach + 16), start[1] + uy * (edge + 2 * reach + 16))
        pygame.draw.line(surface, theme.FAINT, start, tip, 2)
        pygame.draw.circle(surface, theme.FAINT, tip, 4, 1)
        if link.door is not None:  # just outside the box, never on it
            _door(surface, fonts, world, link.door, (start[0] + ux * (edge + reach + 4),
                                                     start[1] + uy * (edge + reach + 4)), label)

    def _room(self, surface: pygame.Surface, rect: pygame.Rect, fonts, world: World, room: int,
              here: bool, actor_ids: list[str], focus: str) -> None:
        box = self.room_rect(rect, room)
        lit = world.is_lit(room)
        fill = theme.ROOM_HERE if here else (theme.ROOM_FILL if lit else theme.ROOM_DARK)
        edge = theme.actor_colour(actor_ids, focus) if here else theme.EDGE
        pygame.draw.rect(surface, fill, box, border_radius=8)
        pygame.draw.rect(surface, edge, box, width=2, border_radius=8)
        font, lines = fit_name(fonts, world.name(room), box)
        colour = theme.TEXT if lit else theme.MUTED
        line_h, area = font.get_linesize(), name_area(box)
        top = area.y + max(0, (area.h - len(lines) * line_h) // 2)
        for i, line in enumerate(lines):
            widgets.text(surface, font, line, colour, (area.centerx, top + i * line_h), "midtop")
        here_actors = world.actors_in(room)
        for i, actor in enumerate(here_actors):
            ident = world.entities[actor].id
            centre = pin_centre(box, i, len(here_actors))
            pygame.draw.circle(surface, theme.actor_colour(actor_ids, ident), centre, 6)
            if ident == focus:
                pygame.draw.circle(surface, theme.TEXT, centre, 8, 1)


PIN_BOX, PIN_SPACE = 40, 16  # boxes at least PIN_BOX high hold the actors' pins inside, in PIN_SPACE


def pin_centre(box: pygame.Rect, i: int, count: int) -> tuple[int, int]:
    """Where the ``i``-th of ``count`` actors' pins goes: in a row under the name in a tall box; on
    the corners of a short one (top left, top right, bottom left, bottom right), clear of its name."""
    if box.h >= PIN_BOX:
        return round(box.centerx + (i - (count - 1) / 2) * 16), box.bottom - 11
    corner = i % 4
    return (box.left + 2 if corner % 2 == 0 else box.right - 3), (box.top + 2 if corner < 2 else box.bottom - 3)


def name_area(box: pygame.Rect) -> pygame.Rect:
    """The part of a room's box its name is written in (clear of the actors' pins)."""
    if box.h >= PIN_BOX:
        return pygame.Rect(box.x + 4, box.y + 2, box.w - 8, box.h - 4 - PIN_SPACE)
    return box.inflate(-18, -4)


def fit_name(fonts, name: str, box: pygame.Rect) -> tuple[pygame.font.Font, list[str]]:
    """The largest map font that shows a room's whole name in its ``name_area`` (on as many lines
    as its height holds, words kept whole); when none does, the smallest font and an ellipsis."""
    area = name_area(box)
    for font in (fonts.map, fonts.map_small, fonts.map_tiny):
        lines = widgets.wrap(font, name, area.w)
        if len(lines) * font.get_linesize() <= max(area.h, font.get_linesize()) and \
                all(font.size(word)[0] <= area.w for word in name.split()):
            return font, lines
    font = fonts.map_tiny
    return font, widgets.clamp_lines(font, name, area.w, max(1, area.h // font.get_linesize()))


def draw_room_tip(surface: pygame.Surface, fonts, world: World, room: int, names: list[str],
                  pos: tuple[int, int]) -> None:
    """A tooltip for a room under the mouse: full name, description, who and what is there."""
    lit = world.is_lit(room)
    width = 300
    lines = widgets.wrap(fonts.small, world.entities[room].description if lit else "Dark: nothing can be seen.",
                         width - 20)[:4]
    here = names + ([world.name(e) for e in world.contents(room) if world.entities[e].kind == ITEM] if lit else [])
    if here:
        lines = lines + widgets.wrap(fonts.small, "Here: " + ", ".join(here), width - 20)[:2]
    height = 34 + len(lines) * fonts.small.get_linesize() + 8
    box = pygame.Rect(pos[0] + 14, pos[1] + 14, width, height)
    box.clamp_ip(surface.get_rect())
    pygame.draw.rect(surface, theme.PANEL_RAISED, box, border_radius=8)
    pygame.draw.rect(surface, theme.EDGE, box, width=1, border_radius=8)
    widgets.text(surface, fonts.bold, world.name(room), theme.TEXT, (box.x + 10, box.y + 8))
    y = box.y + 32
    for line in lines:
        widgets.text(surface, fonts.small, line, theme.MUTED, (box.x + 10, y))
        y += fonts.small.get_linesize()


def door_size(fonts, label: str | None) -> tuple[int, int]:
    """A door marker's size: a 14 px square, or a pill around an up/down/in/out label."""
    if label is None:
        return 14, 14
    w, h = fonts.tiny.size(label)
    return w + 10, h + 4


def _door(surface: pygame.Surface, fonts, world: World, door: int, at: tuple[float, float],
          label: str | None = None) -> pygame.Rect:
    """A door on a link: hollow green when open, a solid bar when closed, rose with a keyhole when
    locked. On an up/down/in/out link the door is a pill holding that word, in the same colours,
    so the label never sits on the door. Returns the marker's rect."""
    box = pygame.Rect((0, 0), door_size(fonts, label))
    box.center = (round(at[0]), round(at[1]))
    if world.has_flag(door, OPEN):
        ink = theme.GREEN
        pygame.draw.rect(surface, theme.PANEL, box, border_radius=3)
        pygame.draw.rect(surface, theme.GREEN, box, width=2, border_radius=3)
    elif world.has_flag(door, LOCKED):
        ink = theme.PANEL
        pygame.draw.rect(surface, theme.ROSE, box, border_radius=3)
        if label is None:
            pygame.draw.circle(surface, theme.PANEL, (box.centerx, box.centery - 2), 2)
            pygame.draw.rect(surface, theme.PANEL, (box.centerx - 1, box.centery - 1, 2, 5))
    else:
        ink = theme.PANEL
        pygame.draw.rect(surface, theme.CLOSED, box, border_radius=3)
    if label is not None:
        widgets.text(surface, fonts.tiny, label, ink, box.center, "center")
    return box


def _dashed(surface: pygame.Surface, colour: theme.Colour, a: tuple[float, float], b: tuple[float, float]) -> None:
    length = math.dist(a, b)
    dashes = max(1, int(length // 10))
    for i in range(0, dashes, 2):
        s, e = i / dashes, min(1.0, (i + 1) / dashes)
        pygame.draw.line(surface, colour, (a[0] + (b[0] - a[0]) * s, a[1] + (b[1] - a[1]) * s),
                         (a[0] + (b[0] - a[0]) * e, a[1] + (b[1] - a[1]) * e), 2)


def draw_legend(surface: pygame.Surface, fonts, pos: tuple[int, int]) -> None:
    """The key under the map: dark rooms; open, closed and locked doors."""
    x, y = pos
    box = pygame.Rect(x, y + 1, 16, 12)
    pygame.draw.rect(surface, theme.ROOM_DARK, box, border_radius=3)
    pygame.draw.rect(surface, theme.EDGE, box, width=1, border_radius=3)
    x = widgets.text(surface, fonts.small, "dark room", theme.MUTED, (box.right + 5, y)).right + 16
    for label, colour, solid in (("open", theme.GREEN, False), ("closed", theme.CLOSED, True),
                                 ("locked", theme.ROSE, True)):
        box = pygame.Rect(x, y + 2, 10, 10)
        pygame.draw.rect(surface, colour, box, width=0 if solid else 2, border_radius=2)
        x = widgets.text(surface, fonts.small, label, theme.MUTED, (box.right + 5, y)).right + 12
