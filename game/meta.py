"""Words to the game itself, not to the world: undo, oops, save, restore, restart and the rest.

Every interpreter knows these, and Lantern's terminal play and window both answer them
through one ``Meta`` per episode. A front end tells it about each player's command
before it runs (``before_player``: the undo point) and about every step after it runs
(``after_step``: the history a save holds), and asks it first about every line typed
(``handle``), and about each line before it becomes a turn (``not_understood``: a line
the parser can make no command of is answered and takes no turn). Nothing here costs a
move or is seen by the NPC.

A saved game is an episode file (see ``game.record``) under ``runs/saves/``: the whole
world, the seed and every step with its state hash, so restoring re-simulates the
steps and checks each hash before the game goes on from there.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from game.env import EnvSnapshot, LanternEnv
from game.errors import LanternError
from game.files import check_output_folder, reason, write_text
from game.lexicon import tokens_of
from game.narration import describe_room
from game.record import EpisodeError, episode_header, episode_text, read_episode, replay, step_record
from game.world import World

SAVES = Path("runs/saves")
SAVE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
DEFAULT_SAVE = "save"
BREVITY = {"verbose": "verbose", "long": "verbose", "brief": "brief", "normal": "brief",
           "superbrief": "superbrief", "short": "superbrief"}
LOOK_WORDS = frozenset({"look", "l", "look around"})
WALK_WORDS = frozenset({"go", "walk", "run", "head", "travel", "return"})
WALK_FILLER = frozenset({"to", "towards", "toward", "the", "a", "an", "into", "room", "please"})


@dataclass(slots=True)
class MetaReply:
    """The answer to a meta command.

    Attributes:
        text: what to show the player.
        action: what the front end must do besides showing ``text``: None (nothing),
            "quit", "restart" (begin the episode again; call ``Meta.restart`` or reset and
            ``Meta.reset``), "rerun" (run ``commands`` as the player's own, one by one,
            stopping at the first that is refused), "rewound" (the env was put back:
            redraw everything from it).
        commands: for "rerun", the player's commands to run now.
    """

    text: str = ""
    action: str | None = None
    commands: tuple[str, ...] = ()


@dataclass(slots=True)
class _UndoPoint:
    """The env before a player's command, and how long the history was then."""

    snapshot: EnvSnapshot
    history: int
    line: str


