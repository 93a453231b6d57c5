"""Nothing clipped or overprinted: every bundled world, at 1280x800 and 1024x700, in play, watch and replay."""

import argparse
import string

import pygame
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.cli import window_size
from game.env import LanternEnv
from game.generator import generate
from game.loader import load_world
from game.npc import Decision, RandomNPC
from game.record import read_episode
from game.view import panels, widgets
from game.view.app import Viewer
from game.view.mapview import fit_name, name_area
from game.view.play import PlaySession
from game.view.replay import ReplaySession
from game.view.watch import WatchSession
from tests.view_helpers import ROOT_WORLDS, ScriptedNPC, key, type_line, typed, workshop_env

WORLDS = ("tutorial", "manor", "lighthouse")
SIZES = ((1280, 800), (1024, 700))
MODES = ("play", "watch", "replay")

LONG_NOTES = ["Here: lens cage, a brass bell and a mooring bollard by the steps",
              "Elsewhere: Watch Room (down): log desk, logbook; Gallery (out): foghorn; Foot of the Tower "
              "(down): oil tank; Lighthouse Yard (down): coal bunker; Landing Stage (down): bollard",
              "Wanted: letter unseen; great lamp unseen; Wren unseen to Gallery unseen"]


def busy_decision() -> Decision:
    """Eight candidates and three long journal notes: more than the mind panel can always show."""
    options = [f"put the brass key number {i} in the glass dome" for i in range(8)]
    return Decision(options[5], [(c, p) for c, p in zip(options, (0.3, 0.2, 0.15, 0.1, 0.1, 0.05, 0.05, 0.05))],
                    value=0.5, notes=LONG_NOTES)


def session_for(mode: str, world: str, tmp_path):
    """A session of ``mode`` in a bundled world, 12 random steps in, with every room discovered."""
    env = LanternEnv(load_world(ROOT_WORLDS / f"{world}.toml"))
    if mode == "watch":
        session = WatchSession(env, RandomNPC(1), threaded=False)
        session.autoplay(12, session.focus)
    else:
        session = PlaySession(env, RandomNPC(1), episodes=tmp_path / "eps", threaded=False)
        session.autoplay(12, session.npc_actor or session.player)
        if mode == "replay":
            session.close()
            (path,) = (tmp_path / "eps").glob("*.jsonl")
            session = ReplaySession(read_episode(path), threaded=False)
            session.seek(session.length)
    session.discovered = set(env.world.rooms)
    session.decision = busy_decision() if session.npc_actor else session.decision
    return session


@pytest.fixture(params=[(m, w, s) for m in MODES for w in WORLDS for s in SIZES],
                ids=lambda p: f"{p[0]}-{p[1]}-{p[2][0]}x{p[2][1]}")
def viewer(request, tmp_path):
    mode, world, size = request.param
    pygame.display.set_mode(size)
    view = Viewer(session_for(mode, world, tmp_path), size)
    view.draw(None)
    return view


def inner_of(fonts, rect: pygame.Rect) -> pygame.Rect:
    """The inner rect of a titled card (as ``widgets.card`` computes it)."""
    chrome = widgets.card_chrome(fonts)
    return pygame.Rect(rect.x + 14, rect.bottom - 12 - (rect.h - chrome), rect.w - 28, rect.h - chrome)


def test_panels_lie_inside_the_window_and_never_overlap(viewer):
    lay = viewer.layout
    window = pygame.Rect((0, 0), viewer.screen.get_size())
    rects = [r for r in (lay.room, lay.transcript, lay.input, lay.map, lay.goals, lay.inventory, lay.npc, lay.seek,
                         lay.footer) if r.w]
    for i, rect in enumerate(rects):
        assert window.contains(rect)
        assert all(not rect.colliderect(other) for other in rects[i + 1:]), (rect, rects)


def test_every_goal_is_shown_whole_with_its_box(viewer):
    session, fonts = viewer.session, viewer.fonts
    goals = panels.goals_of(session)
    inner = inner_of(fonts, viewer.layout.goals)
    font, placed, hidden = panels.fit_goals(fonts, goals, inner)
    assert hidden == 0 and [i for i, _, _ in placed] == list(range(len(goals)))
    for i, lines, y in placed:
        assert " ".join(lines) == goals[i][0]                          # the whole text, no ellipsis
        assert inner.y <= y and y + len(lines) * font.get_linesize() <= inner.bottom
        assert all(font.size(line)[0] <= inner.w - panels.TICK for line in lines)


