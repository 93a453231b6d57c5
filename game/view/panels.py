"""The side panels: top bar, room card, goals, inventory, the NPC's mind, seek bar, footer."""

from __future__ import annotations

import math

import pygame

from game import quests
from game.view import theme, widgets
from game.view.session import Session
from game.world import ITEM

MAX_CANDIDATES = 6


def draw_top(surface: pygame.Surface, rect: pygame.Rect, fonts, session: Session) -> pygame.Rect:
    """Title, mode and what it is doing on the left; score bar and turns (whose, and shared) on the right.

    Returns the score bar's rect (the window shows score changes over it).
    """
    pygame.draw.rect(surface, theme.PANEL, rect)
    pygame.draw.line(surface, theme.EDGE, (rect.x, rect.bottom - 1), (rect.right, rect.bottom - 1))
    cy = rect.centery
    info = session.info(session.focus)
    right = rect.right - 18
    right = widgets.text(surface, fonts.small, session.turn_text(), theme.MUTED, (right, cy), "midright").left - 18
    score = f"{info['score']} / {info['max_score']}"
    right = widgets.text(surface, fonts.bold, score, theme.TEXT, (right, cy), "midright").left - 10
    fraction = info["score"] / info["max_score"] if info["max_score"] else 0.0
    score_bar = pygame.Rect(right - 120, cy - 4, 120, 8)
    widgets.bar(surface, score_bar, fraction, theme.GREEN)
    right = widgets.text(surface, fonts.heading, "SCORE", theme.MUTED, (right - 130, cy), "midright").left - 24

    for radius, t in ((13, 0.12), (10, 0.25), (7, 1.0)):  # a lantern's glow
        pygame.draw.circle(surface, theme.mix(theme.PANEL, theme.AMBER, t), (30, cy), radius)
    x = widgets.text(surface, fonts.bold, "Lantern", theme.TEXT, (50, cy), "midleft").right + 14
    title = widgets.ellipsize(fonts.prose, session.env.world.title or "Untitled world", max(40, (right - x) // 2))
    x = widgets.text(surface, fonts.prose, title, theme.MUTED, (x, cy), "midleft").right + 14
    x = widgets.badge(surface, fonts.heading, session.mode.upper(), session.accent, (x, cy), "midleft").right
    status = widgets.ellipsize(fonts.small, session.status(), right - x - 10)
    widgets.text(surface, fonts.small, status, theme.MUTED, (x + 10, cy), "midleft")
    return score_bar


def draw_room(surface: pygame.Surface, rect: pygame.Rect, fonts, session: Session) -> None:
    """Where the focus actor stands: room name, description, and what is here."""
    world = session.env.world
    actor = world.entity(session.focus).index
    room = world.state.parent[actor]
    colour = theme.actor_colour(session.env.actor_ids, session.focus)
    name = session.actor_name(session.focus)
    inner = widgets.card(surface, fonts, rect, "Where you are" if name == "You" else f"Where {name} is", colour)
    if room < 0:
        return
    lit = world.is_lit(room)
    title = widgets.text(surface, fonts.title, world.name(room), theme.TEXT if lit else theme.MUTED,
                         inner.topleft)
    if not lit:
        widgets.badge(surface, fonts.heading, "DARK", theme.ROSE, (title.right + 12, title.centery), "midleft")
    body = world.entities[room].description if lit else "It is pitch dark. You can't see a thing."
    things = [world.name(e) for e in world.contents(room)
              if lit and world.entities[e].kind == ITEM] + \
             [session.actor_name(world.entities[a].id) for a in world.actors_in(room) if a != actor]
    y = title.bottom + 6
    lines = widgets.wrap(fonts.prose, body, inner.w)
    room_for = max(1, (inner.bottom - y - (fonts.ui.get_linesize() if things else 0)) // fonts.prose.get_linesize())
    for i, line in enumerate(lines[:room_for]):
        cut = i == room_for - 1 and len(lines) > room_for
        shown = widgets.ellipsize(fonts.prose, line + " …", inner.w) if cut else line
        y = widgets.text(surface, fonts.prose, shown, theme.mix(theme.TEXT, theme.MUTED, 0.25), (inner.x, y)).bottom
    if things:
        here = widgets.ellipsize(fonts.ui, "Here: " + ", ".join(things), inner.w)
        widgets.text(surface, fonts.ui, here, theme.MUTED, (inner.x, inner.bottom), "bottomleft")


GOAL_GAP = 4  # pixels between two goals
TICK = 20  # the tick box and its margin, left of each goal's text


def goals_of(session: Session) -> list[tuple[str, bool]]:
    """The focus actor's goals in order: (text, met)."""
    world = session.env.world
    actor = world.entity(session.focus).index
    return [(quests.describe_goal(world, g), bool(world.state.met[qi] >> gi & 1))
            for qi in quests.quests_of(world, actor) for gi, g in enumerate(world.quests[qi].goals)]


def _goal_blocks(font: pygame.font.Font, goals: list[tuple[str, bool]], width: int) -> list[list[str]]:
    return [widgets.wrap(font, text, width - TICK) for text, _ in goals]


def _blocks_height(font: pygame.font.Font, blocks: list[list[str]]) -> int:
    return sum(len(b) for b in blocks) * font.get_linesize() + GOAL_GAP * max(0, len(blocks) - 1)


def goals_height(fonts, session: Session, width: int) -> int:
    """The goals card's height that shows every goal whole in the small font, at card ``width``."""
    goals = goals_of(session) or [("No goals: explore.", False)]
    return _blocks_height(fonts.small, _goal_blocks(fonts.small, goals, width - 28)) + widgets.card_chrome(fonts)


def status_height(fonts, session: Session, goals_width: int) -> int:
    """The goals and inventory row's height: every goal whole, and each actor's name with at
    least one line under it (two actors in the tutorial's three-goal row need more than its goals)."""
    line_h = fonts.small.get_linesize()
    actors = len(session.env.actor_ids)
    inventory = actors * (2 * line_h + 2) + (actors - 1) * 6 + widgets.card_chrome(fonts)
    return max(goals_height(fonts, session, goals_width), inventory)


def fit_goals(fonts, goals: list[tuple[str, bool]], inner: pygame.Rect,
              scroll: int = 0) -> tuple[pygame.font.Font, list[tuple[int, list[str], int]], int]:
    """Where each goal goes in ``inner``: the small font when all fit, else a finer one, else
    scrolled (from goal ``scroll`` on, as many whole goals as fit).

    Returns:
        (font, [(goal index, its lines, top y)], goals hidden below).
    """
    for font in (fonts.small, fonts.fine):
        blocks = _goal_blocks(font, goals, inner.w)
        if _blocks_height(font, blocks) <= inner.h:
            break
    first = min(max(scroll, 0), max(0, len(goals) - 1)) if _blocks_height(font, blocks) > inner.h else 0
    placed, y, line_h = [], inner.y, font.get_linesize()
    for i in range(first, len(goals)):
        lines = blocks[i]
        tail = line_h if i < len(goals) - 1 else 0  # room for the "more" line unless this is the last goal
        if placed and y + len(lines) * line_h + tail > inner.bottom:
            break
        lines = lines if y + len(lines) * line_h <= inner.bottom else \
            widgets.clamp_lines(font, goals[i][0], inner.w - TICK, max(1, (inner.bottom - y) // line_h))
        placed.append((i, lines, y))
        y += len(lines) * line_h + GOAL_GAP
    hidden = len(goals) - first - len(placed)
    return font, placed, hidden


def draw_goals(surface: pygame.Surface, rect: pygame.Rect, fonts, session: Session, scroll: int = 0) -> None:
    """The focus actor's goals, each with a box ticked while it holds and all of its text."""
    goals = goals_of(session)
    if not goals:
        inner = widgets.card(surface, fonts, rect, "Goals")
        widgets.text(surface, fonts.small, "No goals: explore.", theme.MUTED, inner.topleft)
        return
    chrome = widgets.card_chrome(fonts)
    inner = pygame.Rect(rect.x + 14, rect.bottom - 12 - (rect.h - chrome), rect.w - 28, rect.h - chrome)
    font, placed, hidden = fit_goals(fonts, goals, inner, scroll)
    above = placed[0][0] if placed else 0
    note = f"{sum(m for _, m in goals)} of {len(goals)} met" + (f" · {above} above" if above else "")
    widgets.card(surface, fonts, rect, "Goals", note=note)
    line_h = font.get_linesize()
    for i, lines, y in placed:
        met = goals[i][1]
        box = pygame.Rect(inner.x, y + (line_h - 12) // 2, 12, 12)
        if met:
            pygame.draw.rect(surface, theme.GREEN, box, border_radius=3)
            pygame.draw.lines(surface, theme.PANEL, False, [(box.x + 3, box.y + 6), (box.x + 5, box.y + 9),
                                                             (box.x + 9, box.y + 3)], 2)
        else:
            pygame.draw.rect(surface, theme.FAINT, box, width=1, border_radius=3)
        for j, line in enumerate(lines):
            widgets.text(surface, font, line, theme.MUTED if met else theme.TEXT, (inner.x + TICK, y + j * line_h))
    if hidden:
        widgets.text(surface, fonts.fine, f"+{hidden} more · wheel scrolls", theme.FAINT,
                     (inner.x + TICK, inner.bottom), "bottomleft")


def draw_inventory(surface: pygame.Surface, rect: pygame.Rect, fonts, session: Session) -> None:
    """What each actor carries, under its name in its colour."""
    world = session.env.world
    inner = widgets.card(surface, fonts, rect, "Inventory")
    y = inner.y
    line_h = fonts.small.get_linesize()
    for actor_id in session.env.actor_ids:
        if y + line_h > inner.bottom:
            return
        colour = theme.actor_colour(session.env.actor_ids, actor_id)
        pygame.draw.circle(surface, colour, (inner.x + 4, y + line_h // 2), 4)
        widgets.text(surface, fonts.bold, session.actor_name(actor_id), colour, (inner.x + 14, y - 1))
        y += line_h + 2
        held = [world.name(e) for e in world.held(world.entity(actor_id).index)]
        for name in held or ["nothing"]:
            if y + line_h > inner.bottom:
                return
            tone = theme.TEXT if held else theme.FAINT
            widgets.text(surface, fonts.small, widgets.ellipsize(fonts.small, name, inner.w - 14), tone,
                         (inner.x + 14, y))
            y += line_h
        y += 6


def draw_npc(surface: pygame.Surface, rect: pygame.Rect, fonts, session: Session, clock: float) -> None:
    """The NPC's mind: its goal in words, candidates as probability bars, the choice, the value."""
    actor = session.npc_actor
    if actor is None:
        _solo(surface, rect, fonts, session)
        return
    colour = theme.actor_colour(session.env.actor_ids, actor)
    model = session.model_name
    note = f"thinking{'.' * (1 + int(clock * 3) % 3)}" if session.thinking else \
        (f"model: {model}" if model else None)
    name = session.actor_name(actor)
    title = "The NPC's mind (playing you)" if name == "You" else f"{name}'s mind"
    inner = widgets.card(surface, fonts, rect, title, colour, note=note)
    y = inner.y
    request = session.info(actor)["request"]
    if request:
        told = widgets.ellipsize(fonts.ui, f"Told: “{request['words']}” ({request['state']})", inner.w)
        y = widgets.text(surface, fonts.ui, told, colour, (inner.x, y)).bottom + 6
    decision = session.decision
    if decision is None:
        widgets.text(surface, fonts.ui, "No decision yet.", theme.FAINT, (inner.x, y))
        return
    y = _journal(surface, fonts, inner, y, decision.notes)
    value = pygame.Rect(inner.x, inner.bottom - VALUE_H, inner.w, VALUE_H)
    rows = candidate_rows(decision, pygame.Rect(inner.x, y, inner.w, value.y - y))
    for row, command, prob in rows:
        _candidate(surface, fonts, row, command, prob, command == decision.command, colour)
    _value(surface, fonts, value, decision.value, colour, len(decision.candidates) - len(rows))


VALUE_H = 22  # the VALUE gauge's row at the bottom of the mind panel
ROW_H, MIN_ROW_H = 26, 20  # a candidate's row: as tall as the panel allows, never less than MIN_ROW_H


def _ranked(decision) -> list[tuple[str, float]]:
    """Candidates most likely first (the chosen one first among equals), the chosen one always kept."""
    rows = sorted(decision.candidates, key=lambda c: (-c[1], c[0] != decision.command))[:MAX_CANDIDATES]
    if decision.command not in [c for c, _ in rows]:
        rows = rows[:MAX_CANDIDATES - 1] + [(decision.command, dict(decision.candidates).get(decision.command, 0.0))]
    return rows


def candidate_rows(decision, area: pygame.Rect) -> list[tuple[pygame.Rect, str, float]]:
    """The candidates shown, each with its bar's rect in ``area`` (the panel's real height between
    the journal and the VALUE row): as many as fit, most likely first, the chosen one always shown."""
    ranked = _ranked(decision)
    row_h = min(ROW_H, max(MIN_ROW_H, area.h // max(1, len(ranked))))
    fit = min(len(ranked), max(0, area.h // row_h))
    chosen = next(i for i, (c, _) in enumerate(ranked) if c == decision.command)
    if chosen >= fit > 0:  # keep the chosen one visible, in the last slot
        ranked[fit - 1] = ranked[chosen]
    return [(pygame.Rect(area.x, area.y + i * row_h, area.w, row_h - 4), *ranked[i]) for i in range(fit)]


def journal_rows(fonts, inner: pygame.Rect, y: int, notes: list[str]) -> list[str]:
    """The journal rows shown from ``y``: at most two per note, in at most a third of the card and
    never so many that fewer than two candidates fit; a note cut short ends at a word with '…'."""
    line_h = fonts.fine.get_linesize()
    free = inner.bottom - y
    budget = max(0, min(free // 3, free - VALUE_H - 2 * MIN_ROW_H) // line_h)
    rows: list[str] = []
    for note in notes:
        if len(rows) >= budget:
            break
        rows += widgets.clamp_lines(fonts.fine, note, inner.w, min(2, budget - len(rows)))
    return rows


def _journal(surface: pygame.Surface, fonts, inner: pygame.Rect, y: int, notes: list[str]) -> int:
    """Draw the journal lines the NPC read (models made with --journal); returns the y below them."""
    for row in journal_rows(fonts, inner, y, notes):
        y = widgets.text(surface, fonts.fine, row, theme.MUTED, (inner.x, y)).y + fonts.fine.get_linesize()
    return y + 4 if notes else y


def _solo(surface: pygame.Surface, rect: pygame.Rect, fonts, session: Session) -> None:
    """No NPC in this world: say so, and list what would change something now (Tab completes them)."""
    inner = widgets.card(surface, fonts, rect, "Commands that work now", note="no NPC here: you play alone")
    y = inner.y
    line_h = fonts.mono.get_linesize() + 4
    options = session.info(session.focus)["admissible_commands"]
    for command in options:
        if y + 2 * line_h > inner.bottom:
            widgets.text(surface, fonts.small, f"+{len(options) - options.index(command)} more", theme.FAINT,
                         (inner.x, y))
            return
        widgets.text(surface, fonts.mono, widgets.ellipsize(fonts.mono, command, inner.w), theme.MUTED, (inner.x, y))
        y += line_h
    tip = "Tab completes these; 'watch' lets the NPC play this world."
    widgets.text(surface, fonts.small, tip, theme.FAINT, (inner.x, inner.bottom), "bottomleft")


def _candidate(surface: pygame.Surface, fonts, rect: pygame.Rect, command: str, prob: float, chosen: bool,
               colour: theme.Colour) -> None:
    """One candidate: a bar as long as its probability, the command over it, the percentage."""
    pct_w = 48
    track = pygame.Rect(rect.x, rect.y, rect.w - pct_w, rect.h)
    fill = theme.mix(theme.PANEL_RAISED, colour, 0.55 if chosen else 0.18)
    pygame.draw.rect(surface, theme.PANEL_RAISED, track, border_radius=5)
    if prob > 0:
        pygame.draw.rect(surface, fill, (track.x, track.y, max(6, round(track.w * min(prob, 1.0))), track.h),
                         border_radius=5)
    if chosen:
        pygame.draw.rect(surface, colour, track, width=1, border_radius=5)
    font = fonts.mono_bold if chosen else fonts.mono
    label = ("▸ " if chosen else "  ") + command
    widgets.text(surface, font, widgets.ellipsize(font, label, track.w - 12), theme.TEXT if chosen else theme.MUTED,
                 (track.x + 6, track.centery), "midleft")
    widgets.text(surface, fonts.small, f"{prob * 100:.0f}%", colour if chosen else theme.MUTED,
                 (rect.right, rect.centery), "midright")


def _value(surface: pygame.Surface, fonts, rect: pygame.Rect, value: float | None, colour: theme.Colour,
           extra: int = 0) -> None:
    """The value estimate on a gauge centred on zero (squashed with tanh so any scale fits), after
    how many candidates are not shown (``extra``)."""
    label = widgets.text(surface, fonts.heading, "VALUE", theme.MUTED, (rect.x, rect.centery), "midleft")
    more = pygame.Rect(label.right, rect.centery, 0, 0)
    if extra > 0:
        more = widgets.text(surface, fonts.fine, f"(+{extra} more candidates)", theme.FAINT,
                            (label.right + 10, rect.centery), "midleft")
    if value is None:
        widgets.text(surface, fonts.fine, widgets.ellipsize(fonts.fine, "no estimate (no value head)",
                                                            rect.right - more.right - 12),
                     theme.FAINT, (more.right + 12, rect.centery), "midleft")
        return
    number = widgets.render(fonts.bold, f"{value:+.3f}", colour)
    gauge = pygame.Rect(more.right + 12, rect.centery - 4, rect.right - more.right - number.get_width() - 30, 8)
    pygame.draw.rect(surface, theme.PANEL_RAISED, gauge, border_radius=4)
    mid = gauge.centerx
    end = mid + round(math.tanh(value) * gauge.w / 2)
    tone = theme.GREEN if value >= 0 else theme.ROSE
    pygame.draw.rect(surface, tone, (min(mid, end), gauge.y, max(2, abs(end - mid)), gauge.h), border_radius=4)
    pygame.draw.line(surface, theme.MUTED, (mid, gauge.y - 3), (mid, gauge.bottom + 2))
    widgets.text(surface, fonts.bold, f"{value:+.3f}", tone, (rect.right, rect.centery), "midright")


def draw_seek(surface: pygame.Surface, rect: pygame.Rect, fonts, session) -> pygame.Rect:
    """The replay's seek bar: play state, position, reward ticks; returns the clickable track."""
    pygame.draw.rect(surface, theme.PANEL, rect, border_radius=10)
    pygame.draw.rect(surface, theme.EDGE, rect, width=1, border_radius=10)
    icon = pygame.Rect(rect.x + 14, rect.centery - 7, 14, 14)
    if session.playing:
        pygame.draw.rect(surface, theme.VIOLET, (icon.x, icon.y, 4, 14))
        pygame.draw.rect(surface, theme.VIOLET, (icon.x + 8, icon.y, 4, 14))
    else:
        pygame.draw.polygon(surface, theme.VIOLET, [icon.topleft, icon.bottomleft, (icon.right, icon.centery)])
    counter = f"{session.cursor} / {session.length}"
    widgets.text(surface, fonts.bold, counter, theme.TEXT, (rect.right - 14, rect.centery), "midright")
    widest = fonts.bold.size(f"{session.length} / {session.length}")[0]  # fixed, so the track never jitters
    track = pygame.Rect(icon.right + 16, rect.centery - 3, rect.right - 14 - widest - icon.right - 32, 6)
    fraction = session.cursor / session.length if session.length else 1.0
    widgets.bar(surface, track, fraction, theme.mix(theme.PANEL_RAISED, theme.VIOLET, 0.7))
    for i, reward in enumerate(session.rewards):
        if reward:
            x = track.x + round(track.w * (i + 1) / session.length)
            tone = theme.GREEN if reward > 0 else theme.ROSE
            pygame.draw.line(surface, tone, (x, track.y - 6), (x, track.bottom + 5), 2)
    knob = (track.x + round(track.w * fraction), track.centery)
    pygame.draw.circle(surface, theme.VIOLET, knob, 8)
    pygame.draw.circle(surface, theme.TEXT, knob, 3)
    return track.inflate(0, 24)


def draw_footer(surface: pygame.Surface, rect: pygame.Rect, fonts, session: Session) -> None:
    """Key hints on the left, the latest notice on the right."""
    notice = session.notice or ""
    right = rect.right
    if notice:
        right = widgets.text(surface, fonts.small, widgets.ellipsize(fonts.small, notice, rect.w // 2), theme.MUTED,
                             (rect.right, rect.centery), "midright").left - 16
    widgets.key_hints(surface, fonts, session.hints(), (rect.x, rect.centery - 9), right)
