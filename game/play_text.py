"""Text-mode play in a terminal, or scripted from a pipe (one command per line).

When the world has a companion for the NPC, the NPC acts after each of the
person's commands, as in the window: its command shows as ``Ada > take the lamp``
and what it did is told in the third person. Lines are wrapped to the terminal,
a status line follows each turn, and each episode is saved like the window's.
"""

from __future__ import annotations

import shutil
import sys
import textwrap
from pathlib import Path
from typing import TextIO

from game.env import LanternEnv
from game.files import FileWriteError
from game.meta import SAVES, Meta, MetaReply
from game.npc import NPC, Decision
from game.record import EpisodeRecorder
from game.turns import (finish_recording, first_npc, record_step, start_recording, turn_count, turns_of,
                        viewer_of)

COMMANDS_HELP = """Commands are plain English: 'look' (l), 'inventory' (i), 'examine lamp' (x lamp),
'go north' (n, s, e, w, ne, nw, se, sw, up, down, in, out), 'go to the kitchen', 'go back',
'take the brass key', 'take all', 'drop everything but the lamp', 'put the apple in the basket',
'put the lamp on the hook', 'open the door', 'unlock the door with the key',
'turn on the lamp', 'eat the apple', 'taste the apple' (only tastes), 'read the note',
'smell', 'listen', 'touch the wall', 'give the key to Ada', 'tell Ada to bring the lamp',
'wait' (z), 'again' (g), 'exits'. Several at once: 'take the lamp. go north' or
'take the apple and eat it'."""
GAME_WORDS = """'undo', 'oops WORD' (the last command with its unknown word fixed), 'save [NAME]',
'restore [NAME]', 'score', 'goal', 'hint', 'verbose' / 'brief', 'admissible' (what would
change something now), 'help', 'quit'"""
HELP = COMMANDS_HELP + f"""
Words to the game in this window: {GAME_WORDS}, 'restart'."""
TEXT_HELP = COMMANDS_HELP + f"""
Words to the game in the terminal: {GAME_WORDS}, 'restart' (a new episode)."""
HELP_WORDS = ("help", "?")
OVER = "The episode is over: type undo, restore NAME or restart to play again, or quit."
NOT_TEXT = "That line is not valid text (it has bytes the terminal's encoding cannot read); nothing happened."


def play_text(env: LanternEnv, seed: int | None, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout,
              actor: str | None = None, npc: NPC | None = None, episodes: Path | None = None,
              meta: dict | None = None, width: int | None = None, saves: Path = SAVES) -> int:
    """Play episodes from typed lines until 'quit' or the end of the input.

    At a terminal it prompts with '> '; from a pipe it echoes each command, so the
    output is a transcript.

    Args:
        env: the world to play (reset here).
        seed: the first episode's seed; 'restart' adds one.
        actor: the person's actor (default: the world's player).
        npc: plays the first other actor after each command (None: nobody else acts).
        episodes: folder for the episode files (None: not recorded).
        meta: extra header fields for the episode files.
        width: wrap lines to this many columns (default: the terminal's width).
        saves: the folder 'save' and 'restore' use.

    Returns:
        1 when the last episode that ended was lost, else 0.
    """
    game = TextGame(env, stdout, actor, npc, episodes, meta, width, saves)
    try:
        game.begin(seed)
        interactive = stdin.isatty()
        while not game.quit:
            if interactive:
                stdout.write("\n> ")
                stdout.flush()
            line = read_line(stdin)
            if line is None:
                break
            text, valid = line
            if valid:
                game.enter(text.strip(), echo=not interactive)
            else:
                game.refuse(text.strip(), NOT_TEXT, echo=not interactive)
    finally:
        path = game.close()
    if not game.over:
        info = env.info(game.player)
        saved = f" The episode is saved in {path}." if path is not None else ""
        game.say(f"\n[Score {info['score']} of {info['max_score']} · {game.count()}.{saved}]")
    return 1 if game.lost else 0