class Meta:
    """The meta commands of one played episode, shared by the terminal and the window.

    Args:
        env: the environment being played (already reset by the front end).
        seed: the seed it was reset with (a save stores it; restart reuses it).
        player: the person's actor id (default: the world's player).
        saves: the folder saved games go in.
    """

    def __init__(self, env: LanternEnv, seed: int | None, player: str | None = None,
                 saves: Path = SAVES) -> None:
        self.env = env
        self.seed = seed
        self.player = player or env.player_id
        self.actor = env._actor(self.player)  # raises the env's one-line error for an unknown actor
        self.saves = Path(saves)
        self.brevity = "verbose"
        self.reset()

    # -- what the front end reports --------------------------------------------------------

    def reset(self) -> None:
        """Forget the episode's history (call after every ``env.reset``)."""
        self.history: list[dict] = []
        self.undo_stack: list[_UndoPoint] = []
        self.last_line: str | None = None
        self.previous_room: int | None = None
        self.here = self._room()
        self.seen = {self.here}

    def before_player(self, line: str) -> None:
        """The player is about to run ``line``: remember the state to undo to."""
        self.undo_stack.append(_UndoPoint(self.env.snapshot(), len(self.history), line))
        self.last_line = line

    def after_step(self, actor: str, command: str, obs: str, reward: float, info: dict,
                   done: bool, shown: str | None = None) -> str:
        """Keep the step for saving (``obs``: the env's observation); return ``shown`` (what the
        front end tells the player, default ``obs``) with room descriptions cut in brief mode."""
        self.history.append(step_record(self.env, len(self.history), actor, command, obs, reward,
                                        info, done))
        shown = obs if shown is None else shown
        if actor != self.player:
            return shown
        shown = self.present(shown, command)
        room = self._room()
        if room != self.here:
            self.previous_room, self.here = self.here, room
        self.seen.add(room)
        return shown

    def present(self, obs: str, command: str) -> str:
        """The reply with the descriptions of rooms seen before cut (brief), or all cut (superbrief)."""
        if self.brevity == "verbose" or command.strip().lower() in LOOK_WORDS:
            return obs
        world = self.env.world
        for room in self.seen if self.brevity == "brief" else range(len(world.entities)):
            ent = world.entities[room]
            if ent.kind == "room" and ent.description:
                obs = obs.replace(f"-= {ent.name} =-\n{ent.description}\n", f"-= {ent.name} =-\n")
        return obs

    # -- the meta commands -------------------------------------------------------------------

    def handle(self, line: str) -> MetaReply | None:
        """The answer if ``line`` is a meta command, else None (it is for the world)."""
        words = tokens_of(line)
        words = [w for w in words if w not in (".", "!")]
        if not words:
            return None
        head, rest = words[0], words[1:]
        if head in ("oops", "o") and rest:
            return self.oops(rest)
        if head in ("save", "restore", "load"):
            parts = line.split()[1:]
            name = " ".join(parts) if parts else DEFAULT_SAVE
            return self.save(name) if head == "save" else self.restore(name)
        if head in WALK_WORDS and rest:
            return self.walk(rest)
        return self._single(" ".join(words))

    def not_understood(self, line: str) -> str | None:
        """The parser's reply to a person's line it can make no command of, else None. Such a
        line takes no turn (as in every interpreter), and 'oops' mends it."""
        reply = self.env.not_understood(line, self.player)
        if reply is not None:
            self.last_line = line
        return reply

    def _single(self, text: str) -> MetaReply | None:
        """Meta commands that are one fixed phrase."""
        info = self.env.info(self.player)
        if text in ("undo", "u n d o"):
            return self.undo()
        if text in ("quit", "q", "exit game", "quit game"):
            return MetaReply("Goodbye.", "quit")
        if text in ("restart", "restart game", "start again", "start over"):
            return MetaReply("Starting again from the beginning.", "restart")
        if text in ("score", "full score", "fullscore"):
            return MetaReply(f"Score {info['score']} of {info['max_score']} · turn {self.env.steps} / "
                             f"{self.env.max_steps}.")
        if text in BREVITY:
            self.brevity = BREVITY[text]
            return MetaReply(_BREVITY_TEXT[self.brevity])
        if text in ("goal", "goals", "quest", "objective"):
            return MetaReply(f"Goal: {info['goal']}")
        if text in ("admissible", "commands", "options"):
            return MetaReply("Commands that would change something now: "
                             + "; ".join(info["admissible_commands"]))
        if text in ("hint", "hints", "clue", "give me a hint", "help me"):
            return MetaReply(self.hint())
        return None

    def undo(self) -> MetaReply:
        """Put the env back to before the player's last command (and whatever followed it)."""
        if not self.undo_stack:
            return MetaReply("There is nothing to undo.")
        point = self.undo_stack.pop()
        self.env.restore(point.snapshot)
        del self.history[point.history:]
        self.last_line = self.undo_stack[-1].line if self.undo_stack else None
        self._rewound()
        return MetaReply(f"[Undone: {point.line}]\n\n{self._look()}", "rewound")

    def oops(self, correction: list[str]) -> MetaReply:
        """Run the last command again with its first unknown word replaced by ``correction``."""
        if self.last_line is None:
            return MetaReply("There is nothing to correct.")
        words = tokens_of(self.last_line)
        known = self.env.parser.vocabulary
        wrong = next((i for i, w in enumerate(words) if w not in known and w not in ",.;!?"), None)
        if wrong is None:
            return MetaReply("There was no unknown word in your last command to correct.")
        fixed = " ".join(words[:wrong] + correction + words[wrong + 1:])
        return MetaReply("", "rerun", (fixed,))

    def walk(self, rest: list[str]) -> MetaReply | None:
        """'go back', or 'go to the kitchen' for a room seen before that is not next door: the
        steps there, each a move of its own (None: not a walk, leave it to the world)."""
        world = self.env.world
        if rest[0] == "back" and len(rest) <= 2:
            if self.previous_room is None:
                return MetaReply("You have not come from anywhere yet.")
            target = self.previous_room
        else:
            wanted = {w for w in rest if w not in WALK_FILLER}
            if not wanted or rest[0] not in ("to", "towards", "toward"):
                return None
            words = self.env.parser.words
            rooms = [r for r in sorted(self.seen) if wanted <= words[r]]
            if len(rooms) != 1:
                return None  # unknown or several: the parser's reply says why
            target = rooms[0]
        steps = _route(world, self.here, target, self.seen)
        if steps is None:
            return MetaReply(f"You know no way to the {world.name(target)} from here.")
        if not steps:
            return MetaReply("You are already there.")
        if len(steps) == 1 and rest[0] != "back":
            return None  # next door: the world's own 'go to' answers
        return MetaReply("", "rerun", tuple(f"go {d}" for d in steps))

    def restart(self) -> str:
        """Begin the episode again with the same seed; returns the opening text."""
        obs, info = self.env.reset(seed=self.seed)
        self.reset()
        return f"{obs}\nGoal: {info['goal']}"

    # -- saving and restoring ---------------------------------------------------------------------

    def save_path(self, name: str) -> Path:
        return self.saves / f"{name}.jsonl"

    def save(self, name: str) -> MetaReply:
        """Write the world, the seed and every step so far to ``runs/saves/NAME.jsonl``."""
        if not SAVE_NAME.match(name):
            return MetaReply(f"A save name is up to 40 lower-case letters, digits, - and _ "
                             f"(like 'save before-the-cellar'); '{name}' is not one.")
        path = self.save_path(name)
        header = episode_header(self.env, self.seed, {"mode": "save", "player": self.player})
        try:
            check_output_folder(self.saves, "the saves folder")
            self.saves.mkdir(parents=True, exist_ok=True)
            write_text(path, episode_text(header, self.history))
        except OSError as exc:
            return MetaReply(f"The game was not saved: cannot make {self.saves}: {reason(exc)}.")
        except LanternError as exc:
            return MetaReply(f"The game was not saved: {exc}")
        return MetaReply(f"Saved to {path} ({len(self.history)} steps). "
                         f"Type 'restore {name}' to come back here.")

    def restore(self, name: str) -> MetaReply:
        """Re-simulate a saved game's steps, checking every state hash; on any mismatch change nothing."""
        if not SAVE_NAME.match(name):
            return MetaReply(f"'{name}' is no save name; saves are named like 'save1' or 'before-the-cellar'.")
        path = self.save_path(name)
        if not path.is_file():
            return MetaReply(f"There is no saved game called '{name}' (looked for {path}).")
        before = self.env.snapshot()
        state = (self.history, self.undo_stack, self.seen, self.previous_room)
        try:
            episode = read_episode(path)
            self._check_same_world(episode.header, path)
            self._replay(episode)
        except LanternError as exc:
            self.env.restore(before)
            self.history, self.undo_stack, self.seen, self.previous_room = state
            return MetaReply(f"The game was not restored: {exc}")
        self.seed = episode.header.get("seed")
        self._rewound()
        return MetaReply(f"[Restored {path}: {len(self.history)} steps re-run, every state hash "
                         f"matched.]\n\n{self._look()}", "rewound")

    def _check_same_world(self, header: dict, path: Path) -> None:
        if header.get("world") != self.env.world.data:
            raise EpisodeError(f"{path} is a game of another world "
                               f"('{header.get('title', '?')}'); play that world to restore it")
        if header.get("player", self.env.player_id) != self.player:
            raise EpisodeError(f"{path} was played as '{header.get('player')}', not '{self.player}'")

    def _replay(self, episode) -> None:
        """Re-run the saved steps into the env, rebuilding the history and the undo points."""
        self.history, self.undo_stack = [], []
        self.env.reset(seed=episode.header.get("seed"))
        before = self.env.snapshot()
        for step in replay(episode, self.env):
            record = step.record
            if record["actor"] == self.player:
                self.undo_stack.append(_UndoPoint(before, len(self.history), record["command"]))
            self.history.append({**record, "t": len(self.history)})
            before = self.env.snapshot()
        self.last_line = self.undo_stack[-1].line if self.undo_stack else None

    # -- helpers --------------------------------------------------------------------------------

    def hint(self) -> str:
        """The guide's next command for the player, phrased as a hint."""
        from game.guide import guided_step
        from game.solver import Unsolvable, solve
        info = self.env.info(self.player)
        if info["won"]:
            return "You have already done everything there is to do."
        if info["lost"]:
            return "This game is lost; 'undo' or 'restart' to try again."
        try:
            plan = [s for s in solve(self.env.world, [self.player], from_current=True).steps]
        except (Unsolvable, LanternError):
            return "I can see no way to win from here; 'undo' may get you out of it."
        if not plan:
            return "You have already done everything there is to do."
        _, command = guided_step(self.env, plan)
        return f"Hint: try '{command}'."

    def _room(self) -> int:
        return self.env.world.state.parent[self.actor]

    def _rewound(self) -> None:
        self.here = self._room()
        self.seen.add(self.here)
        self.previous_room = None

    def _look(self) -> str:
        return describe_room(self.env.world, self.actor)


_BREVITY_TEXT = {
    "verbose": "Lantern now always describes a room in full.",
    "brief": "Lantern now describes a room in full only the first time you enter it.",
    "superbrief": "Lantern now never describes a room in full (type 'look' to see it).",
}



def _route(world: World, start: int, target: int, known: set[int]) -> list[str] | None:
    """The directions of a shortest walk from ``start`` to ``target`` through ``known`` rooms
    (doors open or not: a closed one stops the walk with its own reply), or None."""
    came: dict[int, tuple[int, str] | None] = {start: None}
    queue = deque([start])
    while queue:
        room = queue.popleft()
        if room == target:
            break
        for direction, ex in world.entities[room].exits.items():
            if ex.to not in came and ex.to in known:
                came[ex.to] = (room, direction)
                queue.append(ex.to)
    if target not in came:
        return None
    steps: list[str] = []
    while came[target] is not None:
        target, direction = came[target]
        steps.append(direction)
    return steps[::-1]
