"""Episode files (JSONL) and deterministic replay.

Line 1 is a header: the format name and version, the whole world (in the world
file schema, so a replay needs nothing else), the env seed and step limit, and
free metadata (model, run). Every further line is one step: who acted, what they
typed, the reply, reward, score, whether the episode ended, the state hash after
the step, and optionally the NPC's candidates with probabilities and its value
estimate. The last line records how the recording ended and how many steps it holds.

Every line carries ``chain``: the SHA-256 of the previous line's ``chain`` and this
line's own fields, so an edit of any field of any line, a removed line, or a file cut
short is found when the file is read, and named by its line. (The chain finds damage
and edits; it is not a signature: anyone can compute it.) A replay then re-simulates
every step and checks reply, reward, score, end and state hash against the engine.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from game.env import LanternEnv
from game.errors import LanternError
from game.files import FileWriteError, fsync_folder, write_error
from game.loader import world_from_dict

FORMAT = "lantern-episode"
VERSION = 2
CHAIN = "chain"
STEP_FIELDS = {"t", "actor", "command", "reply", "reward", "score", "done", "hash", CHAIN}
END_FIELDS = {"end", "steps", CHAIN}
FINISHED, STOPPED = "finished", "stopped"  # the episode ended in the game / the recording was stopped first
HEADER_TEXT = ("world_source", "title", "player", "model", "model_arg", "mode", "run", "taken_over_from")


class EpisodeError(LanternError):
    """A malformed episode file, or a replay that does not match; names the line."""


def partial_path(path: Path) -> Path:
    """Where an episode is written until it ends (it is renamed to ``path`` then)."""
    return path.with_name(path.name + ".partial")


def canonical(fields: dict) -> str:
    """The one JSON spelling of a line's fields that the chain hashes (sorted keys, no spaces)."""
    return json.dumps(fields, sort_keys=True, ensure_ascii=True, separators=(",", ":"))


def link(previous: str, line: dict) -> str:
    """The ``chain`` value of ``line`` after a line whose ``chain`` was ``previous`` ("" for line 1)."""
    fields = {k: v for k, v in line.items() if k != CHAIN}
    return hashlib.sha256(f"{previous}\n{canonical(fields)}".encode("ascii")).hexdigest()


@dataclass
class Episode:
    """A loaded episode: the header, the step records in order, and the end line."""

    header: dict
    steps: list[dict]
    source: str = "<episode>"
    end: dict = field(default_factory=lambda: {"end": STOPPED, "steps": 0})

    @property
    def finished(self) -> bool:
        """Whether the episode ended in the game (False: the recording was stopped before)."""
        return self.end["end"] == FINISHED

    def make_env(self) -> LanternEnv:
        """A fresh environment for this episode's world (not yet reset)."""
        try:
            world = world_from_dict(self.header["world"], f"{self.source} (header world)")
        except LanternError as exc:
            raise EpisodeError(f"{self.source}: line 1: the embedded world is invalid: {exc}") from None
        except RecursionError:
            raise EpisodeError(f"{self.source}: line 1: the embedded world is nested too deeply") from None
        return LanternEnv(world, max_steps=self.header.get("max_steps"))


