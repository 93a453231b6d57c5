"""Shared helpers for the viewer tests: a two-actor world, events, a scripted NPC."""

from __future__ import annotations

from pathlib import Path

import pygame

from game.env import LanternEnv
from game.loader import load_world
from game.npc import Decision

WORKSHOP = '''
[world]
title = "Ada's Workshop"
max_steps = 80

[[rooms]]
id = "yard"
name = "Courtyard"
description = "A cobbled courtyard under a grey sky. A heavy front door leads north; a shed stands east."
exits = { north = { to = "hall", door = "front" }, east = "shed" }

[[rooms]]
id = "shed"
name = "Tool Shed"
description = "Rakes, spades and a smell of oil."
exits = { west = "yard" }

[[rooms]]
id = "hall"
name = "Great Hall"
description = "A long hall with a ladder going up. An oak door stands to the west."
exits = { south = { to = "yard", door = "front" }, up = "attic", west = { to = "library", door = "oak" } }

[[rooms]]
id = "attic"
name = "Attic"
dark = true
description = "Dusty rafters."
exits = { down = "hall" }

[[rooms]]
id = "library"
name = "Library"
description = "Shelves to the ceiling."
exits = { east = { to = "hall", door = "oak" } }

[[doors]]
id = "front"
name = "front door"
synonyms = ["door"]
state = "closed"

[[doors]]
id = "oak"
name = "oak door"
synonyms = ["door"]
state = "locked"
key = "key"

[[items]]
id = "key"
name = "brass key"
synonyms = ["key"]
location = "shed"

[[items]]
id = "book"
name = "blue book"
synonyms = ["book"]
location = "library"

[[actors]]
id = "player"
name = "you"
location = "yard"

[[actors]]
id = "ada"
name = "Ada"
location = "yard"

[[quests]]
id = "main"
actors = ["player", "ada"]
goals = [
  { type = "in", item = "key", place = "player", text = "Fetch the brass key." },
  { type = "in", item = "book", place = "yard", text = "Bring the blue book to the courtyard." },
]
'''


def workshop_env(tmp_path: Path) -> LanternEnv:
    """The two-actor test world (a closed door, a locked door, up/down, a dark attic)."""
    path = tmp_path / "workshop.toml"
    path.write_text(WORKSHOP, encoding="utf-8")
    return LanternEnv(load_world(path))


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


ROOT_WORLDS = Path(__file__).resolve().parent.parent / "assets" / "worlds"
