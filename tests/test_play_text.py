"""Playing in the terminal (play --text) and the first run of main.py: scripted stdin, subprocesses."""

import io
import json
import subprocess
import sys

import pytest

import main
from game.env import LanternEnv
from game.generator import generate
from game.play_text import OVER, play_text
from game.record import read_episode, replay
from tests.conftest import ROOT, WORLDS
from tests.view_helpers import ScriptedNPC

# Wren's commands, one a turn; Ada (the scripted NPC) answers each with hers.
WREN = ["look", "wait", "go north", "give letter to ada", "go east", "go up", "go up",
        "unlock lens cage with lens key", "open lens cage", "turn on great lamp", "go out"]
ADA = ["go east", "open sea gate", "wait", "wait", "go east", "go up", "go up", "wait", "wait", "wait",
       "close gallery door"]


def lighthouse() -> LanternEnv:
    return LanternEnv(WORLDS / "lighthouse.toml")


def play(lines, npc=None, env=None, tmp_path=None, width=80, tty=False):
    """Run play_text on typed lines; returns (exit code, output, episode files)."""
    stdin = io.StringIO("".join(line + "\n" for line in lines))
    stdin.isatty = lambda: tty
    out = io.StringIO()
    episodes = tmp_path / "episodes" if tmp_path is not None else None
    code = play_text(env or lighthouse(), 0, stdin, out, npc=npc, episodes=episodes, width=width)
    files = sorted(episodes.glob("*.jsonl")) if episodes is not None and episodes.exists() else []
    return code, out.getvalue(), files


def test_the_lighthouse_is_won_in_the_terminal_with_adas_help(tmp_path):
    code, out, files = play(WREN, ScriptedNPC(ADA), tmp_path=tmp_path)
    assert code == 0
    # each of Ada's moves on its own line, then what it did, told to Wren in the third person
    assert "\n> look\n-= Landing Stage =-" in out
    assert "\nAda > go east\nAda goes east to the Lighthouse Yard.\n" in out
    assert "Ada > open sea gate\nAda opens the sea gate in the Lighthouse Yard.\n" \
           "[Your score has gone up by 1 point: 1 of 6.]" in out
    assert "> give letter to ada\nYou give the letter to Ada.\n" in out
    assert "Ada > go up\nAda arrives.\n" in out
    # a status line after every turn until the end
    # counted as the window counts: each actor's commands and the shared turn out of the limit
    assert "[Landing Stage | score 0 of 6 | Wren 1 · Ada 1 · turn 2 / 50]" in out
    assert out.count("\n[Landing Stage |") + out.count("\n[Lighthouse Yard |") >= 4
    assert "*** You have won ***\nScore 6 of 6 · Wren 11 · Ada 11 · turn 22 / 50." in out and out.rstrip().endswith(OVER)
    (path,) = files
    assert f"The episode is saved in {path}." in " ".join(out.split())
    steps = list(replay(read_episode(path)))                 # the file replays, every hash checked
    assert len(steps) == 22 and steps[-1].info["won"] and steps[-1].done
    ada = [s.record for s in steps if s.record["actor"] == "ada"]
    assert all(r["candidates"][0]["command"] == r["command"] for r in ada)
    assert read_episode(path).header["mode"] == "play" and read_episode(path).header["model"] == "scripted"


def test_without_ada_the_lighthouse_cannot_be_won(tmp_path):
    code, out, _ = play(WREN, ScriptedNPC(["wait"] * 20), tmp_path=tmp_path)
    assert "You have won" not in out and "The sea gate is closed." in out
    (path,) = (tmp_path / "episodes").glob("*.jsonl")
    # what Wren cannot see up there is a parser error: answered, and no turn taken
    assert "> open lens cage\nYou can't see any lens cage here.\n\n> turn on great lamp" in out
    assert " ".join(out.split()).endswith(f"[Score 0 of 6 · Wren 7 · Ada 7 · turn 14 / 50. The episode is saved "
                                          f"in {path}.]") and code == 0


