"""Where each panel goes for a window size (pure geometry, recomputed on resize).

    ┌ top bar: title · mode · score · moves ─────────────────────────┐
    │ room card                      │ map                           │
    │ transcript                     │ goals        │ inventory      │
    │ input line (play) or seek bar  │ NPC mind                      │
    └ footer: key hints ─────────────────────────────────────────────┘
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame

MIN_SIZE = (960, 600)
DEFAULT_SIZE = (1280, 800)
MARGIN, GAP = 16, 12


@dataclass
class Layout:
    """The rects of every panel (``input`` and ``seek`` are empty when the mode has none)."""

    size: tuple[int, int]
    top: pygame.Rect
    room: pygame.Rect
    transcript: pygame.Rect
    input: pygame.Rect
    map: pygame.Rect
    goals: pygame.Rect
    inventory: pygame.Rect
    npc: pygame.Rect
    seek: pygame.Rect
    footer: pygame.Rect


def compute_layout(size: tuple[int, int], has_input: bool, has_seek: bool,
                   status_h: int | None = None) -> Layout:
    """Panel rects for a window of ``size`` (clamped to MIN_SIZE).

    Args:
        size: the window's size in pixels.
        has_input: play mode: an input line under the transcript.
        has_seek: replay mode: a seek bar over the footer.
        status_h: the height the goals and inventory row asks for (its goals' text);
            it gets that much within a range that leaves the map and the NPC's mind room.
    """
    w, h = max(size[0], MIN_SIZE[0]), max(size[1], MIN_SIZE[1])
    top = pygame.Rect(0, 0, w, 56)
    footer = pygame.Rect(MARGIN, h - 34, w - 2 * MARGIN, 26)
    bottom = footer.y - GAP
    body = pygame.Rect(MARGIN, top.bottom + 4, w - 2 * MARGIN, bottom - top.bottom - 4)
    left_w = round((body.w - GAP) * 0.52)
    left = pygame.Rect(body.x, body.y, left_w, body.h)
    right = pygame.Rect(left.right + GAP, body.y, body.w - left_w - GAP, body.h)

    room_h = min(168, max(130, round(left.h * 0.24)))
    room = pygame.Rect(left.x, left.y, left.w, room_h)
    input_rect = pygame.Rect(left.x, left.bottom - 46, left.w, 46) if has_input else pygame.Rect(0, 0, 0, 0)
    seek = pygame.Rect(left.x, left.bottom - 40, left.w, 40) if has_seek else pygame.Rect(0, 0, 0, 0)
    transcript_bottom = (input_rect.y if has_input else seek.y if has_seek else left.bottom + GAP) - GAP
    transcript = pygame.Rect(left.x, room.bottom + GAP, left.w, transcript_bottom - room.bottom - GAP)

    free = right.h - 2 * GAP
    want = round(free * 0.25) if status_h is None else status_h
    status_h = min(max(want, 96), round(free * 0.34))
    map_h = round((free - status_h) * 0.56)
    map_rect = pygame.Rect(right.x, right.y, right.w, map_h)
    inventory_w = min(max(round(right.w * 0.34), 150), 230)  # names of things are short; goals get the rest
    goals = pygame.Rect(right.x, map_rect.bottom + GAP, right.w - inventory_w - GAP, status_h)
    inventory = pygame.Rect(goals.right + GAP, goals.y, inventory_w, status_h)
    npc = pygame.Rect(right.x, goals.bottom + GAP, right.w, right.bottom - goals.bottom - GAP)
    return Layout((w, h), top, room, transcript, input_rect, map_rect, goals, inventory, npc, seek, footer)
