"""Replay: play, pause, step back and forward, seek, jump to the end, take over.

Every step of the episode is re-simulated once when the replay opens (checking
each state hash) and an env snapshot kept per step, so seeking anywhere restores
the engine's own state instead of guessing it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pygame

from game.errors import LanternError
from game.npc import NPC, RandomNPC
from game.record import Episode, replay
from game.turns import first_npc, viewer_of
from game.view import theme
from game.view.session import Session, decision_of, ending
from game.view.transcript import SYSTEM, Entry, step_entries

SPEEDS = (1.0, 2.0, 4.0, 8.0, 16.0)


class ReplaySession(Session):
    """A saved episode on a time line.

    Args:
        episode: the loaded episode.
        make_npc: ``make_npc(model, seed)`` gives the NPC that plays along after a take-over.
        episodes: where a take-over's new episode is recorded (None: not recorded).
        threaded: let the NPC think in a thread after a take-over.

    Raises:
        EpisodeError: when re-simulating the episode disagrees with the file.
    """

    mode = "replay"
    accent = theme.VIOLET

    def __init__(self, episode: Episode, make_npc: Callable[[str | None, int | None], NPC] | None = None,
                 episodes: Path | None = None, threaded: bool = True) -> None:
        env = episode.make_env()
        player = viewer_of(episode.header, episode.steps, env)
        npc_actor = next((r["actor"] for r in episode.steps if "candidates" in r), None)
        super().__init__(env, player, npc_actor or first_npc(env, player) or player)
        self.source = episode
        self.threaded = threaded
        self.make_npc = make_npc
        self.episodes = episodes
        self.begin(episode.header.get("seed"), None)
        self.intro = list(self.transcript.entries)
        self.frames = [env.snapshot()]
        self.seen = [frozenset(self.discovered)]
        self.blocks: list[list[Entry]] = []
        self.rewards: list[float] = []
        turns: dict[str, int] = {}
        for step in replay(episode, env):
            rec = step.record
            turns[rec["actor"]] = turns.get(rec["actor"], 0) + 1
            self.blocks.append(step_entries(rec["actor"], self.actor_name(rec["actor"]), rec["command"],
                                            env.narration(self.focus), step.reward, step.info, self.speakers()))
            self.rewards.append(step.reward)
            self.see()
            self.frames.append(env.snapshot())
            self.seen.append(frozenset(self.discovered))
            if step.done:
                self.blocks[-1].append(ending(self, rec["actor"], step.info, not step.info["won"]
                                              and not step.info["lost"], turns))
        if self.blocks and not episode.finished:
            self.blocks[-1].append(Entry(SYSTEM, "The recording stops here: it was stopped before the episode ended."))
        self.cursor = -1
        self.playing = False
        self.speed = SPEEDS.index(2.0)
        self._clock = 0.0
        self.seek(0)

    @property
    def model_name(self) -> str:
        return str(self.source.header.get("model") or "")

    @property
    def length(self) -> int:
        return len(self.source.steps)

    def seek(self, index: int) -> None:
        """Show the state after ``index`` steps (clamped to the episode)."""
        index = min(max(index, 0), self.length)
        if index == self.cursor:
            return
        self.cursor = index
        self.env.restore(self.frames[index])
        self.transcript.set_entries(self.intro + [e for block in self.blocks[:index] for e in block])
        self.discovered = set(self.seen[index])
        self.turns = dict(Counter(r["actor"] for r in self.source.steps[:index]))
        self.decision = next((d for d in (decision_of(r) for r in reversed(self.source.steps[:index]))
                              if d is not None), None)
        last = self.transcript.entries[-1] if index else None
        self.over = last if last is not None and last.kind == "ending" else None

    def seek_fraction(self, fraction: float) -> None:
        """Seek to a point of the seek bar (0 = start, 1 = end)."""
        self.seek(round(min(max(fraction, 0.0), 1.0) * self.length))

    def take_over(self) -> None:
        """Leave the replay and play on from the step shown (``next_session`` holds the play).

        The NPC is made the way the episode's NPC was (its ``--model``, kept in the
        header as ``model_arg``); a random episode gets a random NPC.
        """
        from game.view.play import PlaySession
        header = self.source.header
        npc: NPC = RandomNPC(header.get("seed"))
        if self.make_npc is not None and header.get("model") not in (None, "random"):
            try:
                npc = self.make_npc(header.get("model_arg"), header.get("seed"))
            except LanternError as exc:
                self.notice = f"Could not load the episode's model ({exc}); the NPC plays randomly."
        self.next_session = PlaySession.take_over(self.source, self.cursor, npc, self.episodes,
                                                  threaded=self.threaded)
        if self.notice:
            self.next_session.notice = self.notice
            self.next_session.transcript.add(SYSTEM, self.notice)

    def toggle_play(self) -> None:
        """Play or pause; playing from the end starts over."""
        if self.cursor >= self.length:
            self.seek(0)
        self.playing, self._clock = not self.playing, 0.0

    def update(self, dt: float) -> None:
        if not self.playing:
            return
        self._clock += dt
        period = 1.0 / SPEEDS[self.speed]
        while self._clock >= period and self.playing:
            self._clock -= period
            self.seek(self.cursor + 1)
            self.playing = self.cursor < self.length

    def handle_key(self, event: pygame.event.Event) -> bool:
        key = event.key
        if key == pygame.K_SPACE:
            self.toggle_play()
        elif key == pygame.K_t:
            self.take_over()
        elif key in (pygame.K_LEFT, pygame.K_RIGHT, pygame.K_HOME, pygame.K_END):
            self.playing = False
            target = {pygame.K_LEFT: self.cursor - 1, pygame.K_RIGHT: self.cursor + 1,
                      pygame.K_HOME: 0, pygame.K_END: self.length}[key]
            self.seek(target)
        elif key in (pygame.K_UP, pygame.K_EQUALS, pygame.K_PLUS, pygame.K_KP_PLUS):
            self.speed = min(self.speed + 1, len(SPEEDS) - 1)
        elif key in (pygame.K_DOWN, pygame.K_MINUS, pygame.K_KP_MINUS):
            self.speed = max(self.speed - 1, 0)
        else:
            return False
        return True

    def signature(self) -> tuple:
        return super().signature() + (self.cursor,)

    def status(self) -> str:
        state = f"playing at {SPEEDS[self.speed]:g}/s" if self.playing else "paused"
        return f"{state} · {Path(self.source.source).name}"

    def hints(self) -> list[tuple[str, str]]:
        return [("Space", "pause" if self.playing else "play"), ("← →", "step"), ("Home End", "jump"),
                ("+ −", f"speed ({SPEEDS[self.speed]:g}/s)"), ("T", "take over"), ("F1", "help"),
                ("Esc", "quit")]
