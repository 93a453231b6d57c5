"""Episode files: integer version, end line, hash chain over every field of every line,
durable writes, and a full disk that never stops the game."""

import errno
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

import pygame
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from game import record
from game.env import LanternEnv
from game.files import FileWriteError
from game.loader import load_world
from game.record import (CHAIN, FINISHED, STOPPED, EpisodeError, EpisodeRecorder, canonical, link,
                         partial_path, read_episode, replay)
from game.solver import solve
from game.view import app
from game.view.app import Viewer
from game.view.play import PlaySession
from tests.conftest import ROOT, WORLDS
from tests.view_helpers import ScriptedNPC, key, type_line, workshop_env


def record_tutorial(path: Path, steps: int | None = None) -> Path:
    """The tutorial's walkthrough by the player alone (or its first ``steps`` commands), recorded with
    candidates."""
    world = load_world(WORLDS / "tutorial.toml")
    env = LanternEnv(world)
    env.reset(seed=4)
    with EpisodeRecorder(path, env, 4, meta={"model": "solver"}) as rec:
        for actor, command in solve(world, actors=["player"]).steps[:steps]:
            obs, reward, terminated, truncated, info = env.step(command, actor)
            rec.record(actor, command, obs, reward, info, terminated or truncated,
                       candidates=[{"command": command, "prob": 0.75}, {"command": "look", "prob": 0.25}],
                       value=0.5, notes=["You saw a lamp."])
    return path


def lines_of(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def write_lines(path: Path, lines: list[dict], rechain: bool = False) -> Path:
    """Write ``lines`` as an episode; ``rechain``: recompute the chain, as a deliberate editor would."""
    previous = ""
    for line in lines:
        if rechain:
            line[CHAIN] = previous = link(previous, line)
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def verify(path: Path) -> record.Episode:
    episode = read_episode(path)
    list(replay(episode))
    return episode


def run(*args):
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={"PATH": "/usr/bin:/bin", "SDL_VIDEODRIVER": "dummy",
                                            "PYTHONPATH": str(ROOT)})


# -- the format ----------------------------------------------------------------------------------


def test_a_recording_has_a_header_steps_an_end_line_and_a_chain(tmp_path):
    path = record_tutorial(tmp_path / "ep.jsonl")
    lines = lines_of(path)
    assert lines[0]["version"] == record.VERSION == 2 and type(lines[0]["version"]) is int
    assert lines[-1] == {"end": FINISHED, "steps": len(lines) - 2, CHAIN: lines[-1][CHAIN]}
    previous = ""
    for line in lines:
        assert line[CHAIN] == link(previous, line) and len(line[CHAIN]) == 64
        previous = line[CHAIN]
    episode = verify(path)
    assert episode.finished and len(episode.steps) == len(lines) - 2
    assert not partial_path(path).exists()


def test_an_episode_closed_before_its_end_says_stopped_and_still_verifies(tmp_path):
    path = record_tutorial(tmp_path / "ep.jsonl", steps=3)
    episode = verify(path)
    assert episode.end["end"] == STOPPED and len(episode.steps) == 3 and not episode.finished
    shown = run("replay", str(path), "--text")
    assert shown.returncode == 0 and "Replay verified: 3 steps" in shown.stdout
    assert "stopped before the episode ended" in shown.stdout


def test_close_syncs_the_file_and_its_folder_before_and_after_the_rename(tmp_path, monkeypatch):
    calls = []
    real_fsync = os.fsync
    monkeypatch.setattr(record.os, "fsync", lambda fd: calls.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
                        or real_fsync(fd))
    monkeypatch.setattr(record, "fsync_folder", lambda folder: calls.append(("folder", str(folder))))
    path = record_tutorial(tmp_path / "ep.jsonl", steps=1)
    assert calls == [("fsync", str(partial_path(path))), ("folder", str(tmp_path))]


# -- case 8: the version is a whole number ---------------------------------------------------------