def test_every_actor_has_its_name_and_a_line_in_the_inventory(viewer):
    session, fonts = viewer.session, viewer.fonts
    inner = inner_of(fonts, viewer.layout.inventory)
    line_h = fonts.small.get_linesize()
    actors = len(session.env.actor_ids)       # the drawing's rows: name, one line, a gap between actors
    assert actors * (2 * line_h + 2) + (actors - 1) * 6 <= inner.h, (actors, inner)


def test_the_mind_panel_rows_stay_above_the_value_row(viewer):
    session, fonts = viewer.session, viewer.fonts
    if session.npc_actor is None:
        pytest.skip("no NPC in this world: the panel lists commands instead")
    inner = inner_of(fonts, viewer.layout.npc)
    value_top = inner.bottom - panels.VALUE_H
    journal = panels.journal_rows(fonts, inner, inner.y, session.decision.notes)
    assert journal and all(fonts.fine.size(row)[0] <= inner.w for row in journal)
    top = inner.y + len(journal) * fonts.fine.get_linesize() + 4
    area = pygame.Rect(inner.x, top, inner.w, value_top - top)
    rows = panels.candidate_rows(session.decision, area)
    assert len(rows) >= 2 and session.decision.command in [c for _, c, _ in rows]
    for i, (rect, _, _) in enumerate(rows):
        assert inner.contains(rect) and rect.bottom <= value_top
        assert all(not rect.colliderect(other) for other, _, _ in rows[i + 1:])


def test_every_room_fits_in_the_map_with_its_whole_name(viewer):
    world = viewer.session.env.world
    for room in world.rooms:
        box = viewer.map.room_rect(viewer.map_rect, room)
        assert viewer.map_rect.contains(box), world.name(room)
        font, lines = fit_name(viewer.fonts, world.name(room), box)
        assert " ".join(lines) == world.name(room)                   # not cut while there is room
        area = name_area(box)
        assert len(lines) * font.get_linesize() <= max(area.h, font.get_linesize())
        assert all(font.size(line)[0] <= area.w for line in lines)


def test_up_down_labels_are_the_door_markers_not_on_them(tmp_path):
    """A door on an up/down/in/out link is one pill with the word in the door's colours."""
    env = LanternEnv(load_world(ROOT_WORLDS / "lighthouse.toml"))
    viewer = Viewer(PlaySession(env, RandomNPC(0), threaded=False))
    viewer.session.discovered = set(env.world.rooms)
    viewer.draw(None)
    from game.view.mapview import door_size
    out = next(ln for ln in viewer.map.layout.links if ln.direction == "out")
    assert out.door is not None and door_size(viewer.fonts, "out")[0] > door_size(viewer.fonts, None)[0]
    a = viewer.map.room_rect(viewer.map_rect, out.a)
    b = viewer.map.room_rect(viewer.map_rect, out.b)
    pill = pygame.Rect((0, 0), door_size(viewer.fonts, "out"))
    pill.center = ((a.centerx + b.centerx) // 2, (a.centery + b.centery) // 2)
    assert not pill.colliderect(a) and not pill.colliderect(b)       # the gap between the rooms holds it


def test_journal_lines_end_at_a_word():
    pygame.font.init()
    from game.view.theme import Fonts
    font = Fonts().fine
    words = {w.rstrip(",;:") for w in " ".join(LONG_NOTES).split()}
    for note in LONG_NOTES:
        for width in (180, 260, 400):
            lines = widgets.clamp_lines(font, note, width, 2)
            assert len(lines) <= 2 and all(font.size(line)[0] <= width for line in lines)
            for line in lines:
                assert all(w.rstrip("…").rstrip(",;:") in words or w == "…" for w in line.split()), line


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(string.ascii_letters + ",;", min_size=1, max_size=12), min_size=1, max_size=30),
       st.integers(80, 300), st.integers(1, 4))
def test_clamp_lines_never_cuts_a_word_that_fits_a_line(words, width, max_lines):
    pygame.font.init()
    from game.view.theme import Fonts
    font = Fonts().fine
    content = " ".join(words)
    lines = widgets.clamp_lines(font, content, width, max_lines)
    assert 1 <= len(lines) <= max_lines and all(font.size(line)[0] <= width for line in lines)
    if all(font.size(w + "…")[0] <= width for w in words):
        shown = " ".join(lines).replace("…", " ").split()
        assert all(w in words or w.rstrip(",;:") in [x.rstrip(",;:") for x in words] for w in shown)


