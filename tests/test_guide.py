"""The guide: the solver's plan where the actor could know it, else its journal's nearest
unexplored exit."""

from __future__ import annotations

import pytest

from game.env import LanternEnv
from game.generator import generate
from game.guide import explore_command, guided_step, guided_walkthrough, optimal_alternatives
from game.loader import world_from_dict
from game.solver import solve
from tests.worlds import door as make_door, goal_in, item, new_world, player, quest, room


def crossroads(coin: str, door: str = "locked", key: str = "closet", dark: bool = False) -> LanternEnv:
    """Three open ways from the hall (dark if ``dark``) and a door east (``door``: its state) to
    the closet; the brass key in room ``key``, the coin in ``coin``, to be put on the hall's table."""
    data = new_world("Crossroads", [
        room("hall", exits={"north": "garden", "south": "shed", "east": {"to": "closet", "door": "pine_door"}},
             **({"dark": True} if dark else {})),
        room("garden", exits={"south": "hall"}),
        room("shed", exits={"north": "hall"}),
        room("closet", exits={"west": {"to": "hall", "door": "pine_door"}}),
    ], doors=[make_door("pine_door", "pine door", door, key="brass_key")],
        items=[item("brass_key", "brass key", key),
               item("table", "oak table", "hall", portable=False, supporter={}),
               item("coin", "silver coin", coin)],
        actors=[player("hall")],
        quests=[quest("coin", ["player"], [goal_in("coin", "table", "Put the silver coin on the oak table.")])],
        max_steps=40)
    env = LanternEnv(world_from_dict(data, "crossroads"))
    env.reset(seed=0)
    return env


def test_the_guide_explores_the_same_way_whatever_it_has_not_seen():
    # The solver walks straight to the coin; the guide cannot know where it is, so it tries
    # the first unexplored exit in both worlds and turns back when the coin is not there.
    for coin, walk in (("garden", ["go north", "take silver coin", "go south", "put silver coin on oak table"]),
                       ("shed", ["go north", "go south", "go south", "take silver coin", "go north",
                                 "put silver coin on oak table"])):
        env = crossroads(coin)
        assert solve(env.world).commands[0] == ("go north" if coin == "garden" else "go south")
        steps, rewards = guided_walkthrough(env)
        assert [c for _, c in steps] == walk
        assert env.info()["won"] and sum(rewards) == 1


def test_the_guide_follows_the_plan_through_rooms_it_knows():
    env = crossroads("shed")
    for command in ("go south", "go north"):  # the shed was seen (coin and all), then left
        env.step(command)
    plan = list(solve(env.world, from_current=True).steps)
    assert guided_step(env, plan) == plan[0] == ("player", "go south")


def test_exploring_opens_a_closed_door_and_leaves_a_locked_one():
    env = crossroads("closet", door="closed")
    for command in ("go north", "go south", "go south", "go north"):
        env.step(command)
    assert explore_command(env, env.world.player) == "open pine door"
    locked = crossroads("garden", door="locked", key="garden")
    for command in ("go north", "go south", "go south", "go north"):
        locked.step(command)
    assert explore_command(locked, locked.world.player) is None  # nothing new it can reach
    # From a room with no unexplored exit, the first step towards the nearest one.
    env = crossroads("garden", door="open")
    env.step("go north")
    assert explore_command(env, env.world.player) == "go south"


def test_a_closed_door_in_the_dark_waits_for_light():
    env = crossroads("closet", door="closed", dark=True)
    for command in ("go north", "go south", "go south", "go north"):
        env.step(command)
    assert explore_command(env, env.world.player) is None  # nothing it can see to open
    world = generate(4, 53)  # the guide met this dark room's closed door before its lamp
    env = LanternEnv(world)
    env.reset(seed=0)
    steps, _ = guided_walkthrough(env)
    assert env.info()["won"] and len(steps) <= 1.5 * len(solve(world))


@pytest.mark.parametrize("difficulty", [1, 2, 3])
def test_the_guide_wins_generated_worlds_close_to_the_optimum(difficulty):
    moves = optimal = 0
    for seed in range(12):
        world = generate(difficulty, seed)
        env = LanternEnv(world)
        env.reset(seed=0)
        steps, rewards = guided_walkthrough(env)
        assert env.info()["won"], (difficulty, seed)
        assert sum(rewards) == env.info()["max_score"]
        moves += len(steps)
        optimal += len(solve(world))
    assert optimal <= moves <= 1.5 * optimal


def test_ties_are_the_other_commands_that_start_an_optimal_walkthrough():
    env = LanternEnv("assets/worlds/tutorial.toml")
    env.reset(seed=0)
    env.step("go north")  # the lamp and the apple are both here: the solver lights the lamp first
    before = env.state_hash()
    candidates = env.info()["admissible_commands"]
    assert solve(env.world, from_current=True).commands[0] == "turn on brass lamp"
    # eating the apple loses a goal; walking is the guide's call, never a tie
    assert optimal_alternatives(env, "player", "take brass lamp", candidates) == ["take red apple",
                                                                                  "turn on brass lamp"]
    assert env.state_hash() == before and env.steps == 1


NOTE = {
    "rooms": [{"id": "hall", "name": "Hall", "description": "A bare hall.", "exits": {"north": "study"}},
              {"id": "study", "name": "Study", "description": "Books.", "exits": {"south": "hall"}}],
    "items": [{"id": "note", "name": "folded note", "location": "hall",
               "text": "Leave the green gem on the oak desk, and nothing else."},
              {"id": "gem", "name": "green gem", "location": "study"},
              {"id": "ruby", "name": "red gem", "location": "study"},
              {"id": "desk", "name": "oak desk", "location": "study", "portable": False, "supporter": {}}],
    "actors": [{"id": "player", "name": "you", "location": "hall"}],
    "quests": [{"description": "Do what the note asks.",
                "goals": [{"type": "in", "item": "gem", "place": "desk", "text": "Do what the note asks."}]}],
}


def test_where_reading_is_offered_the_guide_reads_the_note_that_holds_the_goal_and_wins():
    world = world_from_dict(NOTE, "note")
    env = LanternEnv(world, read_commands=True)
    obs, info = env.reset(seed=0)
    assert "gem" not in info["goal"] and "read folded note" in info["admissible_commands"]
    steps, rewards = guided_walkthrough(env)
    assert steps[0] == ("player", "read folded note") and sum(rewards) == 1 and env.info()["won"]
    assert [c for _, c in steps[1:]] == [c for _, c in solve(world).steps]  # then the plan, unchanged
    env = LanternEnv(world)  # not offered: no read, as before
    env.reset(seed=0)
    assert "read folded note" not in env.info()["admissible_commands"]
    assert [c for _, c in guided_walkthrough(env)[0]] == [c for _, c in solve(world).steps]


def test_a_text_once_read_is_offered_no_more_to_that_reader_and_a_snapshot_brings_it_back():
    env = LanternEnv(world_from_dict(NOTE, "note"), read_commands=True)
    env.reset(seed=0)
    before = env.snapshot()
    *_, info = env.step("read folded note")
    assert "Leave the green gem" in env.observation()
    assert "read folded note" not in info["admissible_commands"] and "read folded note" not in env.admissible()
    assert "take folded note" in info["admissible_commands"]  # the rest is as before
    assert "Leave the green gem" in env.step("read folded note")[0]  # typed, it still reads
    env.restore(before)
    assert "read folded note" in env.admissible()
    people = LanternEnv(world_from_dict(NOTE, "note"), include_info_commands=True)  # a person's list keeps it
    people.reset(seed=0)
    people.step("read folded note")
    assert "read folded note" in people.admissible()