@pytest.mark.parametrize("version,message", [
    (True, "field 'version' must be a whole number, got true"),
    (2.0, "field 'version' must be a whole number, got 2.0"),
    (1.0, "field 'version' must be a whole number, got 1.0"),
    ("2", 'field \'version\' must be a whole number, got "2"'),
    (None, "field 'version' must be a whole number, got null"),
    (3, "episode format version 3 is newer than this Lantern's (2)"),
])
def test_a_version_that_is_not_this_whole_number_is_refused(tmp_path, version, message):
    lines = lines_of(record_tutorial(tmp_path / "ep.jsonl", steps=2))
    lines[0]["version"] = version
    with pytest.raises(EpisodeError, match=re.escape(f"line 1: {message}")):
        read_episode(write_lines(tmp_path / "bad.jsonl", lines, rechain=True))


def test_a_version_1_file_is_refused_in_one_line_and_never_verified(tmp_path):
    lines = lines_of(record_tutorial(tmp_path / "ep.jsonl"))[:-1]  # version 1 had no end line ...
    for line in lines:
        del line[CHAIN]                                             # ... and no chain
    lines[0]["version"] = 1
    path = write_lines(tmp_path / "old.jsonl", lines)
    result = run("replay", str(path), "--text")
    assert result.returncode == 2 and "Replay verified" not in result.stdout
    assert result.stderr.strip().splitlines() == [
        f"error: {path}: line 1: episode format version 1 is from an older Lantern and has no hash chain, so it "
        f"cannot be verified; record the episode again (this Lantern reads version 2)"]


# -- case 9: truncation --------------------------------------------------------------------------


@pytest.mark.parametrize("keep,line", [(-1, 10), (1, 1), (-2, 9)])
def test_a_truncated_episode_is_refused_naming_the_line(tmp_path, keep, line):
    path = record_tutorial(tmp_path / "ep.jsonl")
    text = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert len(text) == 11  # header, 9 steps, end
    path.write_text("".join(text[:keep]), encoding="utf-8")
    result = run("replay", str(path), "--text")
    assert result.returncode == 2 and "Replay verified" not in result.stdout
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert f"line {line}: the episode stops here without its end line" in result.stderr


def test_a_line_cut_in_the_middle_says_so(tmp_path):
    path = record_tutorial(tmp_path / "ep.jsonl")
    path.write_bytes(path.read_bytes()[:-30])
    with pytest.raises(EpisodeError, match=r"line 11: the line is cut short"):
        read_episode(path)


# -- case 10: every field is covered -------------------------------------------------------------


@pytest.mark.parametrize("index,field,value", [
    (3, "score", 3), (5, "reward", 1), (2, "done", True), (0, "max_steps", 9), (4, "candidates", []),
    (4, "value", 0.9), (4, "notes", ["forged"]), (0, "title", "Other"), (10, "steps", 8), (10, "end", STOPPED),
])
def test_an_edit_of_any_field_breaks_the_chain_at_its_line(tmp_path, index, field, value):
    lines = lines_of(record_tutorial(tmp_path / "ep.jsonl"))
    lines[index][field] = value
    with pytest.raises(EpisodeError, match=f"line {index + 1}: the hash chain breaks here"):
        verify(write_lines(tmp_path / "bad.jsonl", lines))


@pytest.mark.parametrize("index,field,value,message", [
    (3, "score", 3, "field 'score' is 3 but the engine gives"),
    (5, "reward", 7, "field 'reward' is 7 but the engine gives"),
    (2, "done", True, "a step after the episode ended (line 3)"),
    (9, "done", False, "field 'end' is 'finished' but the last step did not end"),
    (10, "steps", 8, "field 'steps' is 8 but the file holds 9 steps"),
])
def test_a_rechained_edit_is_still_caught_by_the_engine_or_the_order(tmp_path, index, field, value, message):
    lines = lines_of(record_tutorial(tmp_path / "ep.jsonl"))
    lines[index][field] = value
    with pytest.raises(EpisodeError, match=r"line \d+: " + re.escape(message)):
        verify(write_lines(tmp_path / "bad.jsonl", lines, rechain=True))


def test_a_rechained_max_steps_edit_changes_the_replay(tmp_path):
    lines = lines_of(record_tutorial(tmp_path / "ep.jsonl"))
    lines[0]["max_steps"] = 3
    with pytest.raises(EpisodeError, match=r"line 4: field 'done' is false but the engine gives true"):
        verify(write_lines(tmp_path / "bad.jsonl", lines, rechain=True))


