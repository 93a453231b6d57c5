"""Entry points main.py calls: screenshots under the dummy driver, no-display message, resize."""

import argparse

import pygame
import pytest

from game.env import LanternEnv
from game.errors import LanternError
from game.loader import load_world
from game.npc import RandomNPC
from game.record import read_episode
from game.view import display
from game.view.app import Viewer, run_play_window, run_replay_window, run_watch_window
from game.view.layout import MIN_SIZE
from game.view.play import PlaySession
from tests.view_helpers import ROOT_WORLDS, ScriptedNPC, type_line, workshop_env


def args(**kw):
    base = dict(world=None, difficulty=None, world_seed=0, model=None, seed=0, max_steps=None,
                screenshot=None, after=0, text=False, actor=None)
    return argparse.Namespace(**{**base, **kw})


def tutorial():
    return LanternEnv(load_world(ROOT_WORLDS / "tutorial.toml"))


def test_play_screenshot_after_steps(tmp_path, capsys):
    shot = tmp_path / "play.png"
    assert run_play_window(tutorial(), args(screenshot=str(shot), after=3), RandomNPC(0)) == 0
    image = pygame.image.load(str(shot))
    assert image.get_size() == (1280, 800)
    assert "saved" in capsys.readouterr().out


def test_watch_and_replay_screenshots(tmp_path):
    env = workshop_env(tmp_path)
    assert run_watch_window(env, args(screenshot=str(tmp_path / "w.png"), after=4), RandomNPC(1)) == 0
    assert env.steps == 4
    session = PlaySession(workshop_env(tmp_path), ScriptedNPC(["go east"]), episodes=tmp_path / "eps",
                          threaded=False)
    viewer = Viewer(session)
    type_line(viewer, "open front door")
    session.close()
    (path,) = (tmp_path / "eps").glob("*.jsonl")
    shot = tmp_path / "r.png"
    assert run_replay_window(read_episode(path), args(file=str(path), screenshot=str(shot), after=1),
                             lambda model, seed: RandomNPC(seed)) == 0
    assert shot.stat().st_size > 10_000


def test_screenshot_into_a_missing_folder_is_one_clear_error(tmp_path):
    with pytest.raises(LanternError, match="no such folder"):
        run_play_window(tutorial(), args(screenshot=str(tmp_path / "nope" / "a.png")), RandomNPC(0))


def test_screenshot_to_a_device_or_a_full_disk_is_one_line_and_leaves_no_png(tmp_path, monkeypatch):
    """/dev/full once printed "saved"; a full disk left a 0-byte PNG under the final name."""
    import errno
    import os
    import stat
    if os.path.exists("/dev/full") and stat.S_ISCHR(os.stat("/dev/full").st_mode):
        with pytest.raises(LanternError, match="^--screenshot /dev/full: is not a regular file"):
            run_play_window(tutorial(), args(screenshot="/dev/full"), RandomNPC(0))
        assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
    shot = tmp_path / "a.png"
    real = os.fsync

    def full(fd):
        if os.fstat(fd).st_size > 1000:  # the PNG, not the write probe
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd)
    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(LanternError) as exc:
        run_play_window(tutorial(), args(screenshot=str(shot), after=2), RandomNPC(0))
    assert str(exc.value) == f"cannot write {shot}: the disk is full"
    assert list(tmp_path.iterdir()) == []


def test_unknown_actor_is_one_clear_error():
    with pytest.raises(LanternError, match="no actor 'bob'"):
        run_play_window(tutorial(), args(screenshot="x.png", actor="bob"), RandomNPC(0))


def test_no_display_says_what_to_do(monkeypatch):
    for name in ("SDL_VIDEODRIVER", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(display.sys, "platform", "linux")
    with pytest.raises(LanternError) as err:
        run_play_window(tutorial(), args(), RandomNPC(0))
    message = str(err.value)
    assert "\n" not in message and "--text" in message and "SDL_VIDEODRIVER=dummy" in message


def test_the_dummy_driver_is_for_screenshots_only(monkeypatch, tmp_path):
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    with pytest.raises(LanternError, match="draws nowhere: add --screenshot PNG"):
        run_watch_window(tutorial(), args(), RandomNPC(0))
    display.check_display(screenshot=True)  # allowed: nothing needs to be seen
    monkeypatch.setenv("SDL_VIDEODRIVER", "x11")
    monkeypatch.delenv("DISPLAY", raising=False)
    display.check_display()  # a driver the user chose is trusted


def test_resize_relayouts_and_never_goes_below_the_minimum(tmp_path):
    viewer = Viewer(PlaySession(workshop_env(tmp_path), ScriptedNPC([]), threaded=False))
    for size in ((1600, 1000), (400, 300)):
        pygame.display.set_mode(size, pygame.RESIZABLE)
        viewer.handle_event(pygame.event.Event(pygame.VIDEORESIZE, size=size, w=size[0], h=size[1]))
        viewer.draw(None)
    assert viewer.layout.size == MIN_SIZE
    viewer.handle_event(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=2, flipped=False))
    assert viewer.session.transcript.scroll == 6


def test_idle_window_does_not_repaint_but_any_change_does(tmp_path):
    viewer = Viewer(PlaySession(workshop_env(tmp_path), ScriptedNPC(["go east"]), threaded=False))
    first = viewer.signature()
    viewer.update(0.1)
    assert viewer.signature() == first                        # nothing happened: no repaint needed
    type_line(viewer, "open front door")
    assert viewer.signature() != first


def test_closing_the_window_says_where_the_episode_went(tmp_path, capsys):
    session = PlaySession(workshop_env(tmp_path), ScriptedNPC([]), episodes=tmp_path / "eps", threaded=False)
    viewer = Viewer(session)
    type_line(viewer, "look")
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0, unicode="", scancode=0))
    assert viewer.run() == 0
    (path,) = (tmp_path / "eps").glob("*.jsonl")
    assert capsys.readouterr().out == f"episode saved to {path} (python main.py replay {path})\n"
