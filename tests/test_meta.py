"""Words to the game: undo, oops, save/restore, restart, brief, walks; in text play and the window."""

import io
import json
from pathlib import Path

from hypothesis import given, settings, strategies as st

from game.env import LanternEnv
from game.meta import Meta
from game.play_text import play_text
from game.record import episode_text, read_episode, replay
from game.view.app import Viewer
from game.view.play import PlaySession
from tests.engine_helpers import play_checking_undo
from tests.view_helpers import ScriptedNPC, type_line, workshop_env

WORLDS = Path(__file__).resolve().parent.parent / "assets" / "worlds"
TUTORIAL = WORLDS / "tutorial.toml"


def text_play(lines: list[str], tmp_path: Path, world: Path = TUTORIAL) -> tuple[str, int]:
    out = io.StringIO()
    code = play_text(LanternEnv(world), 0, io.StringIO("\n".join(lines) + "\n"), out,
                     saves=tmp_path / "saves")
    return out.getvalue(), code


def reply_to(transcript: str, command: str, nth: int = 0) -> str:
    """The text shown after the nth '> command' line of a scripted transcript."""
    parts = transcript.split(f"\n> {command}\n")
    return parts[nth + 1].split("\n> ")[0]


def played_env(commands: list[str]) -> tuple[LanternEnv, Meta]:
    env = LanternEnv(TUTORIAL)
    env.reset(seed=0)
    meta = Meta(env, 0)
    for command in commands:
        meta.before_player(command)
        obs, reward, term, trunc, info = env.step(command)
        meta.after_step(meta.player, command, obs, reward, info, term or trunc)
    return env, meta


# -- undo ---------------------------------------------------------------------------------------

def test_undo_restores_the_exact_state_and_history():
    env, meta = played_env(["go north"])
    before = env.state_hash()
    for command in ["take apple", "take lamp"]:
        meta.before_player(command)
        env.step(command)
    reply = meta.handle("undo")
    assert reply.action == "rewound" and reply.text.startswith("[Undone: take lamp]")
    meta.handle("undo")
    assert env.state_hash() == before and env.info()["inventory"] == []
    assert meta.handle("undo").text.startswith("[Undone: go north]")
    assert meta.handle("undo").text == "There is nothing to undo."
    assert env.info()["location"] == "Porch"


def test_undo_takes_back_the_npc_moves_that_followed(tmp_path):
    session = PlaySession(workshop_env(tmp_path), ScriptedNPC(["go east", "take key"]), seed=3,
                          episodes=tmp_path / "episodes", threaded=False)
    viewer = Viewer(session)
    start = session.env.state_hash()
    type_line(viewer, "open front door")
    assert session.env.info("ada")["location"] == "Tool Shed"
    type_line(viewer, "undo")
    assert session.env.state_hash() == start
    assert session.env.info("ada")["location"] == "Courtyard"
    assert any(t.startswith("undo: [Undone: open front door]") for t in session.transcript.texts())
    type_line(viewer, "look")  # play goes on; the new episode file replays from the start
    session.close()
    files = list((tmp_path / "episodes").glob("*.jsonl"))
    runs = [[(s["actor"], s["command"]) for s in read_episode(f).steps] for f in files]
    assert sorted(runs) == [[("player", "look"), ("ada", "take key")],  # the script goes on
                            [("player", "open front door"), ("ada", "go east")]]
    for f in files:
        list(replay(read_episode(f)))  # both replay: every hash checked


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(["n", "s", "e", "w", "take all", "drop all", "take lamp", "turn on lamp",
                                 "put apple in basket", "eat apple", "xyzzy", "open note", "take basket",
                                 "go to the kitchen", "taste apple", "undo"]), max_size=12))
def test_every_undo_restores_the_exact_state_hash(commands):
    env = LanternEnv(TUTORIAL)
    env.reset(seed=0)
    play_checking_undo(env, commands)


# -- oops, again, restart, brief, score --------------------------------------------------------

def test_text_play_oops_again_restart_and_brief(tmp_path):
    out, code = text_play(["go north", "take appel", "oops apple", "i", "brief", "e", "w", "verbose",
                           "e", "score", "restart", "look", "oops lamp"], tmp_path)
    assert code == 0
    assert reply_to(out, "oops apple").startswith("You take the red apple.")
    assert "red apple" in reply_to(out, "i")
    assert "Copper pans" in reply_to(out, "e")              # first visit: in full, even when brief
    assert "low-beamed" not in reply_to(out, "w")           # brief: the parlour was seen
    assert "Copper pans" in reply_to(out, "e", 1)           # verbose again
    assert reply_to(out, "score").strip() == "Score 0 of 3 · turn 6 / 120."  # 'take appel' took no turn
    assert "Moths circle" in reply_to(out, "restart") and "Goal:" in reply_to(out, "restart")
    assert reply_to(out, "oops lamp").startswith("There was no unknown word")


