"""Colours, fonts and sizes: the look of the viewer in one place.

Colour carries meaning: amber is the person (the lantern-bearer), teal the NPC,
green is good (open doors, goals met, reward), rose is bad or blocked (locked
doors, losing, unknown commands), and everything else stays quiet greys on ink.
"""

from __future__ import annotations

import pygame

from game.assets import ASSETS_DIR

Colour = tuple[int, int, int]

BG: Colour = (16, 18, 25)
PANEL: Colour = (24, 27, 36)
PANEL_RAISED: Colour = (32, 36, 48)
EDGE: Colour = (46, 51, 66)
TEXT: Colour = (234, 229, 216)
MUTED: Colour = (142, 148, 165)
FAINT: Colour = (86, 92, 110)
AMBER: Colour = (242, 181, 68)
TEAL: Colour = (79, 209, 197)
VIOLET: Colour = (167, 139, 250)
SKY: Colour = (96, 165, 250)
PINK: Colour = (244, 114, 182)
GREEN: Colour = (126, 211, 125)
ROSE: Colour = (239, 106, 106)
ROOM_FILL: Colour = (38, 43, 57)
ROOM_DARK: Colour = (22, 24, 31)
ROOM_HERE: Colour = (58, 52, 38)
CLOSED: Colour = (176, 184, 202)

# Actor colours in actor order (the person first when they are actor 0).
ACTOR_COLOURS: tuple[Colour, ...] = (AMBER, TEAL, VIOLET, SKY, PINK, GREEN)

FONT_DIR = ASSETS_DIR / "fonts"
FONT_FILES = {
    "sans": "DejaVuSans.ttf",
    "bold": "DejaVuSans-Bold.ttf",
    "serif": "DejaVuSerif.ttf",
    "mono": "DejaVuSansMono.ttf",
}


def mix(a: Colour, b: Colour, t: float) -> Colour:
    """The colour ``t`` of the way from ``a`` to ``b`` (0 gives a, 1 gives b)."""
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))  # type: ignore[return-value]


def actor_colour(actor_ids: list[str], actor: str | None) -> Colour:
    """The colour of an actor: by its position in the world's actor list; muted if none."""
    if actor is None or actor not in actor_ids:
        return MUTED
    return ACTOR_COLOURS[actor_ids.index(actor) % len(ACTOR_COLOURS)]


class Fonts:
    """The viewer's typefaces at fixed sizes, loaded once (after ``pygame.font.init``).

    Attributes are ``pygame.font.Font`` objects named for their use.
    """

    def __init__(self) -> None:
        if not pygame.font.get_init():
            pygame.font.init()
        self.ui = self.load("sans", 14)
        self.small = self.load("sans", 12)
        self.fine = self.load("sans", 11)
        self.tiny = self.load("bold", 10)
        self.bold = self.load("bold", 14)
        self.heading = self.load("bold", 11)
        self.title = self.load("serif", 22)
        self.big = self.load("bold", 30)
        self.prose = self.load("serif", 15)
        self.mono = self.load("mono", 14)
        self.mono_bold = self.load("mono", 14)
        self.mono_bold.set_bold(True)
        self.map = self.load("sans", 11)
        self.map_small = self.load("sans", 10)
        self.map_tiny = self.load("sans", 9)

    @staticmethod
    def load(kind: str, size: int) -> pygame.font.Font:
        """A bundled font, or pygame's default font when the file is missing."""
        path = FONT_DIR / FONT_FILES[kind]
        if path.is_file():
            return pygame.font.Font(str(path), size)
        font = pygame.font.Font(None, round(size * 1.35))
        font.set_bold(kind == "bold")
        return font
