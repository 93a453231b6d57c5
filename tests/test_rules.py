"""Rules: each verb's preconditions have their own reply, and a refusal changes nothing."""

import pytest

from game.env import LanternEnv
from game.loader import world_from_dict

HOUSE = {
    "world": {"title": "House", "max_steps": 100},
    "rooms": [
        {"id": "hall", "name": "Hall", "description": "A hall.",
         "exits": {"north": {"to": "study", "door": "oak_door"}, "east": "den"}},
        {"id": "study", "name": "Study", "description": "A study.",
         "exits": {"south": {"to": "hall", "door": "oak_door"}}},
        {"id": "den", "name": "Den", "description": "A den.", "exits": {"west": "hall"}},
    ],
    "doors": [{"id": "oak_door", "name": "oak door", "synonyms": ["door"], "state": "locked",
               "key": "brass_key"}],
    "items": [
        {"id": "brass_key", "name": "brass key", "synonyms": ["key"], "location": "box"},
        {"id": "iron_key", "name": "iron key", "synonyms": ["key"], "location": "hall"},
        {"id": "box", "name": "wooden box", "synonyms": ["box"], "location": "hall", "portable": False,
         "container": {"state": "closed", "capacity": 2}},
        {"id": "table", "name": "oak table", "synonyms": ["table"], "location": "hall",
         "portable": False, "supporter": {"capacity": 1}},
        {"id": "apple", "name": "red apple", "synonyms": ["apple"], "location": "hall", "food": True},
        {"id": "stone", "name": "grey stone", "synonyms": ["stone"], "location": "hall"},
        {"id": "lamp", "name": "brass lamp", "synonyms": ["lamp"], "location": "hall", "light": "off"},
        {"id": "statue", "name": "marble statue", "synonyms": ["statue"], "location": "hall",
         "portable": False},
    ],
    "actors": [{"id": "player", "name": "you", "location": "hall"}],
    "quests": [{"goals": [{"type": "at", "actor": "player", "room": "study"}]}],
}


@pytest.fixture
def env():
    e = LanternEnv(world_from_dict(HOUSE, "house"))
    e.reset(seed=0)
    return e


REFUSALS = [
    ([], "go north", "The oak door is locked."),
    ([], "go west", "You can't go that way."),
    ([], "take statue", "The marble statue is fixed in place."),
    ([], "take brass key", "You can't see any brass key here."),
    ([], "open oak door", "The oak door is locked."),
    ([], "drop apple", "You aren't carrying the red apple."),
    (["take apple"], "take apple", "You already have the red apple."),
    (["take apple"], "put apple in box", "The wooden box is closed."),
    (["take apple"], "put apple on box", "You can't put things on the wooden box."),
    (["take apple", "take stone", "put stone on table"], "put apple on table",
     "There is no room on the oak table."),
    (["take stone"], "eat stone", "The grey stone is not something you can eat."),
    (["take iron key"], "unlock door with iron key", "The iron key doesn't fit the oak door."),
    ([], "unlock door with iron key", "You aren't carrying the iron key."),
    ([], "turn off lamp", "The brass lamp is already off."),
    ([], "turn on statue", "You can't switch the marble statue on."),
    ([], "close box", "The wooden box is already closed."),
    (["open box"], "open box", "The wooden box is already open."),
    ([], "read stone", "There is nothing written on the grey stone."),
    (["take apple"], "give apple to statue", "You can't give things to the marble statue."),
    (["open box", "take brass key"], "lock door with brass key", "The oak door is already locked."),
]


@pytest.mark.parametrize("setup,command,reply", REFUSALS)
def test_refusals_have_their_own_reply_and_change_nothing(env, setup, command, reply):
    for line in setup:
        env.step(line)
    before = env.state_hash()
    obs, reward, *_ = env.step(command)
    assert obs == reply
    assert env.state_hash() == before and reward == 0


def test_effects_of_a_full_sequence(env):
    lines = ["open the box", "take the brass key from the box", "unlock the door", "open door",
             "take apple", "eat it", "take lamp", "turn lamp on", "north"]
    replies = [env.step(line)[0] for line in lines]
    assert replies[0] == "You open the wooden box. Inside you see a brass key."
    assert replies[1] == "You take the brass key from the wooden box."
    assert replies[2] == "(with the brass key)\nYou unlock the oak door with the brass key."
    assert replies[5] == "You eat the red apple. Delicious."
    assert replies[7] == "You switch the brass lamp on."
    assert replies[8].startswith("-= Study =-")
    assert env.info()["won"]


def test_lock_needs_a_closed_door_and_the_key(env):
    for line in ("open box", "take brass key", "unlock door with brass key", "open door"):
        env.step(line)
    assert env.step("lock door with brass key")[0] == "You have to close the oak door first."
    env.step("close door")
    assert env.step("lock door with brass key")[0] == "You lock the oak door with the brass key."
    assert env.step("go north")[0] == "The oak door is locked."


def test_capacity_and_nesting(env):
    for line in ("open box", "take brass key", "take apple", "take stone", "put apple in box"):
        env.step(line)
    assert env.step("put stone in box")[0] == "You put the grey stone in the wooden box."
    assert env.step("put brass key in box")[0] == "There is no room in the wooden box."
    assert "In the wooden box are a red apple and a grey stone." in env.step("look")[0]


def test_tasting_is_a_sense_that_eats_nothing(env):
    before = env.state_hash()
    obs, reward, *_ = env.step("taste the apple")
    assert obs == "You take a cautious taste of the red apple. It tastes much as it looks; you leave the rest uneaten."
    assert env.step("lick the stone")[0] == "You taste nothing unexpected."
    apple = env.world.entity("apple").index
    assert env.world.state.parent[apple] == env.world.entity("hall").index and reward == 0
    assert env.world.state.key() == env.world.initial_state.key() and env.state_hash() != before  # moves only
    assert env.step("eat the apple")[0] == "You eat the red apple. Delicious."


def test_tasting_the_manor_mushroom_does_not_poison_you():
    from game.loader import load_world
    from game.solver import solve
    from tests.conftest import WORLDS
    world = load_world(WORLDS / "manor.toml")
    env = LanternEnv(world)
    env.reset(seed=0)
    walk = solve(world).commands
    for command in walk[:walk.index("go down", 20) + 1]:   # into the cellar, lantern lit
        env.step(command)
    obs, reward, terminated, _, info = env.step("taste the mushroom")
    assert obs.startswith("You take a cautious taste of the pale mushroom.")
    assert (reward, terminated, info["lost"]) == (0, False, False)
    assert world.state.parent[world.entity("mushroom").index] >= 0   # still there, uneaten