@dataclass
class EpisodeRecorder:
    """Writes one episode as JSONL; the file appears under its name only when closed.

    Lines go to ``<path>.partial`` as they are made (a killed program leaves that
    file, which replay reports as unfinished); ``close`` adds the end line, syncs the
    file to disk and renames it. A failed write removes the partial file and raises
    FileWriteError naming the path and the cause; the recorder is then closed.

    Args:
        path: where the episode goes.
        env: the environment being recorded (its world must come from a dict).
        seed: the seed passed to ``env.reset``.
        meta: anything else worth keeping in the header (model, run name ...).
    """

    path: Path
    env: LanternEnv
    seed: int | None
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.path = Path(self.path)
        self._tmp = partial_path(self.path)
        self._chain = ""
        self._t = 0
        self._finished = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(self._tmp, "w", encoding="utf-8")
        except OSError as exc:
            raise write_error(self.path, exc) from None
        self._write(episode_header(self.env, self.seed, self.meta))

    @property
    def closed(self) -> bool:
        """Whether the recording is over (closed, discarded, or stopped by a failed write)."""
        return self._file is None

    def record(self, actor: str, command: str, reply: str, reward: float, info: dict, done: bool,
               candidates: list[dict] | None = None, value: float | None = None,
               notes: list[str] | None = None) -> dict:
        """Append one step (call right after ``env.step``); returns the line written."""
        line = step_record(self.env, self._t, actor, command, reply, reward, info, done)
        if candidates is not None:
            line["candidates"] = candidates
        if value is not None:
            line["value"] = value
        if notes:
            line["notes"] = notes
        return self.write_record(line)

    def write_record(self, line: dict) -> dict:
        """Append a step record (one made earlier too: a history kept in memory, recorded
        again after an undo); it is numbered and chained here. Returns the line written."""
        line = {k: v for k, v in line.items() if k != CHAIN} | {"t": self._t}
        self._write(line)
        self._t += 1
        self._finished = bool(line["done"])
        return line

    def _write(self, line: dict) -> None:
        if self._file is None:
            raise FileWriteError(f"cannot write {self.path}: its recording was already closed")
        line[CHAIN] = link(self._chain, line)
        try:
            self._file.write(json.dumps(line, ensure_ascii=False) + "\n")
            self._file.flush()  # whole lines reach the file as they are made: a kill loses little
        except OSError as exc:
            self._fail(exc)
        self._chain = line[CHAIN]

    def _fail(self, exc: OSError) -> None:
        """Drop the partial file and raise the one-line error."""
        self.discard()
        raise write_error(self.path, exc) from None

    def close(self) -> Path:
        """Write the end line, make the file durable and move it into place; returns its path."""
        if self._file is None:
            return self.path
        self._write({"end": FINISHED if self._finished else STOPPED, "steps": self._t})
        try:
            os.fsync(self._file.fileno())
            self._file.close()
            self._file = None
            os.replace(self._tmp, self.path)
        except OSError as exc:
            self._fail(exc)
        fsync_folder(self.path.parent)
        return self.path

    def discard(self) -> None:
        """Stop without keeping anything (an episode with no steps, or a failed write)."""
        if self._file is not None:
            with contextlib.suppress(OSError):  # unflushed bytes of a file being thrown away
                self._file.close()
            self._file = None
        with contextlib.suppress(OSError):
            self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> EpisodeRecorder:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def episode_header(env: LanternEnv, seed: int | None, meta: dict | None = None) -> dict:
    """An episode file's first line (without its chain): the whole world, the seed, the step
    limit, the actors, and ``meta``."""
    return {
        "format": FORMAT, "version": VERSION, "world": env.world.data,
        "world_source": env.world.source, "title": env.world.title,
        "seed": seed, "max_steps": env.max_steps, "player": env.player_id,
        "actors": env.actor_ids, **(meta or {}),
    }


def step_record(env: LanternEnv, t: int, actor: str, command: str, reply: str, reward: float,
                info: dict, done: bool) -> dict:
    """One step's line without its chain (call right after ``env.step``: the state hash is ``env``'s)."""
    return {"t": t, "actor": actor, "command": command, "reply": reply, "reward": reward,
            "score": info["score"], "done": bool(done), "hash": env.state_hash()}


def episode_text(header: dict, steps: list[dict]) -> str:
    """A whole episode file's text, chained and with its end line (for files written at once,
    such as saved games, through ``game.files``)."""
    lines, chain = [], ""
    ended = bool(steps) and bool(steps[-1]["done"])
    end = {"end": FINISHED if ended else STOPPED, "steps": len(steps)}
    for t, obj in enumerate([header, *steps, end]):
        obj = {k: v for k, v in obj.items() if k != CHAIN}
        if 0 < t <= len(steps):
            obj["t"] = t - 1
        obj[CHAIN] = chain = link(chain, obj)
        lines.append(json.dumps(obj, ensure_ascii=False) + "\n")
    return "".join(lines)


def read_episode(path: str | Path) -> Episode:
    """Load and verify an episode file; EpisodeError names the line that is wrong."""
    p = Path(path)
    if not p.is_file():
        raise EpisodeError(_missing(p))
    try:
        data = p.read_bytes().removeprefix(b"\xef\xbb\xbf")  # an editor's byte-order mark is no content
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        n = data.count(b"\n", 0, exc.start) + 1
        raise EpisodeError(f"{p}: line {n}: not UTF-8 text; an episode is JSON lines in UTF-8") from None
    except OSError as exc:
        raise EpisodeError(f"{p}: cannot be read: {exc.strerror or exc}") from None
    reader = _Reader(p)
    lines = text.split("\n")
    for n, line in enumerate(lines, start=1):
        if line.strip():
            reader.add(line, n, torn=n == len(lines))  # the last piece has no newline after it
    return reader.episode()


