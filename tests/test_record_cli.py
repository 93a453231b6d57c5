"""Episode files and the engine's command line: play --text, generate, solve, replay, bench."""

import json
import subprocess
import sys

import pytest

from game.env import LanternEnv
from game.generator import generate
from game.record import CHAIN, EpisodeError, EpisodeRecorder, link, read_episode, replay
from game.solver import solve
from tests.conftest import ROOT, WORLDS


def run(*args, stdin=""):
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "SDL_VIDEODRIVER": "dummy",
                               "HOME": str(ROOT), "PYTHONPATH": str(ROOT)})


def record_walkthrough(path, world, seed=4):
    env = LanternEnv(world)
    env.reset(seed=seed)
    with EpisodeRecorder(path, env, seed, meta={"model": "solver"}) as rec:
        for actor, command in solve(world).steps:
            obs, reward, terminated, truncated, info = env.step(command, actor)
            rec.record(actor, command, obs, reward, info, terminated or truncated,
                       candidates=[{"command": command, "prob": 1.0}], value=0.5)
    return env


def rechain(lines: list[dict]) -> str:
    """The file text of ``lines`` with a correct hash chain (an edit made the way the recorder would)."""
    out, previous = [], ""
    for line in lines:
        line[CHAIN] = previous = link(previous, line)
        out.append(json.dumps(line) + "\n")
    return "".join(out)


def test_episode_round_trip_replays_exactly(tmp_path):
    world = generate(3, 2)
    path = tmp_path / "ep.jsonl"
    env = record_walkthrough(path, world)
    assert not (tmp_path / "ep.jsonl.partial").exists()
    episode = read_episode(path)
    assert episode.header["format"] == "lantern-episode" and episode.header["seed"] == 4
    steps = list(replay(episode))
    assert len(steps) == len(solve(world))
    assert steps[-1].info["won"] and steps[-1].done
    assert steps[-1].record["hash"] == env.state_hash()
    assert steps[0].record["candidates"] == [{"command": steps[0].record["command"], "prob": 1.0}]


def test_tampered_or_malformed_episodes_name_the_line(tmp_path):
    path = tmp_path / "ep.jsonl"
    record_walkthrough(path, generate(2, 1))
    lines = path.read_text().splitlines()
    records = [json.loads(line) for line in lines]
    records[2]["hash"] = "0000000000000000"
    path.write_text(rechain(records))  # the chain holds: the replay itself finds the edit
    with pytest.raises(EpisodeError, match=r"line 3: state hash mismatch"):
        list(replay(read_episode(path)))
    path.write_text(lines[0] + "\n{not json\n")
    with pytest.raises(EpisodeError, match=r"line 2: not valid JSON"):
        read_episode(path)
    path.write_text('{"format": "other"}\n')
    with pytest.raises(EpisodeError, match=r"line 1: not a Lantern episode"):
        read_episode(path)
    with pytest.raises(EpisodeError, match="no such episode file"):
        read_episode(tmp_path / "missing.jsonl")


def test_play_text_is_scriptable_and_wins_a_solo_world(tmp_path):
    world = generate(2, 5)                                # no companion: no NPC turns in between
    solution = solve(world)
    result = run("play", "--text", "--difficulty", "2", "--world-seed", "5", "--seed", "3",
                 "--episodes", str(tmp_path), stdin="xyzzy\n" + "\n".join(solution.commands) + "\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "> xyzzy\nI don't know the word 'xyzzy'." in out
    assert "*** You have won ***" in out
    assert f"Score {solution.max_score} of {solution.max_score} · turn {len(solution)} / " in out  # xyzzy: no turn


def test_generate_solve_and_replay_text_from_the_cli(tmp_path):
    out = tmp_path / "w.toml"
    result = run("generate", "--difficulty", "3", "--seed", "42", "--out", str(out))
    assert result.returncode == 0 and out.exists(), result.stderr
    again = run("generate", "--difficulty", "3", "--seed", "42", "--out", str(out))
    assert again.returncode == 2 and "already exists" in again.stderr
    solved = run("solve", str(out), "--json")
    data = json.loads(solved.stdout)
    assert solved.returncode == 0 and data["solved"] and data["length"] == len(data["steps"])
    played = run("play", "--text", "--world", str(out), "--episodes", str(tmp_path / "eps"),
                 stdin="\n".join(s["command"] for s in data["steps"]))
    assert "*** You have won ***" in played.stdout
    guided = json.loads(run("solve", str(out), "--guide", "--json").stdout)
    assert guided["won"] and guided["optimal"] == data["length"] <= guided["length"] == len(guided["steps"])
    episode = tmp_path / "ep.jsonl"
    from game.loader import load_world
    record_walkthrough(episode, load_world(out))
    shown = run("replay", str(episode), "--text")
    assert shown.returncode == 0 and "every state hash matched" in shown.stdout


@pytest.mark.parametrize("args,message", [
    (("solve", "nope.toml"), "no such world file"),
    (("play", "--text", "--world", "missing.toml"), "no such world file"),
    (("generate", "--difficulty", "9"), "difficulty goes from 1 to"),
    (("generate", "--difficulty", "two"), "expected a whole number"),
    (("play", "--text", "--world", "assets/worlds/tutorial.toml", "--difficulty", "2"), "not both"),
    (("replay", "requirements.txt", "--text"), "not valid JSON"),
    (("bench", "warp"), "invalid choice"),
    (("solve", "assets"), "it is a folder"),
])
def test_bad_input_is_one_line_and_exit_code_2(args, message):
    result = run(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_solve_exits_1_when_unsolvable_within_the_limit(tmp_path):
    out = tmp_path / "w.toml"
    run("generate", "--difficulty", "5", "--seed", "1", "--out", str(out))
    result = run("solve", str(out), "--max-nodes", "2")
    assert result.returncode == 1 and result.stdout.startswith("unsolvable")


def test_bench_engine_prints_json():
    result = run("bench", "engine", "--seconds", "0.3")
    report = json.loads(result.stdout)
    assert result.returncode == 0 and report["steps_per_second"] > 0
    assert report["world_sizes"][0]["rooms"] == 10 and report["world_sizes"][0]["objects"] >= 18