def test_after_the_end_it_says_what_to_do_and_restart_plays_again(tmp_path):
    code, out, files = play(WREN + ["look", "score", "restart", "look", "quit", "look"], ScriptedNPC(ADA),
                            tmp_path=tmp_path)
    ending = out.index("*** You have won ***")
    assert out[ending:].count(OVER) == 2                    # after the win, and for 'look' after it
    assert "\n> score\nScore 6 of 6 · turn 22 / 50." in out
    restarted = out.index("> restart")
    assert "The Light at Skerry Point\n=========================" in out[restarted:]
    assert out.count("\n> look") == 3                       # the line after 'quit' is never read
    assert len(files) == 2 and code == 0                    # the second episode (one turn) is kept too
    assert sorted(len(read_episode(f).steps) for f in files) == [2, 22]


def test_a_line_not_understood_takes_no_turn_and_oops_mends_it(tmp_path):
    code, out, files = play(["xyzzy", "take the moon", "go norht", "oops north"], ScriptedNPC(["wait"]), tmp_path=tmp_path)
    assert "> xyzzy\nI don't know the word 'xyzzy'.\n\n> take the moon" in out   # no Ada, no status line
    assert "> go norht\nI don't know the word 'norht'. Did you mean 'north'?\n\n> oops north\nThe sea gate" in out
    assert out.count("Ada > ") == 1 and "Wren 1 · Ada 1 · turn 2 / 50" in out
    (path,) = files
    assert [s.record["command"] for s in replay(read_episode(path))] == ["go north", "wait"]


def test_running_out_of_time_ends_the_episode_and_says_so(tmp_path):
    env = LanternEnv(WORLDS / "lighthouse.toml", max_steps=3)
    code, out, _ = play(["look", "look", "look"], ScriptedNPC([]), env=env, tmp_path=tmp_path)
    assert "*** Out of time: the episode ends after 3 steps ***" in out
    assert out.count("Ada > ") == 1 and out.rstrip().endswith(OVER) and code == 0


def test_lines_are_wrapped_to_the_terminal_width(monkeypatch):
    code, out, _ = play(["look", "help"], ScriptedNPC([]), width=40)
    assert max(len(line) for line in out.splitlines()) < 40
    monkeypatch.setenv("COLUMNS", "60")
    _, wide, _ = play(["look"], ScriptedNPC([]), width=None)
    lines = wide.splitlines()
    assert max(len(line) for line in lines) < 60 and max(len(line) for line in lines) > 50


def test_help_speaks_of_the_terminal_ada_and_the_episodes(tmp_path):
    _, out, _ = play(["help"], ScriptedNPC([]), tmp_path=tmp_path, width=200)
    text = out[out.index("> help"):]
    assert "in the terminal" in text and "window" not in text
    assert "'restart'" in text and "Ada is played by the NPC" in text and "(shown as 'Ada > ...')" in text
    assert f"saved in {tmp_path / 'episodes'}/" in text
    assert "\nAda > " not in text and "Score 0 of 6 · Wren 0 · Ada 0 · turn 0 / 50" in text  # help is not a turn


def test_at_a_terminal_it_prompts_instead_of_echoing(tmp_path):
    _, out, _ = play(["look"], ScriptedNPC([]), tty=True)
    assert "\n> -= Landing Stage =-" in out and "\n> look" not in out


def test_a_solo_world_plays_alone_without_status_names(tmp_path):
    env = LanternEnv(generate(1, 0))
    code, out, _ = play(["look"], None, env=env, tmp_path=tmp_path)
    assert "Ada" not in out and f"| turn 1 / {env.max_steps}]" in out and "You 1" not in out


# -- main.py: the default world, the NPC's loading line, the first run without a display --------