def _missing(p: Path) -> str:
    if partial_path(p).is_file():
        return (f"{p}: no such episode file, but {partial_path(p).name} is there: that recording never "
                f"finished (it is still being written, or the program was stopped)")
    return f"{p}: no such episode file; give the path of a .jsonl episode (episodes are saved under runs/episodes/)"


class _Reader:
    """Checks an episode file line by line: JSON, chain, fields, order."""

    def __init__(self, p: Path) -> None:
        self.p = p
        self.header: dict | None = None
        self.steps: list[dict] = []
        self.end: dict | None = None
        self.chain = ""
        self.last = 0  # number of the last line read
        self.done_at = 0  # line of a step that ended the episode

    def fail(self, n: int, message: str) -> EpisodeError:
        return EpisodeError(f"{self.p}: line {n}: {message}")

    def add(self, text: str, n: int, torn: bool) -> None:
        self.last = n
        try:
            obj = json.loads(text)
            if not isinstance(obj, dict):
                raise self.fail(n, f"expected a JSON object, got {type(obj).__name__}")
            self._check(obj, n)
        except json.JSONDecodeError as exc:
            if torn:
                raise self.fail(n, "the line is cut short (the file ends inside it): the recording was "
                                   "interrupted, or the file was truncated") from None
            raise self.fail(n, f"not valid JSON ({exc.msg}, column {exc.colno})") from None
        except RecursionError:
            raise self.fail(n, "nested too deeply to be an episode line") from None
        except ValueError as exc:  # e.g. an integer with thousands of digits
            raise self.fail(n, f"not valid JSON ({exc})") from None

    def _check(self, obj: dict, n: int) -> None:
        if self.end is not None:
            raise self.fail(n, "a line after the episode's end line")
        if self.header is None:
            _check_version(obj, self.fail, n)
        self._check_chain(obj, n)
        if self.header is None:
            _check_header(obj, self.fail, n)
            self.header = obj
        elif "end" in obj:
            self._check_end(obj, n)
            self.end = obj
        else:
            if self.done_at:
                raise self.fail(n, f"a step after the episode ended (line {self.done_at})")
            _check_step(obj, self.fail, n, len(self.steps))
            self.steps.append(obj)
            self.done_at = n if obj["done"] else 0

    def _check_chain(self, obj: dict, n: int) -> None:
        expected = link(self.chain, obj)
        if obj.get(CHAIN) != expected:
            raise self.fail(n, "the hash chain breaks here: this line was edited, or a line before it "
                               "was removed or changed")
        self.chain = expected

    def _check_end(self, obj: dict, n: int) -> None:
        _fields(obj, END_FIELDS, self.fail, n)
        if obj["end"] not in (FINISHED, STOPPED):
            raise self.fail(n, f"field 'end' is {_show(obj['end'])}, expected {FINISHED!r} or {STOPPED!r}")
        if not _is_int(obj["steps"]) or obj["steps"] != len(self.steps):
            raise self.fail(n, f"field 'steps' is {_show(obj['steps'])} but the file holds {len(self.steps)} steps")
        if (obj["end"] == FINISHED) != bool(self.done_at):
            raise self.fail(n, f"field 'end' is {obj['end']!r} but the last step "
                               f"{'ended' if self.done_at else 'did not end'} the episode")

    def episode(self) -> Episode:
        if self.header is None:
            raise self.fail(1, "the file is empty; an episode starts with a header line")
        if self.end is None:
            raise self.fail(self.last, "the episode stops here without its end line: the file was cut "
                                       "short, or its recording never finished (a killed program leaves "
                                       "a .partial file like this)")
        return Episode(self.header, self.steps, str(self.p), self.end)


def _show(value: object) -> str:
    """A field's value as JSON, shortened for a one-line message."""
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _fields(obj: dict, names: set[str], fail, n: int) -> None:
    missing = names - obj.keys()
    if missing:
        raise fail(n, f"missing field(s) {', '.join(sorted(missing))}")


