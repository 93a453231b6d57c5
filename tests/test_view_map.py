"""Map layout (north up, no overlaps, up/down placed) and the map drawn in the window."""

from pathlib import Path

import pygame

from game.env import LanternEnv
from game.loader import load_world
from game.view import theme
from game.view.app import Viewer
from game.view.maplayout import layout_rooms
from game.view.play import PlaySession
from tests.view_helpers import ScriptedNPC, count_colour, type_line, workshop_env
from tests.worlds import corridor, new_world, player, room, write_world

ROOT = Path(__file__).resolve().parent.parent

CROWDED = new_world("Crowded", [
    room("hub", exits={"north": "n", "east": "e", "up": "loft", "in": "cupboard"}),
    room("n", "North", {"south": "hub", "east": "x"}),
    room("e", "East", {"west": "hub", "north": "y"}),
    room("x", "X", {"west": "n"}),
    room("y", "Y", {"south": "e"}),
    room("loft", exits={"down": "hub"}),
    room("cupboard", exits={"out": "hub"}),
], actors=[player("hub")])


def cells_by_id(world):
    layout = layout_rooms(world)
    return {world.entities[r].id: c for r, c in layout.cells.items()}, layout


def test_tutorial_is_laid_out_north_up():
    world = load_world(ROOT / "assets" / "worlds" / "tutorial.toml")
    cells, layout = cells_by_id(world)
    assert cells["porch"] == (0, 0)
    assert cells["parlour"] == (0, -1)   # north of the porch: one row up
    assert cells["kitchen"] == (1, -1)   # east of the parlour
    assert len(layout.links) == 2        # each passage once, not once per side


def test_colliding_rooms_get_distinct_cells_and_up_in_are_placed(tmp_path):
    cells, layout = cells_by_id(load_world(write_world(tmp_path / "crowded.toml", CROWDED)))
    assert len(set(cells.values())) == len(cells) == 7
    assert cells["x"] == (1, -1)                      # first come, first placed
    assert cells["y"][0] == cells["e"][0] and cells["y"][1] < cells["e"][1]  # still north of East
    assert cells["loft"] != cells["hub"] and cells["cupboard"] != cells["hub"]
    up = [ln for ln in layout.links if ln.direction == "up"]
    assert len(up) == 1 and not up[0].compass


def room_pixels(viewer):
    viewer.draw(None)
    rect = viewer.layout.map
    return sum(count_colour(viewer.screen, rect, c) for c in (theme.ROOM_FILL, theme.ROOM_HERE, theme.ROOM_DARK))


def test_map_grows_when_a_room_is_discovered(tmp_path):
    env = workshop_env(tmp_path)
    viewer = Viewer(PlaySession(env, ScriptedNPC([]), threaded=False))
    before, rooms_before = room_pixels(viewer), set(viewer.session.discovered)
    assert len(rooms_before) == 1
    type_line(viewer, "go east")
    after = room_pixels(viewer)
    assert len(viewer.session.discovered) == 2
    assert after > before * 1.5


def test_locked_and_closed_doors_are_drawn_in_their_colours(tmp_path):
    env = workshop_env(tmp_path)
    viewer = Viewer(PlaySession(env, ScriptedNPC([]), threaded=False))
    viewer.draw(None)
    map_rect = viewer.layout.map.inflate(0, -60)  # leave out the legend
    assert count_colour(viewer.screen, map_rect, theme.CLOSED) > 50   # the front door, closed
    for line in ("open front door", "go north"):
        type_line(viewer, line)
    viewer.draw(None)
    assert count_colour(viewer.screen, map_rect, theme.ROSE) > 50     # the oak door, locked
    assert count_colour(viewer.screen, map_rect, theme.GREEN) > 20    # the front door, now open
    assert count_colour(viewer.screen, map_rect, theme.CLOSED) == 0


def test_camera_glides_smoothly_then_settles(tmp_path):
    env = workshop_env(tmp_path)
    viewer = Viewer(PlaySession(env, ScriptedNPC([]), threaded=False))
    viewer.draw(None)
    start = viewer.map.camera
    type_line(viewer, "go east")
    viewer.draw(1 / 60)
    mid = viewer.map.camera
    for _ in range(240):
        viewer.draw(1 / 60)
    end = viewer.map.camera
    assert start[0] < mid[0] < end[0]                      # moving towards the new room ...
    assert abs(end[0] - 0.5) < 1e-3                        # ... and centred between both rooms
    assert pygame.display.get_surface() is viewer.screen


def test_a_map_too_big_to_fit_follows_the_focus_without_empty_margins(tmp_path):
    env = LanternEnv(load_world(write_world(tmp_path / "corridor.toml", corridor(14))))
    viewer = Viewer(PlaySession(env, ScriptedNPC([]), threaded=False))
    for _ in range(13):
        type_line(viewer, "north")
    viewer.draw(None)
    session, world = viewer.session, env.world
    assert len(session.discovered) == 14
    map_rect = viewer.layout.map
    here = viewer.map.room_rect(map_rect, world.state.parent[world.player])
    assert map_rect.contains(here)                            # the room we stand in is in view
    first = viewer.map.room_rect(map_rect, world.entity("r0").index)
    assert not map_rect.colliderect(first)                    # the far end is out of view ...
    top = viewer.map.room_rect(map_rect, world.entity("r13").index)
    assert top.top - map_rect.top < 80                        # ... and no empty space above the top room


def test_hovering_a_room_shows_its_full_description(tmp_path):
    env = workshop_env(tmp_path)
    viewer = Viewer(PlaySession(env, ScriptedNPC([]), threaded=False))
    viewer.draw(None)
    yard = env.world.entity("yard").index
    centre = viewer.map.room_rect(viewer.map_rect, yard).center
    assert viewer.map.room_at(viewer.map_rect, centre, viewer.session.discovered) == yard
    assert viewer.map.room_at(viewer.map_rect, (5, 5), viewer.session.discovered) is None
    below = pygame.Rect(centre[0] + 20, centre[1] + 20, 120, 60)
    plain = count_colour(viewer.screen, below, theme.PANEL_RAISED)
    viewer.handle_event(pygame.event.Event(pygame.MOUSEMOTION, pos=centre, rel=(0, 0), buttons=(0, 0, 0)))
    viewer.draw(None)
    assert count_colour(viewer.screen, below, theme.PANEL_RAISED) > plain + 1000
