"""Play: the person types commands, the NPC acts after each one (or on a timer)."""

from __future__ import annotations

from pathlib import Path

import pygame

from game.env import LanternEnv
from game.npc import NPC
from game.files import FileWriteError
from game.meta import SAVES, Meta, MetaReply
from game.play_text import HELP_WORDS
from game.record import Episode, EpisodeError
from game.requests import examples
from game.turns import first_npc, start_recording, turns_of
from game.view import theme
from game.view.session import Session, decision_of
from game.view.transcript import COMMAND, REPLY, SYSTEM, Entry

NPC_PERIOD = 3.0  # timer mode: seconds of quiet (no key pressed, input line empty) before the NPC acts


class PlaySession(Session):
    """The person and the NPC share the world.

    Args:
        env: the environment (reset here).
        npc: chooses the NPC actor's commands.
        seed: episode seed; Ctrl+N starts the next episode with seed + 1.
        player: the person's actor id (default: the world's player).
        episodes: folder for episode files (None: do not record).
        threaded: let the NPC think in a thread.
        meta: extra header fields for the episode file.
        begin: reset now (False when the caller rebuilds a history first).
        saves: the folder 'save' and 'restore' use.
    """

    mode = "play"
    accent = theme.AMBER

    def __init__(self, env: LanternEnv, npc: NPC, seed: int | None = 0, player: str | None = None,
                 episodes: Path | None = None, threaded: bool = True, meta: dict | None = None,
                 begin: bool = True, saves: Path = SAVES) -> None:
        player = player or env.player_id
        super().__init__(env, player, first_npc(env, player), npc, threaded)
        self.player = player
        self.episodes = episodes
        self.meta = meta or {}
        self.timer_mode = False
        self.tell_mode = False
        self.waiting: list[str] = []  # the person's commands held until the NPC has had its turn
        self.composing = False  # the input line holds text (set by the window): the timer waits
        self.walking: list[str] = []  # the rest of a walk ('go to the kitchen'), one step a turn
        self._walk_from = ""  # the state hash before the walk's last step (unchanged: blocked)
        self._clock = 0.0
        self.meta_commands = Meta(env, seed, player, saves)
        if begin:
            self.begin(seed, episodes, self.meta)

    @classmethod
    def take_over(cls, episode: Episode, at: int, npc: NPC, episodes: Path | None = None,
                  threaded: bool = True) -> PlaySession:
        """Play on from step ``at`` of a saved episode: its first ``at`` steps re-run exactly.

        The new episode file holds those steps too, so it replays on its own.

        Raises:
            EpisodeError: when the engine does not reach the recorded state.
        """
        env = episode.make_env()
        session = cls(env, npc, episode.header.get("seed"), episode.header.get("player"), episodes=episodes,
                      threaded=threaded, begin=False)
        session.begin(episode.header.get("seed"), episodes,
                      {"taken_over_from": episode.source, "taken_over_at": at})
        for record in episode.steps[:at]:
            session.step(record["actor"], record["command"], decision_of(record))
        if at and env.state_hash() != episode.steps[at - 1]["hash"]:
            raise EpisodeError(f"{episode.source}: line {at + 1}: the engine does not reach the "
                               f"recorded state, so the episode cannot be taken over there")
        if session.over is None:
            session.transcript.add(SYSTEM, f"You took over at step {at}. Your commands now go to the world.")
        return session

    # -- the person's commands -----------------------------------------------------------------

    def begin(self, seed: int | None, episodes: Path | None, meta: dict | None = None) -> None:
        super().begin(seed, episodes, meta)
        self.meta_commands.seed = seed
        self.meta_commands.reset()
        self.waiting.clear()
        self.walking.clear()

    def shown(self, actor: str, command: str, obs: str, reward: float, info: dict, done: bool) -> str:
        return self.meta_commands.after_step(actor, command, obs, reward, info, done,
                                             super().shown(actor, command, obs, reward, info, done))

    def submit(self, line: str) -> None:
        """Run what the person typed (or hold it until the NPC has had its turn)."""
        if self.tell_mode and self.npc_actor and not line.lower().startswith("tell "):
            line = f"tell {self.env.world.entity(self.npc_actor).name} to {line}"
        if line.lower() in HELP_WORDS:
            self.help_open = True
            return
        reply = self.meta_commands.handle(line)
        if reply is not None:
            self._game_word(line, reply)
        elif self.over is not None:
            self.transcript.add(SYSTEM, "The episode is over: 'undo', 'restore NAME' or Ctrl+N for a new one.")
        elif self.thinking and not self.timer_mode:
            self.waiting.append(line)
        else:
            self._person(line)

    def _game_word(self, line: str, reply: MetaReply) -> None:
        """Carry out a word to the game (undo, save, restore, restart, a walk ...)."""
        if reply.action in ("rewound", "restart") and self.thinking:
            name = self.actor_name(self.npc_actor) if self.npc_actor else "The NPC"
            self.transcript.add(SYSTEM, f"{line}: wait a moment, {name} is still thinking.")
            return
        if reply.action == "rewound":
            self._rerecord()
        elif reply.action == "restart":
            self.begin(self.seed, self.episodes, self.meta)
        elif reply.action == "quit":
            self.quit = True
        if reply.text:
            self.transcript.add(SYSTEM, f"{line}: {reply.text}")
        if reply.action == "rerun" and self.over is None:
            self.walking = list(reply.commands)
            self._walk_from = ""
            self._walk_on()

    def _rerecord(self) -> None:
        """After an undo or a restore: the shown state, and a new episode file from the kept history."""
        self.over = None
        self.seed = self.meta_commands.seed
        self.turns = turns_of(self.meta_commands.history)
        self.waiting.clear()
        self.walking.clear()
        self.see()
        self.close()
        if self.episodes is not None and self.recording_error is None:
            try:
                self.recorder = start_recording(self.env, self.seed, self.episodes,
                                                {"model": self.model_name or None, "mode": self.mode,
                                                 "after": "undo or restore", **self.meta})
                for record in self.meta_commands.history:
                    self.recorder.write_record(record)
                self.recorded = len(self.meta_commands.history)
            except FileWriteError as exc:
                self.stop_recording(exc)

    def _walk_on(self) -> None:
        """The next step of a walk, unless the last one was refused (the state did not change)."""
        if self.over is not None or self._walk_from == self.env.state_hash():
            self.walking.clear()
            return
        if self.walking and not self.thinking:
            self._walk_from = self.env.state_hash()
            self._person(self.walking.pop(0))

    def play_script(self, lines: list[str]) -> None:
        """Submit the person's ``lines`` in order, each followed by the NPC's turn (screenshots,
        tests; the session must not think in a thread)."""
        for line in lines:
            if self.over is not None:
                return
            self.submit(line)
            self.collect()

    def _person(self, line: str) -> None:
        if (reply := self.meta_commands.not_understood(line)) is not None:  # no turn taken
            self.transcript.extend([Entry(COMMAND, f"{self.actor_name(self.player)} › {line}", self.player),
                                    Entry(REPLY, reply, self.player)])
            return
        self.meta_commands.before_player(line)
        self.step(self.player, line)
        if self.npc_actor and not self.timer_mode:
            self.think(self.npc_actor)

    def admissible(self) -> list[str]:
        """What Tab completes from: the person's admissible commands (the NPC's when telling it)."""
        if self.tell_mode and self.npc_actor:
            return self.env.admissible(self.npc_actor)
        return self.env.admissible(self.player)

    # -- time, keys ----------------------------------------------------------------------------------

    def typed(self) -> None:
        """The person pressed a key: in timer mode the NPC's clock starts again, so it never spends
        the shared steps while the person reads or types."""
        self._clock = 0.0

    def update(self, dt: float) -> None:
        if self.collect() == "stale" and self.timer_mode:
            self._clock = NPC_PERIOD  # the person moved meanwhile: think again now, not a period later
        if self.over is not None:
            self.waiting.clear()
            return
        if self.timer_mode and self.npc_actor and not self.composing:
            self._clock += dt
            if self._clock >= NPC_PERIOD and not self.thinking:
                self._clock = 0.0
                self.think(self.npc_actor)
        if self.waiting and not self.thinking:
            self._person(self.waiting.pop(0))
        elif self.walking and not self.thinking:
            self._walk_on()

    def handle_key(self, event: pygame.event.Event) -> bool:
        ctrl = event.mod & pygame.KMOD_CTRL
        if event.key == pygame.K_F2 and self.npc_actor:
            self.timer_mode = not self.timer_mode
            self._clock = 0.0
            self.notice = (f"{self.actor_name(self.npc_actor)} now acts after {NPC_PERIOD:g} s without a key"
                           if self.timer_mode
                           else f"{self.actor_name(self.npc_actor)} now acts after each of your commands")
            return True
        if event.key == pygame.K_F3 and self.npc_actor:
            self.tell_mode = not self.tell_mode
            return True
        if ctrl and event.key == pygame.K_n:
            self.begin((self.seed or 0) + 1, self.episodes, self.meta)
            return True
        return False

    def signature(self) -> tuple:
        return super().signature() + (self.tell_mode, len(self.waiting))

    def status(self) -> str:
        if not self.npc_actor:
            return f"solo · seed {self.seed}"
        name = self.actor_name(self.npc_actor)
        pace = f"{name} acts after {NPC_PERIOD:g} s quiet" if self.timer_mode else f"{name} acts after you"
        return f"{pace} · seed {self.seed}"

    def hints(self) -> list[tuple[str, str]]:
        out = [("Enter", "send"), ("Tab", "complete"), ("↑↓", "history")]
        if self.npc_actor:
            name = self.actor_name(self.npc_actor)
            out += [("F2", f"{name} on a timer" if not self.timer_mode else f"{name} after you"),
                    ("F3", f"tell {name}" if not self.tell_mode else "type commands")]
        return out + [("Ctrl+N", "new episode"), ("F1", "help"), ("Esc", "quit")]

    def request_examples(self) -> list[str]:
        """Requests that fit what the person sees now (a room next door, a thing in view)."""
        world = self.env.world
        return examples(self.env.parser, world.entity(self.npc_actor).index, world.entity(self.player).index)

    def prompt(self) -> tuple[str, theme.Colour, tuple[str, ...]]:
        """The input line's prompt, its colour and the placeholder texts, longest first (the
        window shows the first that fits)."""
        if self.over is not None:
            return "›", theme.FAINT, ("The episode is over: Ctrl+N for a new one, Esc to quit",)
        if self.tell_mode and self.npc_actor:
            name = self.actor_name(self.npc_actor)
            said = self.request_examples()
            return f"tell {name} to ›", theme.actor_colour(self.env.actor_ids, self.npc_actor), \
                (f"in your words, e.g. {' or '.join(said)}", f"e.g. {' or '.join(said)}", f"e.g. {said[0]}")
        waiting = f"  ({len(self.waiting)} waiting for the NPC)" if self.waiting else ""
        return "›", theme.actor_colour(self.env.actor_ids, self.player), \
            ("type a command: look, take the lamp, go north… (Tab completes)" + waiting,)
