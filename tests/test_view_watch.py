"""Watch mode: the NPC plays at a set speed; pause, single-step, speed, next episode."""

import pygame

from game.env import LanternEnv
from game.generator import generate
from game.npc import RandomNPC
from game.record import read_episode
from game.view.app import Viewer
from game.view.watch import NEXT_EPISODE_AFTER, SPEEDS, WatchSession
from tests.view_helpers import ScriptedNPC, key, workshop_env


class TurnLog:
    """An NPC that notes whose turn each of its commands was for."""

    def __init__(self, npc) -> None:
        self.npc, self.name, self.actors = npc, npc.name, []

    def act(self, env, actor):
        self.actors.append(actor)
        return self.npc.act(env, actor)


class WalkthroughNPC:
    """Issues a walkthrough's (actor, command) steps in order, waiting on another actor's turn."""

    name = "walkthrough"

    def __init__(self, steps) -> None:
        self.steps = list(steps)

    def act(self, env, actor):
        from game.npc import Decision
        if self.steps and self.steps[0][0] == actor:
            return Decision(self.steps.pop(0)[1])
        return Decision("wait")


def watch_viewer(tmp_path, npc=None, env=None):
    env = env or workshop_env(tmp_path)
    session = WatchSession(env, npc or ScriptedNPC(["go east", "take key", "go west"]), seed=0,
                           episodes=tmp_path / "episodes", threaded=False)
    return Viewer(session)


def frames(viewer, seconds, fps=60):
    for _ in range(round(seconds * fps)):
        viewer.update(1 / fps)


def test_npc_plays_the_whole_team_in_turn_at_the_set_speed(tmp_path):
    # the player and Ada share the quest: the NPC plays both, the player first, as eval and training do
    npc = TurnLog(ScriptedNPC(["go east", "go east", "take key", "wait"]))
    viewer = watch_viewer(tmp_path, npc)
    session = viewer.session
    assert session.focus == "ada" and session.rate == 4.0 and session.team == ["player", "ada"]
    frames(viewer, 1.0)
    assert 3 <= session.env.steps <= 4
    assert npc.actors[:3] == ["player", "ada", "player"]
    assert session.env.info("player")["inventory"] == ["brass key"]  # the player's goal, met by the NPC
    assert session.env.info("ada")["location"] == session.env.info("player")["location"]
    viewer.draw(None)


def test_watch_can_win_the_lighthouse_with_both_keepers():
    from game.loader import load_world
    from game.solver import solve
    world = load_world("assets/worlds/lighthouse.toml")
    walkthrough = solve(world)
    session = WatchSession(LanternEnv(world), WalkthroughNPC(walkthrough.steps), seed=0, threaded=False)
    assert session.focus == "ada" and session.team == ["player", "ada"]
    session.play_turns(2 * len(walkthrough.steps))
    assert session.over is not None and "won" in session.over.text  # Ada alone could never win it


def test_pause_single_step_and_speed(tmp_path):
    viewer = watch_viewer(tmp_path)
    session = viewer.session
    viewer.handle_event(key(pygame.K_SPACE))
    frames(viewer, 1.0)
    assert session.paused and session.env.steps == 0
    viewer.handle_event(key(pygame.K_RIGHT))
    viewer.update(0)
    assert session.env.steps == 1
    viewer.handle_event(key(pygame.K_PLUS))
    viewer.handle_event(key(pygame.K_PLUS))
    assert session.rate == SPEEDS[SPEEDS.index(4.0) + 2]
    for _ in range(20):
        viewer.handle_event(key(pygame.K_MINUS))
    assert session.rate == SPEEDS[0]
    viewer.handle_event(key(pygame.K_SPACE))
    frames(viewer, 2.1)
    assert session.env.steps == 2                             # half a step per second


def test_next_episode_by_key_and_after_an_ending(tmp_path):
    env = LanternEnv(generate(3, 0), max_steps=3)             # no win in 3 steps
    viewer = watch_viewer(tmp_path, RandomNPC(0), env)
    session = viewer.session
    assert session.focus == "player"                          # solo world: the NPC drives the player
    viewer.handle_event(key(pygame.K_n))
    assert session.seed == 1 and session.episode == 2
    frames(viewer, 1.0)
    assert session.over is not None and "Out of time" in session.over.text
    viewer.draw(None)
    frames(viewer, NEXT_EPISODE_AFTER + 0.1)
    assert session.seed == 2 and session.over is None and session.env.steps <= 1
    (finished,) = (tmp_path / "episodes").glob("*.jsonl")  # the empty first episode was not kept
    assert len(read_episode(finished).steps) == 3


class BrokenNPC:
    name = "broken"

    def act(self, env, actor):
        raise RuntimeError("out of memory")


def test_a_failing_npc_is_reported_once_and_stops(tmp_path):
    viewer = watch_viewer(tmp_path, BrokenNPC())
    frames(viewer, 2.0)
    session = viewer.session
    notes = [t for t in session.transcript.texts() if "failed" in t]
    assert len(notes) == 1 and "out of memory" in notes[0]
    assert session.env.steps == 0 and not session.thinking
    viewer.draw(None)