def test_play_text_opens_the_lighthouse_and_loads_the_npc_for_ada(tmp_path, monkeypatch, capsys):
    loaded = []
    monkeypatch.setattr(main, "make_npc", lambda model, seed: loaded.append(model) or ScriptedNPC(ADA))
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(WREN) + "\n"))
    assert main.main(["play", "--text", "--episodes", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("The Light at Skerry Point") and "*** You have won ***" in out
    assert loaded == [None] and err.splitlines() == [
        "Loading the NPC that plays Ada (assets/models/npc) ..."]
    assert len(list(tmp_path.glob("*.jsonl"))) == 1
    monkeypatch.setattr(sys, "stdin", io.StringIO("look\n"))
    assert main.main(["play", "--text", "--difficulty", "1", "--episodes", str(tmp_path)]) == 0
    assert loaded == [None] and capsys.readouterr().err == ""  # nobody to play: no model loaded


def test_play_and_watch_default_to_a_world_where_the_npc_has_a_part():
    from game.cli import world_from_args
    for name in ("play", "watch"):
        args = main.build_parser().parse_args([name])
        world = world_from_args(args)
        assert world.title == "The Light at Skerry Point" and len(world.actors) == 2, name


def cli(*args, env_extra=None, code=None):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(ROOT), "PYTHONPATH": str(ROOT), **(env_extra or {})}
    command = [sys.executable, *(["-c", code] if code else [str(ROOT / "main.py")]), *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, env=env,
                          stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("argv", [[], ["play"], ["watch"], ["replay", "runs/episodes/none.jsonl"]],
                         ids=["no-args", "play", "watch", "replay"])
def test_without_a_display_it_says_so_in_one_line_before_loading_anything(argv):
    result = cli(*argv)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("error: no display:") and len(result.stderr.splitlines()) == 1
    assert "python main.py play --text" in result.stderr


def test_the_display_check_comes_before_torch_pygame_and_the_model():
    probe = ("import sys, main\n"
             "code = main.main([])\n"
             "print(code, sorted(m for m in ('torch', 'pygame', 'transformers', 'agent.npc') if m in sys.modules))")
    result = cli(code=probe)
    assert result.stdout.split("\n")[0] == "2 []", result


def test_the_dummy_driver_opens_no_window_but_takes_screenshots(tmp_path):
    result = cli("watch", env_extra={"SDL_VIDEODRIVER": "dummy"})
    assert result.returncode == 2 and "draws nowhere: add --screenshot PNG" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_play_help_names_the_default_world_the_keys_and_where_episodes_go():
    text = " ".join(cli("play", "--help").stdout.split())
    assert "assets/worlds/lighthouse.toml" in text and "you are Wren and the NPC plays Ada" in text
    assert "F1 lists the keys" in text and "Esc quits" in text and "--text" in text
    assert "runs/episodes/" in text and "--episodes DIR" in text
    watch = " ".join(cli("watch", "--help").stdout.split())
    assert "assets/worlds/lighthouse.toml" in watch and "Space pauses" in watch
    top = " ".join(cli("--help").stdout.split())
    assert "lighthouse" in top


def test_a_folder_that_cannot_take_episodes_is_refused_first(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = cli("play", "--text", "--episodes", str(blocker))
    assert result.returncode == 2 and "--episodes" in result.stderr and "is a file" in result.stderr
    assert json.dumps(result.stdout) == '""'


def test_an_undo_takes_back_the_turns_it_took_back(tmp_path):
    _, out, _ = play(["look", "look", "undo", "look"], ScriptedNPC([]), tmp_path=tmp_path)
    counts = [line.split(" | ")[-1] for line in out.splitlines() if line.startswith("[Landing Stage |")]
    assert counts == ["Wren 1 · Ada 1 · turn 2 / 50]", "Wren 2 · Ada 2 · turn 4 / 50]",
                      "Wren 2 · Ada 2 · turn 4 / 50]"]   # not 'Wren 3 · Ada 3 · turn 4'
