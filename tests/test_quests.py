"""Scoring: a goal's points are held only while it holds; a quest is won when all its goals
hold at the same moment; the solver stays optimal under that rule."""

import io
import pytest
from hypothesis import given
from hypothesis import strategies as st

from game import quests
from game.env import LanternEnv
from game.loader import load_world, world_from_dict
from game.play_text import play_text
from game.solver import Unsolvable, solve
from tests.conftest import WORLDS
from tests.engine_helpers import bfs_optimum

HALL_YARD_SHED = [
    {"id": "hall", "name": "Hall", "description": "A hall.", "exits": {"east": "yard"}},
    {"id": "yard", "name": "Yard", "description": "A yard.", "exits": {"west": "hall", "east": "shed"}},
    {"id": "shed", "name": "Shed", "description": "A shed.", "exits": {"west": "yard"}},
]
PLAYER = [{"id": "player", "name": "you", "location": "hall"}]


def small_world(items, goals, rooms=HALL_YARD_SHED, actors=PLAYER, doors=(), quest_actors=None):
    quest = {"id": "q", "goals": goals}
    if quest_actors:
        quest["actors"] = quest_actors
    return world_from_dict({"world": {"title": "Small", "max_steps": 60}, "rooms": rooms,
                            "doors": list(doors), "items": items, "actors": actors,
                            "quests": [quest]}, "small")


# End where you stand: the player must still be in the yard when the coin is home.
STAND_IN_YARD = dict(
    items=[{"id": "coin", "name": "gold coin", "location": "shed"}],
    goals=[{"type": "in", "item": "coin", "place": "hall"}, {"type": "at", "actor": "player", "room": "yard"}])

# Leave it locked at the end: the door must be passed, then shut and locked behind.
LOCKED_BEHIND = dict(
    rooms=[{"id": "hall", "name": "Hall", "description": "A hall.", "exits": {"north": {"to": "vault", "door": "grille"}}},
           {"id": "vault", "name": "Vault", "description": "A vault.", "exits": {"south": {"to": "hall", "door": "grille"}}}],
    doors=[{"id": "grille", "name": "iron grille", "state": "open", "key": "key"}],
    items=[{"id": "key", "name": "iron key", "location": "hall"},
           {"id": "coin", "name": "gold coin", "location": "vault"}],
    goals=[{"type": "locked", "thing": "grille"}, {"type": "in", "item": "coin", "place": "hall"}])

# The key goes home last: it is needed to open the way to the coin first.
KEY_HOME_LAST = dict(
    rooms=[{"id": "hall", "name": "Hall", "description": "A hall.", "exits": {"north": {"to": "vault", "door": "grille"}}},
           {"id": "vault", "name": "Vault", "description": "A vault.", "exits": {"south": {"to": "hall", "door": "grille"}}}],
    doors=[{"id": "grille", "name": "iron grille", "state": "locked", "key": "key"}],
    items=[{"id": "key", "name": "iron key", "location": "hall"},
           {"id": "box", "name": "wooden box", "location": "hall", "portable": False, "container": {"state": "open"}},
           {"id": "coin", "name": "gold coin", "location": "vault"}],
    goals=[{"type": "in", "item": "key", "place": "box"}, {"type": "in", "item": "coin", "place": "hall"}])

# Two actors: Ada must end in the yard holding the lit lamp, Wren in the hall.
TWO_ACTORS = dict(
    rooms=HALL_YARD_SHED[:2] + [{**HALL_YARD_SHED[2], "exits": {"west": "yard"}}],
    actors=[{"id": "wren", "name": "Wren", "location": "yard"}, {"id": "ada", "name": "Ada", "location": "hall"}],
    items=[{"id": "lamp", "name": "brass lamp", "location": "shed", "light": "off"}],
    goals=[{"type": "in", "item": "lamp", "place": "ada"}, {"type": "lit", "item": "lamp"},
           {"type": "at", "actor": "ada", "room": "yard"}, {"type": "at", "actor": "wren", "room": "hall"}],
    quest_actors=["wren", "ada"])

SMALL_WORLDS = {"stand_in_yard": STAND_IN_YARD, "locked_behind": LOCKED_BEHIND,
                "key_home_last": KEY_HOME_LAST, "two_actors": TWO_ACTORS}


def play(env, commands, actor=None):
    return [env.step(c, actor=actor) for c in commands]


# -- undoing a goal takes its points back ---------------------------------------------------

def test_undoing_a_goal_takes_its_points_back_and_the_reward_is_negative():
    env = LanternEnv(WORLDS / "tutorial.toml")
    env.reset(seed=0)
    play(env, ["go north", "take apple", "go east"])
    _, reward, _, _, info = env.step("put apple in basket")
    assert (reward, info["score"]) == (1, 1)
    assert "Put the red apple in the wicker basket." not in info["pending_goals"]
    _, reward, terminated, _, info = env.step("take apple")
    assert (reward, info["score"], terminated, info["won"]) == (-1, 0, False, False)
    assert "Put the red apple in the wicker basket." in info["pending_goals"]
    assert "red apple" in env.journals[env.world.player].wanted(env.world, env.world.player)
    assert env.step("put apple in basket")[1] == 1            # earned again, once per time it holds


