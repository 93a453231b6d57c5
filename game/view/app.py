"""The window: one event handler, one drawing pass, and the blocking loop around them.

``Viewer.handle_event`` takes any ``pygame.event.Event`` and ``Viewer.draw`` paints
one frame, so tests drive the window without its loop. ``run_play_window``,
``run_watch_window`` and ``run_replay_window`` are what ``main.py`` calls.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Callable
from pathlib import Path

import pygame

from game.env import LanternEnv
from game.cli import EPISODES_DIR
from game.files import check_output_file, write_bytes
from game.npc import NPC
from game.play_text import HELP
from game.record import Episode
from game.view import panels, theme, widgets
from game.view.display import check_display
from game.view.inputline import InputLine, draw_input
from game.view.layout import DEFAULT_SIZE, compute_layout
from game.view.maplayout import layout_rooms
from game.view.mapview import MapView, draw_legend, draw_room_tip
from game.view.play import NPC_PERIOD, PlaySession
from game.view.replay import ReplaySession
from game.view.session import Session
from game.view.theme import Fonts
from game.view.transcript import TranscriptView
from game.view.watch import WatchSession

FPS = 60
SCROLL_ROWS = 3
TOAST_SECONDS = 1.6
TIMER = (f"F2 (when the world has an NPC): the NPC acts on its own, {NPC_PERIOD:g} s after your last key. "
         "The timer waits while the input line holds text and starts again at every key you press, so the NPC "
         "never spends the shared steps while you read or type. F2 again: it acts after each of your commands.")
COLOURS = ("Colours: amber is you, teal (and violet, sky ...) the other actors, in the transcript, on the "
           "map and in the panels. On the map a hollow green door is open, a grey one closed, a rose "
           "one locked; dark rooms are drawn dark. Green bars and ticks are points scored.")


class Viewer:
    """The Lantern window over one session (which may hand over to another: take-over).

    Args:
        session: what to show and drive.
        size: the window's first size in pixels.
    """

    def __init__(self, session: Session, size: tuple[int, int] = DEFAULT_SIZE) -> None:
        pygame.display.init()
        pygame.display.set_icon(lantern_icon())
        self.screen = pygame.display.set_mode(size, pygame.RESIZABLE)
        pygame.key.set_repeat(400, 35)
        self.fonts = Fonts()
        self.input = InputLine()
        self.transcript_view = TranscriptView()
        self.time = 0.0
        self.running = True
        self.seek_track = pygame.Rect(0, 0, 0, 0)
        self.dragging = False
        self.mouse: tuple[int, int] = (-1, -1)
        self.map_rect = pygame.Rect(0, 0, 0, 0)
        self.goal_scroll = 0  # the first goal shown when the goals do not all fit
        self._hotkey_text: str | None = None  # the text of the last KEYDOWN used as a hotkey
        self.toast: tuple[float, float] | None = None  # (points, time) of the last score change
        self._score: tuple[int, int] | None = None
        self.set_session(session)

    def set_session(self, session: Session) -> None:
        """Show ``session`` (at start, and when a replay is taken over)."""
        self.session = session
        self.seek_track, self.dragging = pygame.Rect(0, 0, 0, 0), False
        self.goal_scroll = 0
        self.map = MapView(layout_rooms(session.env.world))
        pygame.display.set_caption(f"Lantern · {session.env.world.title} · {session.mode}")
        self.relayout()

    def relayout(self) -> None:
        """Place the panels for the window's size; the goals row asks for what its goals need."""
        self.screen = pygame.display.get_surface() or self.screen
        modes = isinstance(self.session, PlaySession), isinstance(self.session, ReplaySession)
        first = compute_layout(self.screen.get_size(), *modes)
        self.layout = compute_layout(self.screen.get_size(), *modes,
                                     status_h=panels.status_height(self.fonts, self.session, first.goals.w))

    # -- events ------------------------------------------------------------------------

    def handle_event(self, event: pygame.event.Event) -> None:
        """Apply one event: keys, typed text, mouse (seek bar, wheel), resize, close."""
        kind = event.type
        if kind == pygame.QUIT:
            self.running = False
        elif kind in (pygame.VIDEORESIZE, pygame.WINDOWSIZECHANGED):
            self.relayout()
        elif kind == pygame.KEYDOWN:
            self._key(event)
        elif kind == pygame.TEXTINPUT:
            self._text(event)
        elif kind == pygame.MOUSEWHEEL and self.layout.goals.collidepoint(self.mouse):
            self.goal_scroll = min(max(0, self.goal_scroll - event.y), max(0, len(panels.goals_of(self.session)) - 1))
        elif kind == pygame.MOUSEWHEEL:
            self.session.transcript.scroll_by(event.y * SCROLL_ROWS)
        elif kind == pygame.MOUSEBUTTONDOWN and event.button == 1 and self.seek_track.collidepoint(event.pos):
            self.dragging = True
            self._seek_to(event.pos[0])
        elif kind == pygame.MOUSEBUTTONDOWN and event.button == 1 and isinstance(self.session, ReplaySession) \
                and self.layout.seek.collidepoint(event.pos) and event.pos[0] < self.seek_track.x:
            self.session.toggle_play()
        elif kind == pygame.MOUSEMOTION:
            self.mouse = event.pos
            if self.dragging:
                self._seek_to(event.pos[0])
        elif kind == pygame.MOUSEBUTTONUP and event.button == 1:
            self.dragging = False
        self._follow()

    def _text(self, event: pygame.event.Event) -> None:
        """Typed text goes to the input line, unless it is the text of a key just used as a hotkey
        (SDL sends a TEXTINPUT after the KEYDOWN: T that takes over a replay must not type a 't')."""
        swallow, self._hotkey_text = self._hotkey_text, None
        if swallow is not None and event.text == swallow:
            return
        if isinstance(self.session, PlaySession) and not self.session.help_open:
            self.input.handle_text(event)
            self.session.typed()

    def _key(self, event: pygame.event.Event) -> None:
        self._hotkey_text = None
        if not self._key_to_input(event):
            self._hotkey_text = getattr(event, "unicode", "") or None

    def _key_to_input(self, event: pygame.event.Event) -> bool:
        """Apply a KEYDOWN; False when a window or mode hotkey used it (its text is then dropped)."""
        session, key = self.session, event.key
        if session.help_open:
            session.help_open = key not in (pygame.K_ESCAPE, pygame.K_F1, pygame.K_RETURN)
            return False
        if key == pygame.K_F1:
            session.help_open = True
        elif key == pygame.K_ESCAPE and not self.input.text:
            self.running = False
        elif key == pygame.K_q and event.mod & pygame.KMOD_CTRL:
            self.running = False
        elif key in (pygame.K_PAGEUP, pygame.K_PAGEDOWN):
            rows = max(1, self.layout.transcript.h // 40)
            session.transcript.scroll_by(rows if key == pygame.K_PAGEUP else -rows)
        elif session.handle_key(event) or not isinstance(session, PlaySession):
            return False
        else:
            session.typed()
            line = self.input.handle_key(event, session.admissible())
            if line is not None:
                session.submit(line)
            return True
        return False

    def _seek_to(self, x: int) -> None:
        if isinstance(self.session, ReplaySession) and self.seek_track.w:
            self.session.playing = False
            self.session.seek_fraction((x - self.seek_track.x) / self.seek_track.w)

    def _follow(self) -> None:
        """Switch to the session the current one handed over to; stop when it asks to quit."""
        if self.session.quit:
            self.running = False
        if self.session.next_session is not None:
            self.set_session(self.session.next_session)
            self.input.clear()

    def update(self, dt: float) -> None:
        """Advance time: the session's timers and the NPC's answers; notice score changes."""
        self.time += dt
        if isinstance(self.session, PlaySession):
            self.session.composing = bool(self.input.text)
        self.session.update(dt)
        self._follow()
        score = (id(self.session), self.session.info(self.session.focus)["score"])
        if self._score is not None and score[0] == self._score[0] and score[1] != self._score[1]:
            self.toast = (score[1] - self._score[1], self.time)
        self._score = score

    def _toast_age(self) -> float | None:
        """Seconds since the score changed, while its '+N' still shows."""
        if self.toast is None or self.time - self.toast[1] > TOAST_SECONDS:
            return None
        return self.time - self.toast[1]

    # -- drawing -----------------------------------------------------------------------------

    def draw(self, dt: float | None = None) -> None:
        """Paint one frame; ``dt=None`` settles animations at once (screenshots, tests)."""
        s, lay, fonts, session = self.screen, self.layout, self.fonts, self.session
        s.fill(theme.BG)
        score_rect = panels.draw_top(s, lay.top, fonts, session)
        panels.draw_room(s, lay.room, fonts, session)
        self._draw_transcript()
        inner = widgets.card(s, fonts, lay.map, "Map", note=f"{len(session.discovered)} of "
                             f"{len(session.env.world.rooms)} rooms")
        draw_legend(s, fonts, (inner.x + fonts.heading.size("MAP")[0] + 18, lay.map.y + 11))
        self.map_rect = inner
        self.map.draw(s, self.map_rect, fonts, session.env.world, session.discovered,
                      session.env.actor_ids, session.focus, dt)
        panels.draw_goals(s, lay.goals, fonts, session, self.goal_scroll)
        panels.draw_inventory(s, lay.inventory, fonts, session)
        panels.draw_npc(s, lay.npc, fonts, session, self.time)
        if isinstance(session, ReplaySession):
            self.seek_track = panels.draw_seek(s, lay.seek, fonts, session)
        panels.draw_footer(s, lay.footer, fonts, session)
        if isinstance(session, PlaySession):
            prompt, colour, placeholders = session.prompt()
            draw_input(s, lay.input, self.input, fonts, prompt, colour, placeholders,
                       caret_on=dt is None or int(self.time * 2) % 2 == 0, enabled=session.over is None)
        age = self._toast_age()
        if age is not None:
            self._draw_toast(score_rect, age)
        self._draw_room_tip()
        if session.help_open:
            self._draw_help()

    def _draw_room_tip(self) -> None:
        """Hovering a room on the map shows its full name, description and who is there."""
        session = self.session
        room = self.map.room_at(self.map_rect, self.mouse, session.discovered)
        if room is not None:
            world = session.env.world
            names = [session.actor_name(world.entities[a].id) for a in world.actors_in(room)]
            draw_room_tip(self.screen, self.fonts, world, room, names, self.mouse)

    def _draw_toast(self, score_rect: pygame.Rect, age: float) -> None:
        """'+1' rising and fading over the score bar after the score changes."""
        points = self.toast[0]
        colour = theme.GREEN if points > 0 else theme.ROSE
        surf = self.fonts.bold.render(f"{points:+g}", True, colour)
        surf.set_alpha(round(255 * (1 - age / TOAST_SECONDS)))
        self.screen.blit(surf, surf.get_rect(midbottom=(score_rect.centerx, score_rect.y + 2 - round(age * 12))))
        glow = pygame.Surface(score_rect.inflate(8, 8).size, pygame.SRCALPHA)
        pygame.draw.rect(glow, (*colour, round(90 * (1 - age / TOAST_SECONDS))), glow.get_rect(), border_radius=8)
        self.screen.blit(glow, score_rect.inflate(8, 8))

    def _draw_transcript(self) -> None:
        session, rect = self.session, self.layout.transcript
        steps = sum(1 for e in session.transcript.entries if e.kind == "command")
        inner = widgets.card(self.screen, self.fonts, rect, "Transcript",
                             note=f"{steps} commands · wheel / PgUp to scroll")
        if session.over is not None:
            label = "WON" if session.over.good and "won" in session.over.text else \
                "OVER" if session.over.good else ("LOST" if "lost" in session.over.text else "OUT OF TIME")
            widgets.badge(self.screen, self.fonts.heading, label, theme.GREEN if session.over.good else theme.ROSE,
                          (rect.x + 28 + self.fonts.heading.size("TRANSCRIPT")[0], rect.y + 19), "midleft")
        self.transcript_view.draw(self.screen, inner, session.transcript, self.fonts, session.env.actor_ids)

    def _draw_help(self) -> None:
        shade = pygame.Surface(self.screen.get_size(), pygame.SRCALPHA)
        shade.fill((8, 9, 12, 200))
        self.screen.blit(shade, (0, 0))
        w, h = self.screen.get_size()
        rect = pygame.Rect(0, 0, min(760, w - 80), min(520, h - 80))
        rect.center = (w // 2, h // 2)
        inner = widgets.card(self.screen, self.fonts, rect, "Help", self.session.accent, note="F1 or Esc closes")
        y = inner.y
        blocks = ((HELP, theme.TEXT), (TIMER, theme.MUTED), (COLOURS, theme.MUTED)) \
            if isinstance(self.session, PlaySession) else ((HELP, theme.TEXT), (COLOURS, theme.MUTED))
        for block, colour in blocks:
            for line in widgets.wrap(self.fonts.ui, block, inner.w):
                y = widgets.text(self.screen, self.fonts.ui, line, colour, (inner.x, y)).bottom
            y += 10
        y += 6
        for key, action in self.session.hints():
            widgets.badge(self.screen, self.fonts.tiny, key, theme.MUTED, (inner.x + 90, y), "topright")
            widgets.text(self.screen, self.fonts.ui, action, theme.TEXT, (inner.x + 104, y + 1))
            y += 26

    # -- the loop ----------------------------------------------------------------------------

    def run(self) -> int:
        """The blocking loop at 60 frames per second; returns 0 when the window closes.

        On closing it says where the episode file went.

        A frame is painted only when something may have changed (an event, the
        session, an animation), so an idle window costs almost nothing.
        """
        clock = pygame.time.Clock()
        shown: tuple | None = None
        try:
            while self.running:
                dt = clock.tick(FPS) / 1000.0
                events = pygame.event.get()
                for event in events:
                    self.handle_event(event)
                self.update(dt)
                now = self.signature()
                if events or now != shown or self.map.moving:
                    self.draw(dt)
                    pygame.display.flip()
                    shown = now
        finally:
            self.session.close()
            pygame.display.quit()
        print_saved(self.session.saved)
        return 0

    def signature(self) -> tuple:
        """Everything a frame depends on; the loop repaints when it changes."""
        line = self.input
        return (id(self.session), self.session.signature(), self.session.thinking and int(self.time * 3),
                line.text, line.cursor, tuple(line.matches), int(self.time * 2), self.screen.get_size(), self.mouse,
                self._toast_age() is not None and int(self.time * 30))

    def save(self, path: str | Path) -> Path:
        """Paint a settled frame and write it as a PNG."""
        path = check_output_file(path, "--screenshot")
        self.draw(None)
        png = io.BytesIO()
        pygame.image.save(self.screen, png, "png")  # to memory, then written whole (never a torn PNG)
        write_bytes(path, png.getvalue())
        return path


def print_saved(saved: list[Path]) -> None:
    """Say on the terminal where the episodes went (one line), so they can be replayed."""
    if len(saved) == 1:
        print(f"episode saved to {saved[0]} (python main.py replay {saved[0]})")
    elif saved:
        print(f"{len(saved)} episodes saved in {saved[-1].parent}, the last {saved[-1].name} "
              f"(python main.py replay {saved[-1]})")


def lantern_icon() -> pygame.Surface:
    """The window icon: a lantern's glow."""
    icon = pygame.Surface((32, 32), pygame.SRCALPHA)
    for radius, t in ((15, 0.25), (11, 0.5), (7, 1.0)):
        pygame.draw.circle(icon, (*theme.mix(theme.BG, theme.AMBER, t), 255), (16, 16), radius)
    return icon


# -- entry points (main.py) ------------------------------------------------------------------


def episodes_folder(args: argparse.Namespace) -> Path:
    """Where the window saves episodes: ``--episodes`` (replay has none: the default folder)."""
    return Path(getattr(args, "episodes", None) or EPISODES_DIR)


def _check_screenshot(args: argparse.Namespace) -> None:
    """Refuse an unwritable --screenshot before the session is built and its steps are played."""
    if getattr(args, "screenshot", None):
        check_output_file(args.screenshot, "--screenshot")


def _open(session: Session, args: argparse.Namespace, advance: Callable[[int], None]) -> int:
    """Show ``session``: save a screenshot after ``--after`` steps, or run the window."""
    viewer = Viewer(session, getattr(args, "size", None) or DEFAULT_SIZE)
    shot = getattr(args, "screenshot", None)
    if shot:
        advance(max(0, getattr(args, "after", 0) or 0))
        path = viewer.save(shot)
        session.close()
        print(f"saved {path}")
        return 0
    code = viewer.run()
    if viewer.session.recording_error:  # told in the window too; this line outlives it
        print(f"note: {viewer.session.recording_error}", file=sys.stderr)
    return code


def run_play_window(env: LanternEnv, args: argparse.Namespace, npc: NPC) -> int:
    """``main.py play``: the person and the NPC share the world."""
    check_display(bool(getattr(args, "screenshot", None)))
    _check_screenshot(args)
    shot = bool(getattr(args, "screenshot", None))
    session = PlaySession(env, npc, args.seed, getattr(args, "actor", None),
                          episodes=None if shot else episodes_folder(args), threaded=not shot,
                          meta={"model_arg": getattr(args, "model", None)})
    script = script_lines(getattr(args, "commands", None))

    def advance(n: int) -> None:
        session.autoplay(n, session.npc_actor or session.player)
        session.play_script(script)

    return _open(session, args, advance)


def script_lines(commands: str | None) -> list[str]:
    """The person's commands of ``--commands "cmd1; cmd2"`` (empty parts dropped)."""
    return [part.strip() for part in (commands or "").split(";") if part.strip()]


def run_watch_window(env: LanternEnv, args: argparse.Namespace, npc: NPC) -> int:
    """``main.py watch``: the NPC plays alone (the quest's whole team, in turn)."""
    check_display(bool(getattr(args, "screenshot", None)))
    _check_screenshot(args)
    shot = bool(getattr(args, "screenshot", None))
    session = WatchSession(env, npc, args.seed, episodes=None if shot else episodes_folder(args),
                           threaded=not shot, meta={"model_arg": getattr(args, "model", None)})
    return _open(session, args, session.play_turns)


def run_replay_window(episode: Episode, args: argparse.Namespace,
                      make_npc: Callable[[str | None, int | None], NPC]) -> int:
    """``main.py replay FILE``: a saved episode on a time line, with take-over."""
    check_display(bool(getattr(args, "screenshot", None)))
    _check_screenshot(args)
    session = ReplaySession(episode, make_npc, episodes=episodes_folder(args),
                            threaded=not getattr(args, "screenshot", None))
    return _open(session, args, session.seek)