def test_a_long_goal_list_scrolls_and_says_how_many_are_hidden():
    pygame.font.init()
    from game.view.theme import Fonts
    fonts = Fonts()
    goals = [(f"Goal number {i}: bring the brass key to the room at the top of the tower.", i < 3)
             for i in range(20)]
    inner = pygame.Rect(0, 0, 220, 120)
    font, placed, hidden = panels.fit_goals(fonts, goals, inner)
    assert font is fonts.fine and placed and hidden == 20 - len(placed)
    assert placed[-1][2] + len(placed[-1][1]) * font.get_linesize() + font.get_linesize() <= inner.bottom
    _, later, _ = panels.fit_goals(fonts, goals, inner, scroll=5)
    assert later[0][0] == 5


def test_taking_over_a_replay_with_t_types_nothing(tmp_path):
    session = PlaySession(workshop_env(tmp_path), ScriptedNPC(["go east"]), episodes=tmp_path / "eps",
                          threaded=False)
    type_line(Viewer(session), "open front door")
    session.close()
    (path,) = (tmp_path / "eps").glob("*.jsonl")
    viewer = Viewer(ReplaySession(read_episode(path), lambda model, seed: RandomNPC(seed), threaded=False))
    viewer.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_t, mod=0, unicode="t", scancode=0))
    viewer.handle_event(typed("t"))                                # SDL's text event for the same key
    assert isinstance(viewer.session, PlaySession) and viewer.input.text == ""
    viewer.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_t, mod=0, unicode="t", scancode=0))
    viewer.handle_event(typed("t"))                                # a real 't' after that is typed
    assert viewer.input.text == "t"


def test_the_timer_npc_waits_while_the_player_types(tmp_path):
    from game.view.play import NPC_PERIOD
    viewer = Viewer(PlaySession(workshop_env(tmp_path), ScriptedNPC(["go east"] * 9), threaded=False))
    viewer.handle_event(key(pygame.K_F2))
    viewer.handle_event(typed("op"))
    for _ in range(20):
        viewer.update(NPC_PERIOD)                                  # a minute of composing a line
    assert viewer.session.env.steps == 0
    viewer.handle_event(key(pygame.K_BACKSPACE))
    viewer.handle_event(key(pygame.K_BACKSPACE))
    viewer.update(NPC_PERIOD * 0.9)
    assert viewer.session.env.steps == 0                           # keys restart the wait ...
    viewer.update(NPC_PERIOD * 0.2)
    viewer.update(0.01)                                            # its answer is applied on the next frame
    assert viewer.session.env.steps == 1                           # ... then the NPC acts


def test_one_turn_count_in_the_top_bar_and_the_ending(tmp_path):
    env = LanternEnv(load_world(ROOT_WORLDS / "lighthouse.toml"), max_steps=4)
    viewer = Viewer(PlaySession(env, ScriptedNPC(["look", "look"]), threaded=False))
    type_line(viewer, "look")
    assert viewer.session.turn_text() == "Wren 1 · Ada 1 · turn 2 / 4"
    type_line(viewer, "look")
    assert viewer.session.over.text.endswith("Wren 2, Ada 2, turn 4 / 4")
    solo = PlaySession(LanternEnv(generate(1, 0)), RandomNPC(0), threaded=False)
    solo.step(solo.player, "look")
    assert solo.turn_text() == f"turn 1 / {solo.env.max_steps}"


def test_quitting_says_where_the_episode_was_saved(tmp_path, capsys):
    session = PlaySession(workshop_env(tmp_path), ScriptedNPC([]), episodes=tmp_path / "eps", threaded=False)
    viewer = Viewer(session)
    type_line(viewer, "go east")
    pygame.event.clear()
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0, unicode="\x1b", scancode=0))
    assert viewer.run() == 0
    (path,) = (tmp_path / "eps").glob("*.jsonl")
    assert f"episode saved to {path}" in capsys.readouterr().out


@pytest.mark.parametrize("text, size", [("1024x700", (1024, 700)), ("1280X800", (1280, 800))])
def test_window_size_flag(text, size):
    assert window_size(text) == size


@pytest.mark.parametrize("text", ["big", "800x600", "1024x", "-5x700"])
def test_window_size_flag_refuses_bad_sizes(text):
    with pytest.raises(argparse.ArgumentTypeError):
        window_size(text)