# -- cases 11 and 12: malformed lines are one line -----------------------------------------------


@pytest.mark.parametrize("index,field,value,message", [
    (0, "max_steps", "x", "line 1: field 'max_steps' must be a whole number above 0 or null, got \"x\""),
    (0, "max_steps", 0, "line 1: field 'max_steps' must be a whole number above 0 or null, got 0"),
    (0, "actors", "player", "line 1: field 'actors' must be a list of actor ids"),
    (0, "title", 5, "line 1: field 'title' must be text or null"),
    (2, "t", True, "line 3: field 't' is true, expected 1"),
    (2, "done", 1, "line 3: field 'done' must be true or false"),
    (2, "score", "3", "line 3: field 'score' must be a number"),
    (2, "candidates", [{"command": "x"}], "line 3: field 'candidates' must be a list of"),
    (2, "notes", "lamp", "line 3: field 'notes' must be a list of text lines"),
])
def test_malformed_fields_are_one_line_from_the_cli(tmp_path, index, field, value, message):
    lines = lines_of(record_tutorial(tmp_path / "ep.jsonl", steps=4))
    lines[index][field] = value
    path = write_lines(tmp_path / "bad.jsonl", lines, rechain=True)
    with pytest.raises(EpisodeError, match=re.escape(message)):
        read_episode(path)
    if field == "max_steps" and value == "x":  # the probe's case, end to end
        result = run("replay", str(path), "--text")
        assert result.returncode == 2 and result.stderr.count("\n") == 1 and message in result.stderr


@pytest.mark.parametrize("depth", [50_000, 2_000])
def test_a_deeply_nested_line_is_one_line_not_a_recursion_error(tmp_path, depth):
    path = record_tutorial(tmp_path / "ep.jsonl", steps=2)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(2, '{"t": ' + "[" * depth + "]" * depth + "}\n")
    path.write_text("".join(lines), encoding="utf-8")
    result = run("replay", str(path), "--text")
    assert result.returncode == 2 and "Traceback" not in result.stderr and result.stderr.count("\n") == 1
    assert "line 3: nested too deeply to be an episode line" in result.stderr


# -- a killed recording ----------------------------------------------------------------------------


