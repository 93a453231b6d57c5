"""Helpers shared by the viewer tests: a two-actor world, events, a scripted NPC."""

from __future__ import annotations

from pathlib import Path

import pygame

from game.assets import WORLDS_DIR
from game.env import LanternEnv
from game.loader import load_world
from game.npc import Decision
from tests.worlds import actor, door, goal_in, item, new_world, player, quest, room, write_world

# Two actors, a closed door, a locked door, up/down and a dark attic.
WORKSHOP = new_world("Ada's Workshop", [
    room("yard", "Courtyard", {"north": {"to": "hall", "door": "front"}, "east": "shed"},
         description="A cobbled courtyard under a grey sky. A heavy front door leads north; a shed stands east."),
    room("shed", "Tool Shed", {"west": "yard"}, description="Rakes, spades and a smell of oil."),
    room("hall", "Great Hall", {"south": {"to": "yard", "door": "front"}, "up": "attic",
                                "west": {"to": "library", "door": "oak"}},
         description="A long hall with a ladder going up. An oak door stands to the west."),
    room("attic", "Attic", {"down": "hall"}, dark=True, description="Dusty rafters."),
    room("library", "Library", {"east": {"to": "hall", "door": "oak"}}, description="Shelves to the ceiling."),
], doors=[door("front", "front door", "closed", synonyms=["door"]),
          door("oak", "oak door", "locked", synonyms=["door"], key="key")],
    items=[item("key", "brass key", "shed", synonyms=["key"]),
           item("book", "blue book", "library", synonyms=["book"])],
    actors=[player("yard"), actor("ada", "Ada", "yard")],
    quests=[quest("main", ["player", "ada"], [goal_in("key", "player", "Fetch the brass key."),
                                              goal_in("book", "yard", "Bring the blue book to the courtyard.")])],
    max_steps=80)


def workshop_env(tmp_path: Path) -> LanternEnv:
    """The two-actor test world (a closed door, a locked door, up/down, a dark attic)."""
    return LanternEnv(load_world(write_world(tmp_path / "workshop.toml", WORKSHOP)))


def key(k: int, mod: int = 0) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode="", scancode=0)


def typed(text: str) -> pygame.event.Event:
    return pygame.event.Event(pygame.TEXTINPUT, text=text)


def type_line(viewer, line: str) -> None:
    """Type a line into the window, press Enter, and let one frame pass (the NPC answers)."""
    viewer.handle_event(typed(line))
    viewer.handle_event(key(pygame.K_RETURN))
    viewer.update(1 / 60)


class ScriptedNPC:
    """An NPC that issues a fixed list of commands (then waits), with made-up beliefs."""

    name = "scripted"

    def __init__(self, commands: list[str]) -> None:
        self.commands = list(commands)
        self.calls = 0

    def act(self, env: LanternEnv, actor: str) -> Decision:
        command = self.commands[self.calls] if self.calls < len(self.commands) else "wait"
        self.calls += 1
        others = [c for c in ("wait", "look", "inventory") if c != command][:2]
        return Decision(command, [(command, 0.7), (others[0], 0.2), (others[1], 0.1)], value=0.25)


def count_colour(surface: pygame.Surface, rect: pygame.Rect, colour: tuple[int, int, int]) -> int:
    """How many pixels inside ``rect`` have exactly ``colour``."""
    mask = pygame.mask.from_threshold(surface.subsurface(rect), (*colour, 255), (1, 1, 1, 255))
    return mask.count()


ROOT_WORLDS = WORLDS_DIR
