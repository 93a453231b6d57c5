"""Episode files (JSONL) and deterministic replay.

Line 1 is a header: the format name and version, the whole world (in the world
file schema, so a replay needs nothing else), the env seed and step limit, and
free metadata (model, run). Every further line is one step: who acted, what they
typed, the reply, reward, score, whether the episode ended, the state hash after
the step, and optionally the NPC's candidates with probabilities and its value
estimate. A replay re-simulates every step and checks reply and hash.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from game.env import LanternEnv
from game.errors import LanternError
from game.loader import world_from_dict

FORMAT = "lantern-episode"
VERSION = 1
STEP_FIELDS = {"t", "actor", "command", "reply", "reward", "score", "done", "hash"}


class EpisodeError(LanternError):
    """A malformed episode file, or a replay that does not match; names the line."""


@dataclass
class Episode:
    """A loaded episode: the header and the step records, in order."""

    header: dict
    steps: list[dict]
    source: str = "<episode>"

    def make_env(self) -> LanternEnv:
        """A fresh environment for this episode's world (not yet reset)."""
        try:
            world = world_from_dict(self.header["world"], f"{self.source} (header world)")
        except LanternError as exc:
            raise EpisodeError(f"{self.source}: line 1: the embedded world is invalid: {exc}") from None
        return LanternEnv(world, max_steps=self.header.get("max_steps"))


@dataclass
class EpisodeRecorder:
    """Writes one episode as JSONL; the file appears under its name only when closed.

    Args:
        path: where the episode goes (a ``.partial`` file is used while writing).
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
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._tmp = self.path.with_name(self.path.name + ".partial")
        self._file = open(self._tmp, "w", encoding="utf-8")
        self._t = 0
        header = {
            "format": FORMAT, "version": VERSION, "world": self.env.world.data,
            "world_source": self.env.world.source, "title": self.env.world.title,
            "seed": self.seed, "max_steps": self.env.max_steps, "player": self.env.player_id,
            "actors": self.env.actor_ids, **self.meta,
        }
        self._write(header)

    def record(self, actor: str, command: str, reply: str, reward: float, info: dict, done: bool,
               candidates: list[dict] | None = None, value: float | None = None,
               notes: list[str] | None = None) -> dict:
        """Append one step (call right after ``env.step``); returns the line written."""
        line = {"t": self._t, "actor": actor, "command": command, "reply": reply,
                "reward": reward, "score": info["score"], "done": bool(done),
                "hash": self.env.state_hash()}
        if candidates is not None:
            line["candidates"] = candidates
        if value is not None:
            line["value"] = value
        if notes:
            line["notes"] = notes
        self._t += 1
        self._write(line)
        return line

    def _write(self, obj: dict) -> None:
        self._file.write(json.dumps(obj, ensure_ascii=False) + "\n")

    def close(self) -> Path:
        """Finish the file and move it into place; returns its path."""
        if not self._file.closed:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            os.replace(self._tmp, self.path)
        return self.path

    def __enter__(self) -> EpisodeRecorder:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def read_episode(path: str | Path) -> Episode:
    """Load and validate an episode file; EpisodeError names the line that is wrong."""
    p = Path(path)
    if not p.is_file():
        raise EpisodeError(f"{p}: no such episode file; give the path of a .jsonl episode "
                           f"(episodes are saved under runs/episodes/)")
    steps: list[dict] = []
    header: dict | None = None
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise EpisodeError(f"{p}: not a UTF-8 text file; an episode is JSON lines") from None
    for n, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise EpisodeError(f"{p}: line {n}: not valid JSON ({exc.msg}, column {exc.colno})") from None
        if not isinstance(obj, dict):
            raise EpisodeError(f"{p}: line {n}: expected a JSON object, got {type(obj).__name__}")
        if header is None:
            _check_header(obj, p, n)
            header = obj
        else:
            _check_step(obj, p, n, len(steps))
            steps.append(obj)
    if header is None:
        raise EpisodeError(f"{p}: the file is empty; an episode starts with a header line")
    return Episode(header, steps, str(p))


def _check_header(obj: dict, p: Path, n: int) -> None:
    if obj.get("format") != FORMAT:
        raise EpisodeError(f"{p}: line {n}: not a Lantern episode (field 'format' is "
                           f"{obj.get('format')!r}, expected {FORMAT!r})")
    if obj.get("version") != VERSION:
        raise EpisodeError(f"{p}: line {n}: episode format version {obj.get('version')!r} is not "
                           f"supported (this Lantern reads version {VERSION})")
    if not isinstance(obj.get("world"), dict):
        raise EpisodeError(f"{p}: line {n}: field 'world' must hold the episode's world")
    seed = obj.get("seed")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise EpisodeError(f"{p}: line {n}: field 'seed' must be an integer or null, got {seed!r}")


def _check_step(obj: dict, p: Path, n: int, t: int) -> None:
    missing = STEP_FIELDS - obj.keys()
    if missing:
        raise EpisodeError(f"{p}: line {n}: step is missing field(s) {', '.join(sorted(missing))}")
    if obj["t"] != t:
        raise EpisodeError(f"{p}: line {n}: field 't' is {obj['t']!r}, expected {t} (steps must be in order)")
    for name in ("actor", "command", "reply", "hash"):
        if not isinstance(obj[name], str):
            raise EpisodeError(f"{p}: line {n}: field '{name}' must be a string")


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
    """Re-simulate an episode step by step, checking every reply and state hash.

    Raises:
        EpisodeError: naming the file line where the engine disagrees with the record.
    """
    env = env or episode.make_env()
    env.reset(seed=episode.header.get("seed"))
    for i, rec in enumerate(episode.steps):
        try:
            obs, reward, terminated, truncated, info = env.step(rec["command"], rec["actor"])
        except LanternError as exc:
            raise EpisodeError(f"{episode.source}: line {i + 2}: {exc}") from None
        if env.state_hash() != rec["hash"]:
            raise EpisodeError(f"{episode.source}: line {i + 2}: state hash mismatch after "
                               f"{rec['actor']}: {rec['command']!r} (file {rec['hash']}, "
                               f"engine {env.state_hash()}); the episode was made by a different "
                               f"engine or world, or was edited")
        if obs != rec["reply"]:
            raise EpisodeError(f"{episode.source}: line {i + 2}: reply differs from the record "
                               f"after {rec['command']!r}")
        yield ReplayStep(i, rec, obs, reward, info, terminated or truncated)