def _check_version(obj: dict, fail, n: int) -> None:
    if obj.get("format") != FORMAT:
        raise fail(n, f"not a Lantern episode (field 'format' is {_show(obj.get('format'))}, expected {FORMAT!r})")
    version = obj.get("version")
    if not _is_int(version):
        raise fail(n, f"field 'version' must be a whole number, got {_show(version)}")
    if version < VERSION:
        raise fail(n, f"episode format version {version} is from an older Lantern and has no hash chain, "
                      f"so it cannot be verified; record the episode again (this Lantern reads version {VERSION})")
    if version != VERSION:
        raise fail(n, f"episode format version {version} is newer than this Lantern's ({VERSION}); "
                      f"update Lantern to replay it")


def _check_header(obj: dict, fail, n: int) -> None:
    if not isinstance(obj.get("world"), dict):
        raise fail(n, "field 'world' must hold the episode's world")
    seed, max_steps = obj.get("seed"), obj.get("max_steps")
    if seed is not None and not _is_int(seed):
        raise fail(n, f"field 'seed' must be a whole number or null, got {_show(seed)}")
    if max_steps is not None and not (_is_int(max_steps) and max_steps > 0):
        raise fail(n, f"field 'max_steps' must be a whole number above 0 or null, got {_show(max_steps)}")
    for name in HEADER_TEXT:
        if not isinstance(obj.get(name, ""), (str, type(None))):
            raise fail(n, f"field {name!r} must be text or null")
    actors = obj.get("actors", [])
    if not isinstance(actors, list) or not all(isinstance(a, str) for a in actors):
        raise fail(n, "field 'actors' must be a list of actor ids")


def _check_step(obj: dict, fail, n: int, t: int) -> None:
    _fields(obj, STEP_FIELDS, fail, n)
    if obj["t"] != t or not _is_int(obj["t"]):
        raise fail(n, f"field 't' is {_show(obj['t'])}, expected {t} (steps must be in order)")
    for name in ("actor", "command", "reply", "hash"):
        if not isinstance(obj[name], str):
            raise fail(n, f"field '{name}' must be text")
    for name in ("reward", "score"):
        if not _is_number(obj[name]):
            raise fail(n, f"field '{name}' must be a number")
    if not isinstance(obj["done"], bool):
        raise fail(n, "field 'done' must be true or false")
    if obj.get("value") is not None and not _is_number(obj["value"]):
        raise fail(n, "field 'value' must be a number or null")
    candidates = obj.get("candidates", [])
    if not isinstance(candidates, list) or not all(
            isinstance(c, dict) and isinstance(c.get("command"), str) and _is_number(c.get("prob"))
            for c in candidates):
        raise fail(n, "field 'candidates' must be a list of {\"command\": text, \"prob\": number}")
    notes = obj.get("notes", [])
    if not isinstance(notes, list) or not all(isinstance(x, str) for x in notes):
        raise fail(n, "field 'notes' must be a list of text lines")


@dataclass
class ReplayStep:
    """One re-simulated step: the record, and what the engine said this time."""

    index: int
    record: dict
    obs: str
    reward: float
    info: dict
    done: bool


def replay(episode: Episode, env: LanternEnv | None = None) -> Iterator[ReplayStep]:
    """Re-simulate an episode step by step, checking every recorded outcome against the engine.

    Raises:
        EpisodeError: naming the file line where the engine disagrees with the record.
    """
    env = env or episode.make_env()
    env.reset(seed=episode.header.get("seed"))
    for i, rec in enumerate(episode.steps):
        line = f"{episode.source}: line {i + 2}"
        try:
            obs, reward, terminated, truncated, info = env.step(rec["command"], rec["actor"])
        except LanternError as exc:
            raise EpisodeError(f"{line}: {exc}") from None
        if env.state_hash() != rec["hash"]:
            raise EpisodeError(f"{line}: state hash mismatch after {rec['actor']}: {rec['command']!r} "
                               f"(file {rec['hash']}, engine {env.state_hash()}); the episode was made by a "
                               f"different engine or world, or was edited")
        if obs != rec["reply"]:
            raise EpisodeError(f"{line}: reply differs from the record after {rec['command']!r}")
        done = terminated or truncated
        for name, value in (("reward", reward), ("score", info["score"]), ("done", done)):
            if rec[name] != value or isinstance(rec[name], bool) != isinstance(value, bool):
                raise EpisodeError(f"{line}: field '{name}' is {_show(rec[name])} but the engine gives "
                                   f"{_show(value)} after {rec['command']!r}")
        yield ReplayStep(i, rec, obs, reward, info, done)