def test_oops_with_nothing_unknown_says_so():
    env, meta = played_env(["take lamp"])
    assert meta.handle("oops lamp").text.startswith("There was no unknown word")


# -- save and restore -----------------------------------------------------------------------------

def test_text_play_save_and_restore_round_trip(tmp_path):
    out, _ = text_play(["go north", "take apple", "save first", "go east", "put apple in basket",
                        "restore first", "inventory", "undo", "undo", "inventory", "restore nothing",
                        "save ../evil"], tmp_path)
    saved = tmp_path / "saves" / "first.jsonl"
    assert "Saved to" in reply_to(out, "save first") and saved.is_file()
    assert "2 steps re-run, every state hash matched" in reply_to(out, "restore first")
    assert "red apple" in reply_to(out, "inventory")
    assert "carrying nothing" in reply_to(out, "inventory", 1)  # undo works across a restore
    assert "no saved game called 'nothing'" in reply_to(out, "restore nothing")
    assert "is not one" in reply_to(out, "save ../evil") and not (tmp_path / "evil.jsonl").exists()


def test_restore_checks_every_hash_and_changes_nothing_on_a_mismatch(tmp_path):
    env, meta = played_env(["go north", "take apple"])
    meta.saves = tmp_path
    assert "Saved" in meta.handle("save s1").text
    episode = read_episode(tmp_path / "s1.jsonl")  # a save of another engine: same chain, other hash
    episode.steps[1]["hash"] = "0" * len(episode.steps[1]["hash"])
    (tmp_path / "s1.jsonl").write_text(episode_text(episode.header, episode.steps))
    env.step("go east")
    before = env.state_hash()
    reply = meta.handle("restore s1")
    assert reply.text.startswith("The game was not restored:") and "state hash mismatch" in reply.text
    assert env.state_hash() == before and len(meta.history) == 2


def test_restore_refuses_a_game_of_another_world(tmp_path):
    env, meta = played_env(["go north"])
    meta.saves = tmp_path
    meta.handle("save s1")
    other = LanternEnv(WORLDS / "manor.toml")
    other.reset(seed=0)
    reply = Meta(other, 0, saves=tmp_path).handle("restore s1")
    assert "another world" in reply.text


def test_window_save_restore_round_trip(tmp_path):
    session = PlaySession(LanternEnv(TUTORIAL), ScriptedNPC([]), seed=0, saves=tmp_path / "saves",
                          episodes=tmp_path / "episodes", threaded=False)
    viewer = Viewer(session)
    for line in ["go north", "take lamp", "save here"]:
        type_line(viewer, line)
    saved = session.env.state_hash()
    for line in ["turn on lamp", "go south", "put lamp on hook", "restore here"]:
        type_line(viewer, line)
    assert session.env.state_hash() == saved
    assert session.info("player")["score"] == 0
    type_line(viewer, "restart")
    assert session.env.info()["location"] == "Porch" and session.env.steps == 0


# -- walking ---------------------------------------------------------------------------------------

def test_go_to_a_known_room_walks_step_by_step_and_go_back(tmp_path):
    out, _ = text_play(["n", "e", "w", "s", "go to the kitchen", "go back", "go to the attic"], tmp_path)
    walk = reply_to(out, "go to the kitchen")
    assert walk.index("-= Parlour =-") < walk.index("-= Kitchen =-")
    assert "-= Parlour =-" in reply_to(out, "go back")
    # each step of the walk was a turn: 4, then 2 to the kitchen, 1 back; the unknown attic took none
    assert "[Score 0 of 3 · You 7 · Ada 0 · turn 7 / 120.]" in out


def test_window_walk_lets_the_npc_act_between_steps(tmp_path):
    session = PlaySession(workshop_env(tmp_path), ScriptedNPC(["wait", "wait", "wait"]), seed=3,
                          threaded=False)
    viewer = Viewer(session)
    type_line(viewer, "go east")
    type_line(viewer, "go west")
    type_line(viewer, "open front door")
    type_line(viewer, "n")
    type_line(viewer, "go to the shed")
    for _ in range(3):
        viewer.update(1 / 60)
    texts = session.transcript.texts()
    assert session.env.info()["location"] == "Tool Shed"
    assert texts.index("You › go south") < texts.index("Ada › wait", texts.index("You › go south"))
