"""Replay mode: seek bar, step back and forward, play, jump to the end, take over."""

import json

import pygame
import pytest

from game.errors import LanternError
from game.record import EpisodeError, read_episode, replay
from game.view.app import Viewer
from game.view.play import PlaySession
from game.view.replay import ReplaySession
from tests.view_helpers import ScriptedNPC, key, type_line, workshop_env

SCRIPT = ["open front door", "go north", "go up", "go down", "go south"]


@pytest.fixture()
def episode(tmp_path):
    """A recorded play episode: the person walks around while Ada fetches the key."""
    env = workshop_env(tmp_path)
    session = PlaySession(env, ScriptedNPC(["go east", "take key", "go west", "wait", "wait"]), seed=5,
                          episodes=tmp_path / "recorded", threaded=False)
    viewer = Viewer(session)
    for line in SCRIPT:
        type_line(viewer, line)
    session.close()
    (path,) = (tmp_path / "recorded").glob("*.jsonl")
    return read_episode(path)


def replay_viewer(episode, tmp_path):
    return Viewer(ReplaySession(episode, lambda model, seed: ScriptedNPC(["wait"]),
                                episodes=tmp_path / "taken", threaded=False))


def test_seeking_restores_the_engine_state_of_that_step(episode, tmp_path):
    viewer = replay_viewer(episode, tmp_path)
    session = viewer.session
    assert session.cursor == 0 and session.length == 10
    for k in (7, 2, 10, 0, 4):
        session.seek(k)
        want = episode.steps[k - 1]["hash"] if k else session.frames[0].state.digest()
        assert session.env.state_hash() == want
        assert sum(e.kind == "command" for e in session.transcript.entries) == k
    session.seek(3)                                           # the last NPC step shown is step 2
    assert session.decision.command == "go east"
    session.seek(4)
    assert session.decision.command == "take key" and session.decision.value == 0.25


def test_seek_bar_click_and_drag_move_the_replay(episode, tmp_path):
    viewer = replay_viewer(episode, tmp_path)
    viewer.draw(None)
    track = viewer.seek_track
    knob_y = track.centery
    click = pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=(track.x + track.w // 2, knob_y))
    viewer.handle_event(click)
    assert viewer.session.cursor == 5
    viewer.handle_event(pygame.event.Event(pygame.MOUSEMOTION, pos=(track.right, knob_y), rel=(1, 0), buttons=(1, 0, 0)))
    assert viewer.session.cursor == 10
    viewer.handle_event(pygame.event.Event(pygame.MOUSEBUTTONUP, button=1, pos=(track.right, knob_y)))
    viewer.handle_event(pygame.event.Event(pygame.MOUSEMOTION, pos=(track.x, knob_y), rel=(1, 0), buttons=(0, 0, 0)))
    assert viewer.session.cursor == 10                        # released: moving does nothing
    viewer.draw(None)
    knob = (track.x + track.w, track.centery)
    assert viewer.screen.get_at(knob)[:3] != viewer.screen.get_at((track.x + 2, track.centery - 9))[:3]


def test_keys_step_jump_and_play(episode, tmp_path):
    viewer = replay_viewer(episode, tmp_path)
    session = viewer.session
    viewer.handle_event(key(pygame.K_RIGHT))
    viewer.handle_event(key(pygame.K_RIGHT))
    assert session.cursor == 2
    viewer.handle_event(key(pygame.K_LEFT))
    assert session.cursor == 1
    viewer.handle_event(key(pygame.K_END))
    assert session.cursor == 10
    viewer.handle_event(key(pygame.K_HOME))
    assert session.cursor == 0
    viewer.handle_event(key(pygame.K_SPACE))
    assert session.playing
    for _ in range(66):
        viewer.update(1 / 60)                                  # 2 steps a second by default
    assert session.cursor == 2
    viewer.handle_event(key(pygame.K_END))
    assert not session.playing
    viewer.handle_event(key(pygame.K_SPACE))                   # at the end, play starts over
    assert session.cursor == 0 and session.playing


def test_take_over_plays_on_from_the_restored_state(episode, tmp_path):
    viewer = replay_viewer(episode, tmp_path)
    viewer.session.seek(4)
    want = episode.steps[3]["hash"]
    viewer.handle_event(key(pygame.K_t))
    session = viewer.session
    assert isinstance(session, PlaySession) and session.env.state_hash() == want
    assert session.transcript.texts()[-1].startswith("You took over at step 4")
    type_line(viewer, "go up")
    assert session.env.info("player")["location"] == "Attic"
    assert "Ada › wait" in session.transcript.texts()
    session.close()
    (path,) = (tmp_path / "taken").glob("*.jsonl")
    taken = read_episode(path)
    assert taken.header["taken_over_at"] == 4
    assert [s["command"] for s in taken.steps[:4]] == [s["command"] for s in episode.steps[:4]]
    assert len(list(replay(taken))) == 6


def test_a_tampered_episode_is_refused_naming_the_line(episode, tmp_path):
    path = tmp_path / "bad.jsonl"
    lines = open(episode.source, encoding="utf-8").read().splitlines()
    step = json.loads(lines[3])
    step["hash"] = "0" * 16
    lines[3] = json.dumps(step)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(EpisodeError, match="line 4"):
        ReplaySession(read_episode(path), threaded=False)


def test_clicking_the_play_button_toggles_playing(episode, tmp_path):
    viewer = replay_viewer(episode, tmp_path)
    viewer.draw(None)
    button = (viewer.layout.seek.x + 20, viewer.layout.seek.centery)
    viewer.handle_event(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=button))
    assert viewer.session.playing
    viewer.handle_event(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=button))
    assert not viewer.session.playing


def test_take_over_makes_the_npc_as_the_episode_did_or_says_why_not(tmp_path):
    env = workshop_env(tmp_path)
    session = PlaySession(env, ScriptedNPC(["go east"]), seed=1, episodes=tmp_path / "rec", threaded=False,
                          meta={"model_arg": "runs/ppo/latest"})
    type_line(Viewer(session), "open front door")
    session.close()
    (path,) = (tmp_path / "rec").glob("*.jsonl")
    asked = []

    def broken(model, seed):
        asked.append((model, seed))
        raise LanternError(f"{model}: no model there")

    viewer = Viewer(ReplaySession(read_episode(path), broken, episodes=None, threaded=False))
    viewer.handle_event(key(pygame.K_END))
    viewer.handle_event(key(pygame.K_t))
    assert asked == [("runs/ppo/latest", 1)]
    assert isinstance(viewer.session, PlaySession)
    assert viewer.session.npc.name == "random" and "no model there" in viewer.session.notice
