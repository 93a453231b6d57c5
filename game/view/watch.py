"""Watch: the NPC plays alone (every actor of the quest, in turn); pause, single-step, faster,
slower, next episode."""

from __future__ import annotations

import math
from pathlib import Path

import pygame

from game.env import LanternEnv
from game.npc import NPC
from game.turns import first_npc, team
from game.view import theme
from game.view.session import Session

SPEEDS = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 60.0)  # NPC commands per second
NEXT_EPISODE_AFTER = 3.0  # seconds the ending stays up before the next episode


class WatchSession(Session):
    """The NPC plays while the person watches: the player's actor and every actor sharing a quest
    with it, in turn, the player's first (as eval and training play a world), seen from the NPC's
    own actor (the player's, in a solo world).

    Args:
        env: the environment (reset here).
        npc: chooses the commands.
        seed: the first episode's seed; each next episode adds one.
        episodes: folder for episode files (None: do not record).
        threaded: let the NPC think in a thread.
        meta: extra header fields for the episode files.
    """

    mode = "watch"
    accent = theme.TEAL

    def __init__(self, env: LanternEnv, npc: NPC, seed: int | None = 0, episodes: Path | None = None,
                 threaded: bool = True, meta: dict | None = None) -> None:
        actor = first_npc(env, env.player_id) or env.player_id
        super().__init__(env, actor, actor, npc, threaded)
        self.team = team(env.world)
        self.episodes = episodes
        self.meta = meta or {}
        self.paused = False
        self.speed = SPEEDS.index(4.0)
        self._clock = 0.0
        self._next_in = NEXT_EPISODE_AFTER
        self.begin(seed, episodes, self.meta)

    @property
    def rate(self) -> float:
        return SPEEDS[self.speed]

    def next_actor(self) -> str:
        """Whose turn it is: each member of the team in turn (every step is the NPC's)."""
        return self.team[self.env.steps % len(self.team)]

    def play_turns(self, steps: int) -> None:
        """Let the NPC play ``steps`` turns at once (screenshots, tests)."""
        for _ in range(steps):
            self.autoplay(1, self.next_actor())

    def next_episode(self) -> None:
        self.begin((self.seed or 0) + 1, self.episodes, self.meta)
        self._next_in = NEXT_EPISODE_AFTER

    def update(self, dt: float) -> None:
        self.collect()
        if self.over is not None:
            if not self.paused:
                self._next_in -= dt
                if self._next_in <= 0:
                    self.next_episode()
            return
        if self.paused:
            return
        self._clock = min(self._clock + dt, 1.0 / self.rate)
        if self._clock >= 1.0 / self.rate and not self.thinking:
            self._clock = 0.0
            self.think(self.next_actor())

    def handle_key(self, event: pygame.event.Event) -> bool:
        key = event.key
        if key == pygame.K_SPACE:
            self.paused = not self.paused
        elif key in (pygame.K_RIGHT, pygame.K_PERIOD):
            self.paused = True
            self.think(self.next_actor())
        elif key in (pygame.K_UP, pygame.K_EQUALS, pygame.K_PLUS, pygame.K_KP_PLUS):
            self.speed = min(self.speed + 1, len(SPEEDS) - 1)
        elif key in (pygame.K_DOWN, pygame.K_MINUS, pygame.K_KP_MINUS):
            self.speed = max(self.speed - 1, 0)
        elif key == pygame.K_n:
            self.next_episode()
        else:
            return False
        return True

    def status(self) -> str:
        state = "paused" if self.paused else f"{self.rate:g} commands/s"
        if self.over is not None and not self.paused:
            state = f"next episode in {math.ceil(self._next_in)} s"
        return f"{state} · episode {self.episode} · seed {self.seed}"

    def hints(self) -> list[tuple[str, str]]:
        return [("Space", "resume" if self.paused else "pause"), ("→", "one step"),
                ("+ −", f"speed ({self.rate:g}/s)"), ("N", "next episode"), ("F1", "help"), ("Esc", "quit")]