class TextGame:
    """The terminal's side of an episode: turns, what is printed, and the episode file.

    Args: as for ``play_text``.
    """

    def __init__(self, env: LanternEnv, stdout: TextIO, actor: str | None = None, npc: NPC | None = None,
                 episodes: Path | None = None, meta: dict | None = None, width: int | None = None,
                 saves: Path = SAVES) -> None:
        self.env = env
        self.out = stdout
        self.player = env.info(actor)["actor"]
        self.npc = npc
        self.npc_actor = first_npc(env, self.player) if npc is not None else None
        self.episodes = episodes
        self.meta = {"model": getattr(npc, "name", None), "mode": "play", "interface": "text", **(meta or {})}
        self.width = max(20, (width or shutil.get_terminal_size((80, 24)).columns) - 1)
        self.seed: int | None = None
        self.recorder: EpisodeRecorder | None = None
        self.recorded = 0
        self.turns: dict[str, int] = {}  # commands issued this episode, per actor (they add up to env.steps)
        self.recording_error: str | None = None  # why recording stopped for good (a full disk ...)
        self.over = False
        self.lost = False
        self.quit = False
        self.words = Meta(env, None, self.player, saves)  # undo, save, restore ...

    # -- episodes ----------------------------------------------------------------------------

    def begin(self, seed: int | None) -> None:
        """Reset the world, greet the person and start a new episode file."""
        self.close()
        self.seed, self.over, self.recorded, self.turns = seed, False, 0, {}
        obs, info = self.env.reset(seed=seed, options={"actor": self.player})
        self.words.seed = seed
        self.words.reset()
        title = self.env.world.title
        self.say(f"{title}\n{'=' * len(title)}\n\n{obs}")
        self.say(f"Goal: {info['goal']}")
        if self.npc_actor is not None:
            name = self.name(self.npc_actor)
            self.say(f"[{name} is played by the NPC ({self.npc.name}) and acts after each of your commands; "
                     f"ask with 'tell {name} to ...'. Type help for help.]")
        if self.episodes is not None and self.recording_error is None:
            try:
                self.recorder = start_recording(self.env, seed, self.episodes, self.meta)
            except FileWriteError as exc:
                self.stop_recording(exc)

    def close(self) -> Path | None:
        """Finish the episode file; returns its path (None: no file, or one with no steps, not kept)."""
        recorder, self.recorder = self.recorder, None
        if recorder is None:
            return None
        try:
            return finish_recording(recorder, self.recorded)
        except FileWriteError as exc:
            self.stop_recording(exc)
            return None

    def stop_recording(self, exc: FileWriteError) -> None:
        """A write failed (the recorder removed its partial file): play on unrecorded, and say so once."""
        self.recorder, self.recording_error = None, f"recording stopped: {exc}"
        self.say(f"[Recording stopped ({exc}); the game goes on unrecorded.]")

    # -- the person's lines ------------------------------------------------------------------

    def enter(self, line: str, echo: bool = False) -> None:
        """One typed line: a word for the terminal, or a command (then the NPC's turn)."""
        if not line:
            return
        if echo:
            self.say(f"\n> {line}")
        if line.lower() in HELP_WORDS:
            self.say(self.help())
        elif (reply := self.words.handle(line)) is not None:
            self.game_word(reply)
        elif self.over:
            self.say(OVER)
        else:
            self.turn(line)

    def game_word(self, reply: MetaReply) -> None:
        """Carry out a word to the game: undo, restore, a walk, restart, quit ..."""
        if reply.action == "restart":
            self.begin((self.seed or 0) + 1)
            return
        if reply.text:
            self.say(reply.text)
        if reply.action == "quit":
            self.quit = True
        elif reply.action == "rewound":
            self.rerecord()
        for command in reply.commands:  # oops, or the steps of a walk: each a turn of its own
            if self.over or not self.turn(command):
                break

    def rerecord(self) -> None:
        """After an undo or a restore: play on, in a new episode file holding the kept history."""
        self.close()
        self.over = self.lost = False
        self.seed = self.words.seed
        self.turns = turns_of(self.words.history)
        if self.episodes is not None and self.recording_error is None:
            try:
                self.recorder = start_recording(self.env, self.seed, self.episodes,
                                                {**self.meta, "after": "undo or restore"})
                for record in self.words.history:
                    self.recorder.write_record(record)
                self.recorded = len(self.words.history)
            except FileWriteError as exc:
                self.stop_recording(exc)

    def refuse(self, line: str, reply: str, echo: bool = False) -> None:
        """A line that is not a command at all (not valid text): say why; nothing changes."""
        if echo:
            self.say(f"\n> {line}")
        self.say(reply)

    def turn(self, command: str) -> bool:
        """The person's command, then the NPC's, then the status line; True when the person's
        command changed the world (a walk stops at the first step that does not). A line the
        parser can make nothing of is answered and takes no turn."""
        if (reply := self.words.not_understood(command)) is not None:
            self.say(reply)
            return False
        self.words.before_player(command)
        before = self.env.state_hash()
        self.step(self.player, command)
        changed = self.env.state_hash() != before
        if self.npc_actor is not None and not self.over:
            decision = self.npc.act(self.env, self.npc_actor)
            self.say(f"\n{self.name(self.npc_actor)} > {decision.command}")
            self.step(self.npc_actor, decision.command, decision)
        if not self.over:
            self.say(self.status())
        return changed

    def step(self, actor: str, command: str, decision: Decision | None = None) -> None:
        """One command by one actor: print it as the person sees it, record it, end if done."""
        score = self.env.info(self.player)["score"]
        obs, reward, terminated, truncated, info = self.env.step(command, actor)
        self.turns[actor] = self.turns.get(actor, 0) + 1
        if self.recorder is not None:
            try:
                record_step(self.recorder, actor, command, obs, reward, info, terminated or truncated, decision)
                self.recorded += 1
            except FileWriteError as exc:
                self.stop_recording(exc)
        self.say(self.words.after_step(actor, command, obs, reward, info, terminated or truncated,
                                       self.env.narration(self.player)))
        mine = info if actor == self.player else self.env.info(self.player)
        gained = mine["score"] - score
        if gained:
            self.say(f"[Your score has gone {'up' if gained > 0 else 'down'} by {abs(gained)} "
                     f"point{'s' if abs(gained) != 1 else ''}: {mine['score']} of {mine['max_score']}.]")
        if terminated or truncated:
            self.end(actor, mine, truncated)

    def end(self, actor: str, mine: dict, truncated: bool) -> None:
        """Say how the episode ended, where it was saved, and what to do next."""
        self.over, self.lost = True, bool(mine["lost"])
        if mine["won"]:
            head = "*** You have won ***"
        elif mine["lost"]:
            head = "*** You have lost ***"
        elif truncated:
            head = f"*** Out of time: the episode ends after {self.env.max_steps} steps ***"
        else:
            head = f"*** {self.name(actor)} has finished: the episode is over ***"
        path = self.close()
        saved = f" The episode is saved in {path}." if path is not None else ""
        self.say(f"\n{head}\nScore {mine['score']} of {mine['max_score']} · {self.count()}.{saved}")
        self.say(OVER)

    # -- what is printed ---------------------------------------------------------------------

    def name(self, actor: str) -> str:
        return self.env.world.entity(actor).name

    def count(self) -> str:
        """The turns as the window's top bar counts them: 'Wren 3 · Ada 3 · turn 6 / 50'."""
        return turn_count(self.env, self.turns, lambda a: self.name(a)[:1].upper() + self.name(a)[1:])

    def status(self) -> str:
        """'[Lighthouse Yard | score 1 of 6 | Wren 3 · Ada 3 · turn 6 / 50]'."""
        info = self.env.info(self.player)
        return f"[{info['location']} | score {info['score']} of {info['max_score']} | {self.count()}]"

    def help(self) -> str:
        text = TEXT_HELP
        if self.npc_actor is not None:
            name = self.name(self.npc_actor)
            text += (f"\n{name} is played by the NPC and acts after each of your commands "
                     f"(shown as '{name} > ...').")
        if self.episodes is not None:
            text += f"\nEach episode is saved in {self.episodes}/ (python main.py replay FILE shows it again)."
        return text

    def say(self, text: str) -> None:
        """Print, wrapped to the width (blank lines and line breaks kept)."""
        lines = [textwrap.fill(line, self.width, break_long_words=False, break_on_hyphens=False) or line
                 for line in text.split("\n")]
        self.out.write("\n".join(lines) + "\n")
        self.out.flush()


