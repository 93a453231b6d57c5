"""Verbs that change nothing: standard replies, a world's own replies, scenery, and their loader checks."""

import copy
import tomllib
from pathlib import Path

import pytest

from game.env import LanternEnv
from game.errors import WorldFileError
from game.loader import world_from_dict
from game.reactions import REACTIONS

TUTORIAL = Path(__file__).resolve().parent.parent / "assets" / "worlds" / "tutorial.toml"
DATA = tomllib.loads(TUTORIAL.read_text(encoding="utf-8"))


def env_at(commands=()):
    env = LanternEnv(TUTORIAL)
    env.reset(seed=0)
    for command in commands:
        env.step(command)
    return env


@pytest.mark.parametrize("text, reply", [
    ("smell", "You smell nothing unexpected."),          # the porch has no smell of its own
    ("listen", "The porch boards creak, and the moths tick softly against the wall."),
    ("touch hook", "You feel nothing unexpected."),
    ("jump", "You jump on the spot, fruitlessly."),
    ("sleep", "You aren't feeling especially drowsy."),
    ("wake up", "The dreadful truth is, this is not a dream."),
    ("sing", "You hum a few bars. Nothing answers."),
    ("pray", "Nothing practical results from your prayer."),
    ("swim", "There's nowhere to swim here."),
    ("think", "You think hard, but no new idea comes."),
    ("push the hook", "The iron hook won't budge."),
    ("kick the hook", "Violence isn't the answer to this one."),
    ("cut the hook with the hook", "Cutting the iron hook with the iron hook would achieve little."),
    ("look under the hook", "You find nothing of interest under the iron hook."),
    ("climb the hook", "You can't climb the iron hook."),
    ("x moths", "Pale moths, waiting for a light to circle."),
    ("take the door", "The front door is fixed in place."),
    ("smell the moths", "You smell nothing unexpected."),
    ("search", "What do you want to search?"),
])
def test_standard_and_own_replies_on_the_porch(text, reply):
    env = env_at()
    before = env.world.state.copy()
    obs, reward, *_ = env.step(text)
    assert obs == reply and reward == 0
    assert env.world.state.parent == before.parent and env.world.state.flags == before.flags


def test_a_things_own_reply_and_a_rooms_own_smell():
    env = env_at(["n"])
    assert env.step("smell")[0] == "Woodsmoke and beeswax, and somewhere a hint of apples."
    assert env.step("sniff the lamp")[0] == "Paraffin, and a little hot brass."
    assert env.step("x rug")[0].startswith("A rug worn thin")
    assert env.step("use lamp")[0] == ("Say what to do with the brass lamp: for example 'turn on brass lamp' "
                                       "or 'take brass lamp' or 'examine brass lamp'.")
    assert env.step("light the lamp with the apple")[0].startswith("You need nothing to turn on the brass lamp")
    assert env.info()["inventory"] == [] and "smell" not in " ".join(env.admissible())


def test_scenery_is_only_where_its_room_is():
    env = env_at()
    assert env.step("x rug")[0] == "You can't see any such thing."


def test_every_reaction_has_a_canonical_text_the_env_reads_back():
    env = env_at()
    hook = env.world.entity("hook").index
    for verb, reaction in REACTIONS.items():
        text = env.table.text((verb, hook, None, None, ""))
        assert text.startswith(reaction.word)
        assert env.table.lookup(text) is not None


@pytest.mark.parametrize("change, message", [
    (lambda d: d["items"][0].update(smell=3), "items 'lamp': field 'smell' must be a str, got int 3"),
    (lambda d: d["items"][0].update(smell="  "), "items 'lamp': field 'smell' is empty"),
    (lambda d: d["rooms"][0].update(scenery="moths"), "rooms 'porch': field 'scenery' must be a list"),
    (lambda d: d["rooms"][0]["scenery"].append({"name": "x"}),
     "rooms 'porch': scenery[2]: missing required field 'description'"),
    (lambda d: d["rooms"][0]["scenery"].append({"name": "x", "description": "y", "colour": "red"}),
     "rooms 'porch': scenery[2]: unknown field 'colour'"),
    (lambda d: d["rooms"][0]["scenery"].append({"name": "!!", "description": "y"}),
     "rooms 'porch': scenery[2]: field 'name' must contain a word"),
    (lambda d: d["rooms"][0]["scenery"].append({"name": "x", "description": "y", "synonyms": ["two words"]}),
     "rooms 'porch': scenery[2]: field 'synonyms' must list single words"),
    (lambda d: d["rooms"][0].update(smel="x"), "rooms 'porch': unknown field 'smel' (did you mean 'smell'?)"),
])
def test_loader_names_each_mistake_in_one_line(change, message):
    data = copy.deepcopy(DATA)
    change(data)
    with pytest.raises(WorldFileError) as err:
        world_from_dict(data, "w.toml")
    text = str(err.value)
    assert text.startswith("w.toml: " + message.split(":")[0]) and message.split(": ", 1)[1] in text
    assert "\n" not in text
