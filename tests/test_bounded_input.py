"""Bounded work and hostile input: a huge world with a small --max-nodes, non-finite
--seconds, and bytes that are not text on play --text's stdin."""

import io
import subprocess
import sys
import time
import tracemalloc

from game.env import LanternEnv
from game.loader import load_world, world_from_dict
from game.play_text import play_text
from game.solver import Unsolvable, solve
from tests.conftest import ROOT, WORLDS


def chain_world(rooms: int) -> dict:
    """A corridor of ``rooms`` rooms; a coin at the far end must come back to the first."""
    def exits(i):
        return {**({"west": f"r{i - 1}"} if i else {}), **({"east": f"r{i + 1}"} if i < rooms - 1 else {})}
    return {
        "world": {"title": "Corridor"},
        "rooms": [{"id": f"r{i}", "name": f"Room {i}", "description": f"Room {i}.", "exits": exits(i)}
                  for i in range(rooms)],
        "items": [{"id": "coin", "name": "coin", "description": "A coin.", "location": f"r{rooms - 1}"}],
        "actors": [{"id": "player", "name": "you", "description": "You.", "location": "r0"}],
        "quests": [{"id": "q", "actors": ["player"], "description": "Bring the coin back.",
                    "goals": [{"type": "in", "item": "coin", "place": "r0", "text": "Bring the coin."}]}],
    }


def test_solve_on_a_10000_room_corridor_is_bounded_by_the_node_limit():
    world = world_from_dict(chain_world(10_000), "corridor")
    tracemalloc.start()
    start = time.perf_counter()
    try:
        solution = solve(world, max_nodes=100)
    except Unsolvable as exc:  # either answer is fine; what matters is that it comes quickly
        solution = exc
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # A table of all room pairs would be 10^8 entries (gigabytes, over a minute) before the limit applied.
    assert seconds < 20 and peak < 100 * 2**20, (seconds, peak)
    assert len(solution) == 2 * 9_999 + 2  # there and back, take and drop


def test_corridor_solution_is_still_optimal_on_a_small_one():
    solution = solve(world_from_dict(chain_world(7), "corridor"))
    assert solution.commands == ["go east"] * 6 + ["take coin"] + ["go west"] * 6 + ["drop coin"]


def run(*args, stdin=b"", env=None):
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, input=stdin, capture_output=True,
                          timeout=120, env={"PATH": "/usr/bin:/bin", "SDL_VIDEODRIVER": "dummy",
                                            "PYTHONPATH": str(ROOT), **(env or {})})


def test_bench_refuses_seconds_that_never_end():
    for value in ("inf", "nan", "-inf", "1e999"):
        result = run("bench", "engine", f"--seconds={value}")
        stderr = result.stderr.decode()
        assert result.returncode == 2 and "must be a finite number" in stderr, value
        assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1


def test_play_text_answers_bytes_that_are_not_text_under_a_strict_utf8_locale(tmp_path):
    result = run("play", "--text", "--difficulty", "1", "--episodes", str(tmp_path),  # solo: no model loads
                 stdin=b"look\n\xff\xfe go\ngo north\n", env={"LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8:strict"})
    out, err = result.stdout.decode(), result.stderr.decode()
    assert result.returncode == 0 and "Traceback" not in err, err
    assert "That line is not valid text" in out and "-= Kitchen =-" in out  # the game went on
    assert "· turn 2 / " in out  # the bad line changed nothing, not even the turn count


def test_a_terminal_that_cannot_show_every_character_gets_question_marks_not_a_traceback(tmp_path):
    # a generated world without a companion: no NPC to load, so stderr stays empty
    result = run("play", "--text", "--difficulty", "1", "--world-seed", "0", "--episodes", str(tmp_path),
                 stdin=b"look\n\xff go\nlook\n", env={"PYTHONIOENCODING": "ascii:strict"})
    out, err = result.stdout.decode("ascii"), result.stderr.decode()
    assert result.returncode == 0 and err == "", err
    assert "That line is not valid text" in out and "[Score 0 of 1 ? turn 2 / 20." in out  # '·' shown as '?'


def test_play_text_in_memory_streams_treat_undecodable_bytes_the_same():
    env = LanternEnv(load_world(WORLDS / "tutorial.toml"))
    out = io.StringIO()
    assert play_text(env, 0, io.StringIO(b"\xff go\nscore\n".decode("utf-8", "surrogateescape")), out) == 0
    assert "That line is not valid text" in out.getvalue() and "Score 0 of 3 · turn 0 / 120." in out.getvalue()
