"""The scrolling transcript: every actor's commands and the game's replies, in colour."""

from __future__ import annotations

from dataclasses import dataclass

import pygame

from game.view import theme, widgets

COMMAND, REPLY, SYSTEM, REWARD, ENDING = "command", "reply", "system", "reward", "ending"


@dataclass(frozen=True)
class Entry:
    """One block of the transcript.

    Attributes:
        kind: COMMAND, REPLY, SYSTEM (intro, help, notes), REWARD or ENDING.
        text: what is shown.
        actor: whose command or reply it is (None for the game's own notes).
        good: for REWARD/ENDING, whether it is good news (green) or bad (rose).
        step: for COMMAND, the episode step it was (shown at the right).
    """

    kind: str
    text: str
    actor: str | None = None
    good: bool = True
    step: int | None = None


@dataclass(frozen=True)
class Row:
    """One drawn line: font key, colour, text, left indent, stripe colour, space above, right note."""

    font: str
    colour: theme.Colour
    text: str
    indent: int
    stripe: theme.Colour | None
    gap: int
    note: str = ""


class Transcript:
    """Entries plus a scroll position (in rows up from the newest)."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.scroll = 0
        self.version = 0

    def add(self, kind: str, text: str, actor: str | None = None, good: bool = True) -> None:
        self.extend([Entry(kind, text, actor, good)])

    def extend(self, entries: list[Entry]) -> None:
        """Append entries and show the newest."""
        self.entries.extend(entries)
        self.scroll = 0
        self.version += 1

    def set_entries(self, entries: list[Entry]) -> None:
        """Replace everything (replay seeks rebuild the transcript this way)."""
        self.entries = list(entries)
        self.scroll = 0
        self.version += 1

    def scroll_by(self, rows: int) -> None:
        """Scroll towards older (positive) or newer (negative) rows; clamped when drawn."""
        self.scroll = max(0, self.scroll + rows)

    def texts(self) -> list[str]:
        return [e.text for e in self.entries]


def step_entries(actor: str, actor_name: str, command: str, reply: str, reward: float,
                 info: dict, speakers: dict[str, str] | None = None) -> list[Entry]:
    """The entries one step adds: the command, the reply, and any change of score.

    ``speakers`` (name -> actor id) lets a line an actor says (``Ada: "On my way."``)
    stand as its own entry in that actor's colour, whoever's step it came in.
    """
    out = [Entry(COMMAND, f"{actor_name} › {command}", actor, step=info["steps"])]
    out += [Entry(REPLY, text, who) for who, text in _speech_split(reply.strip() or "…", actor, speakers or {})]
    if reward:
        sign = "+" if reward > 0 else "−"
        plural = "s" if abs(reward) != 1 else ""
        out.append(Entry(REWARD, f"{sign}{abs(reward):g} point{plural} · score {info['score']} of "
                                 f"{info['max_score']}", actor, reward > 0))
    return out


def _speech_split(reply: str, actor: str, speakers: dict[str, str]) -> list[tuple[str, str]]:
    """(actor id, text) blocks of a reply: runs of narration, and each spoken line by its speaker."""
    blocks: list[tuple[str, list[str]]] = []
    for line in reply.split("\n"):
        name = line.split(": \"", 1)[0] if ': "' in line else None
        who = speakers.get(name, actor) if name in speakers else actor
        if blocks and blocks[-1][0] == who and name not in speakers:
            blocks[-1][1].append(line)
        else:
            blocks.append((who, [line]))
    return [(who, "\n".join(lines).strip() or "…") for who, lines in blocks]


def _rows(entry: Entry, fonts, width: int, actor_ids: list[str]) -> list[Row]:
    colour = theme.actor_colour(actor_ids, entry.actor)
    if entry.kind == COMMAND:
        note = f"#{entry.step}" if entry.step is not None else ""
        return [Row("mono_bold", colour, line, 12, colour, 14 if i == 0 else 0, note if i == 0 else "")
                for i, line in enumerate(widgets.wrap(fonts.mono_bold, entry.text, width - 52))]
    if entry.kind == REPLY:
        tint, stripe = theme.mix(theme.TEXT, colour, 0.22), theme.mix(theme.PANEL, colour, 0.45)
        rows, gap = [], 4
        for line in widgets.wrap(fonts.ui, entry.text, width - 12):
            if not line.strip():  # a paragraph break: a little space, not an empty row
                gap += 6
                continue
            rows.append(Row("ui", tint, line, 12, stripe, gap))
            gap = 0
        return rows
    if entry.kind in (REWARD, ENDING):
        tone = theme.GREEN if entry.good else theme.ROSE
        font = "bold"
        return [Row(font, tone, line, 12, tone, 6 if i == 0 else 0)
                for i, line in enumerate(widgets.wrap(fonts.bold, entry.text, width - 12))]
    return [Row("prose", theme.MUTED, line, 0, None, 10 if i == 0 else 0)
            for i, line in enumerate(widgets.wrap(fonts.prose, entry.text, width))]


class TranscriptView:
    """Draws a Transcript into a rect, newest at the bottom, with a scroll thumb."""

    def __init__(self) -> None:
        self._cache: tuple | None = None
        self._rows: list[Row] = []

    def rows(self, transcript: Transcript, fonts, width: int, actor_ids: list[str]) -> list[Row]:
        key = (id(transcript), transcript.version, width)
        if self._cache != key:
            self._rows = [r for e in transcript.entries for r in _rows(e, fonts, width, actor_ids)]
            self._cache = key
        return self._rows

    def draw(self, surface: pygame.Surface, rect: pygame.Rect, transcript: Transcript, fonts,
             actor_ids: list[str]) -> None:
        rows = self.rows(transcript, fonts, rect.w - 10, actor_ids)
        heights = [getattr(fonts, r.font).get_linesize() + r.gap for r in rows]
        transcript.scroll = min(transcript.scroll, max(0, len(rows) - 1))
        end = len(rows) - transcript.scroll
        y = rect.bottom
        start = end
        while start > 0 and y - heights[start - 1] >= rect.top:
            start -= 1
            y -= heights[start]
        if start == 0:
            y = rect.top  # everything fits: read from the top
        clip = surface.get_clip()
        surface.set_clip(rect)
        for row, h in zip(rows[start:end], heights[start:end]):
            font = getattr(fonts, row.font)
            top = y + row.gap
            if row.stripe is not None:
                pygame.draw.rect(surface, row.stripe, (rect.x, top + 2, 3, font.get_linesize() - 2))
            widgets.text(surface, font, row.text, row.colour, (rect.x + row.indent, top))
            if row.note:
                widgets.text(surface, fonts.small, row.note, theme.FAINT, (rect.right - 10, top + 2), "topright")
            y += h
        surface.set_clip(clip)
        if start > 0 or end < len(rows):
            self._thumb(surface, rect, start, end, len(rows))

    @staticmethod
    def _thumb(surface: pygame.Surface, rect: pygame.Rect, start: int, end: int, total: int) -> None:
        track = pygame.Rect(rect.right - 3, rect.y, 3, rect.h)
        pygame.draw.rect(surface, theme.PANEL_RAISED, track, border_radius=2)
        top = track.y + track.h * start // total
        height = max(12, track.h * (end - start) // total)
        pygame.draw.rect(surface, theme.FAINT, (track.x, top, 3, height), border_radius=2)
