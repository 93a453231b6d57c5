"""What every mode shares: the env behind the window and the state the window shows.

A session steps the env, records the episode, and keeps the transcript, the rooms
discovered so far and the NPC's last decision. It never draws; the window reads
it. Modes (play, watch, replay) subclass it and add their keys and timing.
"""

from __future__ import annotations

from pathlib import Path

import pygame

from game.env import LanternEnv
from game.files import FileWriteError
from game.npc import NPC, Decision
from game.record import EpisodeRecorder
from game.turns import finish_recording, record_step, start_recording, turn_count
from game.view import theme
from game.view.npcworker import NpcWorker
from game.view.transcript import ENDING, SYSTEM, Entry, Transcript, step_entries

def decision_of(record: dict) -> Decision | None:
    """The NPC decision stored in an episode step, if it has one."""
    if "candidates" not in record:
        return None
    notes = record.get("notes")
    notes = [n for n in notes if isinstance(n, str)] if isinstance(notes, list) else []
    return Decision(record["command"], [(c["command"], c["prob"]) for c in record["candidates"]],
                    record.get("value"), notes)


class Session:
    """The shared part of play, watch and replay.

    Args:
        env: the environment shown.
        focus: the actor whose place, goals and score the window shows.
        npc_actor: the actor whose mind the NPC panel shows (None in solo play).
        npc: the NPC that chooses commands (None when nothing thinks, e.g. replay).
        threaded: let the NPC think in a thread (False: synchronously, for tests).
    """

    mode = "session"
    accent: theme.Colour = theme.AMBER

    def __init__(self, env: LanternEnv, focus: str, npc_actor: str | None, npc: NPC | None = None,
                 threaded: bool = True) -> None:
        self.env = env
        self.focus = focus
        self.npc_actor = npc_actor
        self.npc = npc
        self.worker = NpcWorker(npc, threaded) if npc is not None else None
        self.transcript = Transcript()
        self.discovered: set[int] = set()
        self.decision: Decision | None = None
        self.over: Entry | None = None
        self.next_session: Session | None = None
        self.recorder: EpisodeRecorder | None = None
        self.notice: str | None = None
        self.help_open = False
        self.quit = False
        self.episode = 0
        self.seed: int | None = None
        self._info: dict[tuple, dict] = {}
        self.recorded = 0  # steps written to the current episode file
        self.recording_error: str | None = None  # why recording stopped for good (a full disk ...)
        self.turns: dict[str, int] = {}  # commands issued this episode, per actor (they add up to env.steps)
        self.saved: list[Path] = []  # episode files written and kept (the window names them on exit)

    # -- what the window asks --------------------------------------------------------------

    @property
    def thinking(self) -> bool:
        return self.worker is not None and self.worker.busy

    @property
    def model_name(self) -> str:
        return getattr(self.npc, "name", "") if self.npc is not None else ""

    def info(self, actor: str) -> dict:
        """``env.info(actor)``, computed once per step (panels ask every frame)."""
        key = (self.episode, self.env.steps, self.env.state_hash(), actor)
        if key not in self._info:
            if len(self._info) > 64:
                self._info.clear()
            self._info[key] = self.env.info(actor)
        return self._info[key]

    def speakers(self) -> dict[str, str]:
        """Each actor's name -> id, so what an actor says is shown in its colour."""
        world = self.env.world
        return {world.entities[a].name: world.entities[a].id for a in world.actors}

    def actor_name(self, actor: str) -> str:
        """How an actor is written in the window: 'You' for the person, else its name."""
        name = self.env.world.entity(actor).name
        return name[:1].upper() + name[1:]

    def hints(self) -> list[tuple[str, str]]:
        """Key hints for the footer, most useful first."""
        return []

    def turn_text(self, sep: str = " · ") -> str:
        """Whose turns so far and the shared count, e.g. 'Wren 14 · Ada 12 · turn 26 / 50'."""
        return turn_count(self.env, self.turns, self.actor_name, sep)

    def status(self) -> str:
        """A few words on what the mode is doing now (shown beside the mode badge)."""
        return f"episode {self.episode} · seed {self.seed}"

    def signature(self) -> tuple:
        """What the window shows of this session; the window repaints when it changes."""
        return (self.episode, self.transcript.version, self.transcript.scroll, self.env.steps, self.over,
                self.notice, self.help_open, self.status(), self.thinking)

    # -- episodes ----------------------------------------------------------------------------

    def begin(self, seed: int | None, episodes: Path | None, meta: dict | None = None) -> None:
        """Reset the env and the shown state; start recording to ``episodes`` if given."""
        self.close()
        self.seed = seed
        self.episode += 1
        obs, info = self.env.reset(seed=seed)
        self.transcript.set_entries([Entry(SYSTEM, obs), Entry(SYSTEM, f"Goal: {self.info(self.focus)['goal']}")])
        self.discovered = set()
        self.see()
        self.decision, self.over, self.notice = None, None, None
        self.recorded = 0
        self.turns = {}
        if episodes is not None and self.recording_error is None:
            try:
                self.recorder = start_recording(self.env, seed, episodes, {"model": self.model_name or None,
                                                                           "mode": self.mode, **(meta or {})})
            except FileWriteError as exc:
                self.stop_recording(exc)

    def close(self) -> Path | None:
        """Finish the episode file, if one is being written; returns its path (None: nothing kept).

        An episode with no steps is not kept.
        """
        recorder, self.recorder = self.recorder, None
        if recorder is None:
            return None
        try:
            path = finish_recording(recorder, self.recorded)
        except FileWriteError as exc:
            self.stop_recording(exc)
            return None
        self.saved += [path] if path is not None else []
        return path

    def stop_recording(self, exc: FileWriteError) -> None:
        """A write failed (the recorder has removed its partial file): play on, unrecorded, and say so once.

        No later episode of this session is recorded: the cause (a full disk, a read-only
        folder) rarely goes away by itself, and one notice is enough.
        """
        self.recorder = None
        self.recording_error = f"recording stopped: {exc}"
        self.notice = f"Recording stopped ({exc}); the game goes on unrecorded."
        self.transcript.add(SYSTEM, self.notice)

    def see(self) -> None:
        """Mark the rooms where every actor stands as discovered."""
        parent = self.env.world.state.parent
        self.discovered.update(parent[a] for a in self.env.world.actors if parent[a] >= 0)

    def step(self, actor: str, command: str, decision: Decision | None = None) -> dict:
        """One command by one actor: step, record, add to the transcript; returns info."""
        obs, reward, terminated, truncated, info = self.env.step(command, actor)
        self.turns[actor] = self.turns.get(actor, 0) + 1
        done = terminated or truncated
        if self.recorder is not None:
            try:
                record_step(self.recorder, actor, command, obs, reward, info, done, decision)
                self.recorded += 1
            except FileWriteError as exc:
                self.stop_recording(exc)
        # Told as the focus actor sees it, now: its own reply, or others' acts in the third person.
        self.transcript.extend(step_entries(actor, self.actor_name(actor), command,
                                            self.shown(actor, command, obs, reward, info, done), reward, info,
                                            self.speakers()))
        if decision is not None:
            self.decision = decision
        self.see()
        if done:
            self.over = ending(self, actor, info, truncated, self.turns)
            self.transcript.extend([self.over])
            self.close()
        return info

    def shown(self, actor: str, command: str, obs: str, reward: float, info: dict, done: bool) -> str:
        """The step as the transcript tells it: as the focus actor sees it, now (play mode also
        keeps the history for undo and saves, and may shorten room descriptions)."""
        return self.env.narration(self.focus)

    # -- the NPC ---------------------------------------------------------------------------

    def think(self, actor: str) -> None:
        """Ask the NPC (off the drawing loop) for ``actor``'s next command."""
        if self.worker is not None and not self.worker.busy and self.over is None:
            self.worker.request(self.env, actor, (self.episode, self.env.steps))

    def collect(self) -> str | None:
        """Apply the NPC's finished thought if it is still current.

        Returns:
            None when no thought arrived; else "applied", "stale" (the world moved
            on while the NPC thought, so it was dropped) or "failed".
        """
        thought = self.worker.poll() if self.worker is not None else None
        if thought is None:
            return None
        if thought.error is not None:
            self.notice = f"The NPC failed and stops: {thought.error}"
            self.transcript.add(SYSTEM, self.notice)
            self.worker = None  # no more asking (and no error every frame)
            return "failed"
        if thought.token != (self.episode, self.env.steps) or self.over is not None:
            return "stale"
        self.step(thought.actor, thought.decision.command, thought.decision)
        return "applied"

    def autoplay(self, steps: int, actor: str) -> None:
        """Let the NPC play ``steps`` commands for ``actor`` at once (screenshots, tests)."""
        for _ in range(steps):
            if self.over is not None or self.npc is None:
                return
            decision = self.npc.act(self.env, actor)
            self.step(actor, decision.command, decision)

    # -- events and time -------------------------------------------------------------------

    def handle_key(self, event: pygame.event.Event) -> bool:
        """Mode keys; True when the key was used."""
        return False

    def update(self, dt: float) -> None:
        """Advance timers by ``dt`` seconds and apply what the NPC has decided."""
        self.collect()


def ending(session: Session, actor: str, info: dict, truncated: bool, turns: dict[str, int]) -> Entry:
    """The ending line for an episode that just finished, counting turns as the top bar does."""
    who = session.actor_name(actor)
    count = turn_count(session.env, turns, session.actor_name, ", ")
    score = f"score {info['score']} of {info['max_score']} · {count}"
    if info["won"]:
        return Entry(ENDING, f"★ {who} won: {score}", actor, True)
    if info["lost"]:
        return Entry(ENDING, f"✖ {who} lost: {score}", actor, False)
    if truncated:
        return Entry(ENDING, f"Out of time: {score}", actor, False)
    return Entry(ENDING, f"The episode is over: {score}", actor, True)