def read_line(stdin: TextIO) -> tuple[str, bool] | None:
    """The next typed line and whether it was valid text; None at the end of input.

    Bytes are read and decoded here (not by the terminal's text layer, which may be
    strict), so a line that is not valid in the terminal's encoding becomes a reply
    in the game instead of a crash.
    """
    buffer = getattr(stdin, "buffer", None)
    if buffer is not None:
        raw, encoding = buffer.readline(), getattr(stdin, "encoding", None) or "utf-8"
    else:  # an in-memory stream: lone surrogates (from undecodable bytes) count as invalid
        raw, encoding = stdin.readline().encode("utf-8", "surrogatepass"), "utf-8"
    if not raw:
        return None
    try:
        return raw.decode(encoding), True
    except UnicodeDecodeError:
        return raw.decode(encoding, errors="replace"), False


def replay_text(episode, stdout: TextIO = sys.stdout) -> int:
    """Print a saved episode as a transcript, re-simulating and checking each step.

    It is told as the episode's person saw it (the NPC's actor in a watch episode):
    others' acts in the third person.
    """
    from game.record import replay
    header = episode.header
    _say(stdout, f"Replay of {episode.source}: {header.get('title', '')} (seed {header.get('seed')}, "
                 f"{len(episode.steps)} steps)")
    multi = len(header.get("actors", [])) > 1
    last = None
    env = episode.make_env()
    viewer = viewer_of(header, episode.steps, env)
    for step in replay(episode, env):
        actor = step.record["actor"]
        who = f"{env.world.entity(actor).name} > " if multi and actor != viewer else "> "
        _say(stdout, f"\n{who}{step.record['command']}\n{env.narration(viewer)}")
        last = step
    score = f", final score {last.info['score']} of {last.info['max_score']}" if last is not None else ""
    ending = "" if episode.finished else " The recording was stopped before the episode ended."
    _say(stdout, f"\n[Replay verified: {len(episode.steps)} steps{score}, every line's hash chain and every "
                 f"state hash matched.{ending}]")
    return 0


def _say(stdout: TextIO, text: str) -> None:
    stdout.write(text + "\n")
    stdout.flush()