KILLED = """
import os, signal, sys
from game.env import LanternEnv
from game.loader import load_world
from game.record import EpisodeRecorder
env = LanternEnv(load_world("assets/worlds/tutorial.toml"))
env.reset(seed=0)
rec = EpisodeRecorder(sys.argv[1], env, 0)
for command in ("look", "n", "take lamp"):
    obs, reward, term, trunc, info = env.step(command)
    rec.record("player", command, obs, reward, info, term or trunc)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_killed_recording_leaves_a_partial_that_replay_calls_unfinished(tmp_path):
    path = tmp_path / "ep.jsonl"
    killed = subprocess.run([sys.executable, "-c", KILLED, str(path)], cwd=ROOT, capture_output=True,
                            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    assert killed.returncode == -signal.SIGKILL
    partial = partial_path(path)
    assert partial.is_file() and not path.exists()
    result = run("replay", str(partial), "--text")
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "Replay verified" not in result.stdout
    assert "line 4: the episode stops here without its end line" in result.stderr
    result = run("replay", str(path), "--text")
    assert result.returncode == 2 and "ep.jsonl.partial is there: that recording never finished" in result.stderr


# -- case 22: a full disk while recording --------------------------------------------------------


class FillingDisk:
    """A text file that takes ``room`` more writes, then fails as a full disk does."""

    def __init__(self, path, room: int) -> None:
        self.file = open(path, "w", encoding="utf-8")
        self.room = room

    def write(self, text: str) -> int:
        if self.room <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.room -= 1
        return self.file.write(text)

    def flush(self) -> None:
        self.file.flush()

    def fileno(self) -> int:
        return self.file.fileno()

    def close(self) -> None:
        self.file.close()


def fill_disk_after(monkeypatch, room: int) -> None:
    monkeypatch.setattr(record, "open", lambda path, *a, **k: FillingDisk(path, room), raising=False)


def test_a_full_disk_mid_episode_stops_recording_once_and_the_game_goes_on(tmp_path, monkeypatch):
    fill_disk_after(monkeypatch, 2)  # the header and one step fit
    folder = tmp_path / "episodes"
    session = PlaySession(workshop_env(tmp_path), ScriptedNPC([]), seed=1, player="player", episodes=folder,
                          threaded=False)
    viewer = Viewer(session)
    for line in ("look", "open front door", "go north", "look"):
        type_line(viewer, line)
    assert session.env.steps >= 4 and session.recorder is None
    notices = [t for t in session.transcript.texts() if "Recording stopped" in t]
    assert len(notices) == 1 and "the disk is full" in notices[0] and str(folder) in notices[0]
    assert session.transcript.texts().index(notices[0]) > 2  # after the intro, the goal and the failed step
    assert list(folder.iterdir()) == []  # nothing half-written: no episode, no .partial
    viewer.handle_event(key(pygame.K_n, pygame.KMOD_CTRL))  # a new episode is not recorded, nor told again
    type_line(viewer, "look")
    assert session.recorder is None and list(folder.iterdir()) == []
    assert sum("Recording stopped" in t for t in session.transcript.texts()) <= 1
    assert session.recording_error.startswith("recording stopped: cannot write") and "\n" not in session.recording_error


def test_a_real_enospc_on_the_first_line_and_at_close(tmp_path, monkeypatch):
    folder = tmp_path / "episodes"
    folder.mkdir()
    name = folder / "ep.jsonl"
    monkeypatch.setattr("game.turns.episode_path", lambda folder, title: name)
    partial_path(name).symlink_to("/dev/full")  # every write there fails with ENOSPC, as on a full disk
    session = PlaySession(workshop_env(tmp_path), ScriptedNPC([]), seed=1, episodes=folder, threaded=False)
    assert session.recorder is None and "the disk is full" in session.notice
    assert list(folder.iterdir()) == []
    monkeypatch.setattr(record.os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.ENOSPC, "full")))
    again = PlaySession(workshop_env(tmp_path), ScriptedNPC([]), seed=1, episodes=folder, threaded=False)
    type_line(Viewer(again), "look")
    again.close()  # the fsync before the rename fails: nothing under the final name
    assert again.recording_error and list(folder.iterdir()) == []


def test_the_command_line_says_one_line_when_recording_stopped(tmp_path, monkeypatch, capsys):
    fill_disk_after(monkeypatch, 0)
    session = PlaySession(workshop_env(tmp_path), ScriptedNPC([]), seed=1, episodes=tmp_path / "e", threaded=False)
    pygame.init()
    monkeypatch.setattr(Viewer, "run", lambda self: 0)  # the window closes at once
    assert app._open(session, argparse_args(), lambda n: None) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("note: recording stopped: cannot write")
    assert "the disk is full" in err


def argparse_args():
    import argparse
    return argparse.Namespace(screenshot=None, after=0)


def test_the_recorder_refuses_to_write_after_a_failure(tmp_path, monkeypatch):
    fill_disk_after(monkeypatch, 1)
    env = LanternEnv(load_world(WORLDS / "tutorial.toml"))
    env.reset(seed=0)
    rec = EpisodeRecorder(tmp_path / "ep.jsonl", env, 0)
    obs, reward, term, trunc, info = env.step("look")
    with pytest.raises(FileWriteError, match=r"cannot write .*ep\.jsonl: the disk is full"):
        rec.record("player", "look", obs, reward, info, False)
    assert rec.closed and list(tmp_path.iterdir()) == []
    with pytest.raises(FileWriteError, match="already closed"):
        rec.record("player", "look", obs, reward, info, False)


# -- the property: no edit, deletion or truncation verifies ---------------------------------------

SCRATCH = Path(tempfile.mkdtemp(prefix="lantern-episode-property-"))


@cache
def recorded() -> bytes:
    return record_tutorial(SCRATCH / "original.jsonl", steps=6).read_bytes()


def json_values():
    leaves = st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False) | st.text(max_size=8)
    return st.recursive(leaves, lambda inner: st.lists(inner, max_size=3)
                        | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=5)


def pick_path(data, obj) -> list:
    """A path from a line's top level to one of its values (at least one step deep)."""
    path = []
    while True:
        keys = list(obj) if isinstance(obj, dict) else list(range(len(obj))) if isinstance(obj, list) else []
        if not keys or (path and data.draw(st.booleans())):
            return path
        k = data.draw(st.sampled_from(keys))
        path.append(k)
        obj = obj[k]