def test_the_quest_is_won_only_when_all_goals_hold_at_the_same_moment():
    env = LanternEnv(WORLDS / "tutorial.toml")
    env.reset(seed=0)
    play(env, ["go north", "take lamp", "turn on lamp", "take apple", "go east", "put apple in basket",
               "take apple", "go west", "go south"])
    _, reward, terminated, _, info = env.step("put lamp on hook")
    assert (reward, info["score"], terminated, info["won"]) == (1, 2, False, False)   # lit, hung; apple out
    play(env, ["go north", "go east"])
    _, reward, terminated, _, info = env.step("put apple in basket")
    assert (reward, info["score"], terminated, info["won"]) == (1, 3, True, True)


def test_contradictory_goals_can_no_longer_be_won_one_after_the_other():
    world = small_world([{"id": "chest", "name": "oak chest", "location": "hall", "portable": False,
                          "container": {"state": "closed"}},
                         {"id": "box", "name": "tin box", "location": "hall", "portable": False,
                          "container": {"state": "open", "capacity": 1}},
                         {"id": "a", "name": "red bead", "location": "hall"},
                         {"id": "b", "name": "blue bead", "location": "hall"}],
                        [{"type": "in", "item": "a", "place": "box"}, {"type": "in", "item": "b", "place": "box"}])
    with pytest.raises(Unsolvable) as caught:          # a box for one holds one bead at a time
        solve(world)
    assert caught.value.exhausted


def test_an_eaten_goal_stays_held():
    world = load_world(WORLDS / "manor.toml")
    env = LanternEnv(world)
    env.reset(seed=0)
    for command in solve(world).commands[:29]:             # up to 'eat seed cake'
        _, reward, _, _, info = env.step(command)
    assert command == "eat seed cake" and reward == 1
    assert "Eat a slice of Mrs Pell's seed cake." not in info["pending_goals"]
    _, reward, _, _, info = env.step("close glass dome")
    assert reward == 0 and "Eat a slice of Mrs Pell's seed cake." not in info["pending_goals"]


def test_text_play_says_when_the_score_goes_down():
    out = io.StringIO()
    play_text(LanternEnv(WORLDS / "tutorial.toml"), 0,
              io.StringIO("go north\ntake apple\ngo east\nput apple in basket\ntake apple\n"), out)
    text = out.getvalue()
    assert "[Your score has gone up by 1 point: 1 of 3.]" in text
    assert text.index("[Your score has gone down by 1 point: 0 of 3.]") > text.index("gone up")
    assert "You have won" not in text


# -- the solver under the rule --------------------------------------------------------------

@pytest.mark.parametrize("name, length", [("stand_in_yard", 7), ("locked_behind", 7), ("key_home_last", 8),
                                          ("two_actors", 6)])
def test_solver_is_optimal_against_bfs_with_undoable_goals(name, length):
    world = small_world(**SMALL_WORLDS[name])
    solution = solve(world)
    assert len(solution) == bfs_optimum(world) == length
    env = LanternEnv(world)
    env.reset(seed=0)
    for actor, command in solution.steps:
        _, _, terminated, _, info = env.step(command, actor=actor)
    assert terminated and info["won"] and info["score"] == info["max_score"]


def test_solver_from_a_state_with_a_goal_undone_plans_to_make_it_hold_again():
    world = load_world(WORLDS / "tutorial.toml")
    env = LanternEnv(world)
    env.reset(seed=0)
    play(env, ["go north", "take apple", "go east", "put apple in basket", "take apple"])
    rest = solve(world, actors=["player"], from_current=True).commands
    assert "put red apple in wicker basket" in rest
    for command in rest:
        _, _, terminated, _, info = env.step(command)
    assert terminated and info["won"]


@pytest.mark.parametrize("name", ["tutorial", "manor", "lighthouse"])
def test_bundled_worlds_keep_their_optimal_lengths(name):
    assert len(solve(load_world(WORLDS / f"{name}.toml"))) == {"tutorial": 8, "manor": 35, "lighthouse": 15}[name]


# -- the invariant, for any play -------------------------------------------------------------

PROPERTY_WORLDS = {
    "tutorial": lambda: load_world(WORLDS / "tutorial.toml"),
    "manor": lambda: load_world(WORLDS / "manor.toml"),
    "two_actors": lambda: small_world(**TWO_ACTORS),
    "locked_behind": lambda: small_world(**LOCKED_BEHIND),
}
_ENVS = {name: LanternEnv(make(), include_info_commands=False) for name, make in PROPERTY_WORLDS.items()}


@given(name=st.sampled_from(sorted(PROPERTY_WORLDS)),
       picks=st.lists(st.tuples(st.integers(0, 1), st.integers(0, 10_000)), max_size=40))
def test_score_is_always_the_points_of_the_goals_holding_now(name, picks):
    env = _ENVS[name]
    world = env.world
    _, info = env.reset(seed=0)
    actors = sorted({a for q in world.quests for a in q.actors})
    for who, pick in picks:
        actor = actors[who % len(actors)]
        commands = env.admissible(actor)
        if not commands:
            break
        before = env.info(actor)["score"]
        _, reward, terminated, _, info = env.step(commands[pick % len(commands)], actor=actor)
        holding = [(g, g.met(world)) for qi in quests.quests_of(world, actor) for g in world.quests[qi].goals]
        assert info["score"] == sum(g.points for g, held in holding if held)
        assert reward == info["score"] - before
        assert info["pending_goals"] == [quests.describe_goal(world, g) for g, held in holding if not held]
        assert info["won"] == (all(held for _, held in holding) and not info["lost"])
        if terminated:
            break