def mutate(data, original: bytes) -> bytes:
    """One edit, deletion, duplication, swap or truncation of a recorded episode."""
    texts = original.decode("utf-8").splitlines(keepends=True)
    kind = data.draw(st.sampled_from(["edit", "drop_key", "drop_line", "copy_line", "swap", "truncate"]))
    if kind == "truncate":  # keep any prefix that loses more than the final newline
        return original[:data.draw(st.integers(0, len(original) - 2))]
    i = data.draw(st.integers(0, len(texts) - 1))
    if kind in ("drop_line", "copy_line", "swap"):
        if kind == "drop_line":
            del texts[i]
        elif kind == "copy_line":
            texts.insert(i, texts[i])
        else:
            j = data.draw(st.integers(0, len(texts) - 1))
            assume(texts[i] != texts[j])
            texts[i], texts[j] = texts[j], texts[i]
        return "".join(texts).encode("utf-8")
    line = json.loads(texts[i])
    path = pick_path(data, line)
    holder = line
    for k in path[:-1]:
        holder = holder[k]
    if kind == "drop_key":
        assume(isinstance(holder, dict))
        del holder[path[-1]]
    else:
        new = data.draw(json_values())
        assume(canonical({"v": new}) != canonical({"v": holder[path[-1]]}))
        holder[path[-1]] = new
    texts[i] = json.dumps(line) + "\n"
    return "".join(texts).encode("utf-8")


def test_an_episode_saved_again_by_an_editor_with_a_bom_and_crlf_still_verifies(tmp_path):
    original = record_tutorial(tmp_path / "e.jsonl").read_bytes()
    resaved = tmp_path / "resaved.jsonl"
    resaved.write_bytes(b"\xef\xbb\xbf" + original.replace(b"\n", b"\r\n"))
    assert verify(resaved).steps == verify(tmp_path / "e.jsonl").steps != []
    result = run("replay", "--text", str(resaved))
    assert result.returncode == 0 and "Replay verified" in result.stdout and result.stderr == ""


@settings(max_examples=100)
@given(st.data())
def test_no_single_edit_deletion_or_truncation_of_a_recording_verifies(data):
    changed = mutate(data, recorded())
    path = SCRATCH / "mutated.jsonl"
    path.write_bytes(changed)
    with pytest.raises(EpisodeError) as caught:
        verify(path)
    message = str(caught.value)
    assert re.match(re.escape(str(path)) + r": line \d+: ", message) and "\n" not in message, message


@settings(max_examples=60)
@given(st.binary(max_size=4), st.integers(min_value=0), st.integers(0, 3))
def test_any_damaged_bytes_give_one_line_or_the_same_content(junk, where, drop):
    original = recorded()
    at = where % len(original)
    damaged = original[:at] + junk + original[at + drop:]
    path = SCRATCH / "damaged.jsonl"
    path.write_bytes(damaged)
    try:
        episode = verify(path)
    except EpisodeError as exc:
        assert re.match(re.escape(str(path)) + r": line \d+: ", str(exc)) and "\n" not in str(exc), str(exc)
        return
    same = lines_of(SCRATCH / "original.jsonl")
    assert [episode.header, *episode.steps, episode.end] == same  # only spacing changed


def test_the_replay_window_says_where_a_stopped_recording_stops(tmp_path):
    from game.view.replay import ReplaySession
    session = ReplaySession(read_episode(record_tutorial(tmp_path / "ep.jsonl", steps=2)), threaded=False)
    session.seek(session.length)
    assert session.transcript.texts()[-1].startswith("The recording stops here")
    finished = ReplaySession(read_episode(record_tutorial(tmp_path / "won.jsonl")), threaded=False)
    finished.seek(finished.length)
    assert not any(t.startswith("The recording stops here") for t in finished.transcript.texts())
