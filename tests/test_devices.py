"""Push-buttons and levers, dials, clothes and enterables: the world format, the rules, the
parser, the admissible commands, the solver and the guide."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings, strategies as st

from game.admissible import enumerate_commands
from game.env import LanternEnv
from game.errors import WorldFileError
from game.guide import guided_game
from game.loader import load_world, world_from_dict
from game.solver import solve
from tests.conftest import WORLDS
from tests.engine_helpers import (
    bfs_optimum, every_command, play_checking_undo, random_walk_states, step_checking_refusal,
    succeeding_commands,
)
from tests.worlds import door, item, new_world, player, room

# One of each kind of device: a button, a lever, a dial, clothes and an enterable.
DATA = new_world("Workshop", [
    room("yard", description="A cobbled yard. A gate leads north.", exits={"north": {"to": "shed", "door": "gate"}}),
    room("shed", description="A dusty shed.", exits={"south": {"to": "yard", "door": "gate"}}),
], doors=[door("gate", "iron gate", "closed", synonyms=["gate"])],
    items=[item("button", "red button", "yard", synonyms=["button"], portable=False,
                switch={"effect": "open", "target": "gate"}),
           item("lever", "wooden lever", "shed", synonyms=["lever"], portable=False,
                switch={"effect": "toggle", "target": "safe", "verb": "pull"}),
           item("safe", "steel safe", "shed", synonyms=["safe"], portable=False,
                container={"state": "closed", "openable": False}),
           item("radio", "radio", "shed", portable=False, dial={"values": ["1", "2", "3", "off"], "value": "off"}),
           item("coat", "oilskin coat", "safe", synonyms=["coat", "oilskin"], wearable=True),
           item("bench", "bench", "shed", portable=False, enterable="on", supporter={}),
           item("barrel", "barrel", "yard", portable=False, enterable="in"),
           item("lamp", "lamp", "yard", light="off")],
    actors=[player("yard")],
    quests=[{"id": "dress", "goals": [{"type": "worn", "item": "coat"}, {"type": "set", "item": "radio", "value": 2}]}])


def env_after(commands=()) -> LanternEnv:
    env = LanternEnv(world_from_dict(copy.deepcopy(DATA), "workshop.toml"))
    env.reset(seed=0)
    for command in commands:
        env.step(command)
    return env


SHED = ["press the button", "n"]
DRESSED = SHED + ["pull lever", "take coat", "wear coat"]

# (commands before, what the player types, the command run or the reply)
CASES = [
    ([], "press the red button", "push red button"),
    ([], "push button", "push red button"),
    ([], "push button", "push red button"),
    (["push button"], "push button", "You push the red button, but nothing happens."),
    (SHED, "pull the lever", "pull wooden lever"),
    (SHED, "move lever", "pull wooden lever"),
    (SHED, "turn lever", "pull wooden lever"),
    (SHED, "turn the radio to 2", "set radio to 2"),
    (SHED, "set radio to three", "set radio to 3"),
    (SHED, "tune the radio to 1", "set radio to 1"),
    (SHED, "rotate radio to 3", "set radio to 3"),
    (SHED, "set radio to 7", "The radio can be set to 1, 2, 3 and off."),
    (SHED, "set radio to off", "The radio is already at off."),
    (SHED, "turn radio", "What do you want to turn the radio to?"),
    (SHED + ["pull lever", "take coat"], "wear the coat", "wear oilskin coat"),
    (SHED + ["pull lever", "take coat"], "put on the oilskin", "wear oilskin coat"),
    (SHED + ["pull lever", "take coat"], "put the coat on", "wear oilskin coat"),
    (SHED + ["pull lever", "take coat"], "don coat", "wear oilskin coat"),
    (SHED + ["pull lever"], "wear coat", "You need to be holding the oilskin coat first."),
    (DRESSED, "take off the coat", "take off oilskin coat"),
    (DRESSED, "remove coat", "take off oilskin coat"),
    (DRESSED, "take the coat off", "take off oilskin coat"),
    (DRESSED, "drop coat", "You'd have to take off the oilskin coat first."),
    (SHED + ["pull lever"], "remove the coat", "take oilskin coat"),
    (SHED, "sit on the bench", "get on bench"),
    (SHED, "stand on bench", "get on bench"),
    (SHED, "climb onto the bench", "get on bench"),
    (SHED, "lie on bench", "get on bench"),
    (SHED, "enter bench", "get on bench"),
    (SHED + ["sit on bench"], "stand up", "get off bench"),
    (SHED + ["sit on bench"], "get off the bench", "get off bench"),
    (SHED + ["sit on bench"], "exit", "get off bench"),
    (SHED + ["sit on bench"], "get out", "get off bench"),
    (SHED, "stand up", "You are standing on your own two feet already."),
    ([], "get in the barrel", "get in barrel"),
    ([], "climb into barrel", "get in barrel"),
    ([], "enter the barrel", "get in barrel"),
    (["get in barrel"], "get out of the barrel", "get out of barrel"),
    (["get in barrel"], "exit", "get out of barrel"),
    ([], "sit on the lamp", "The lamp is not something you can get into or onto."),
    ([], "get in lamp", "The lamp is not something you can get into or onto."),
    ([], "wear lamp", "You can't wear the lamp."),
    ([], "put lamp under barrel", "You can't put the lamp under the barrel: things go only in or on "
                                  "other things."),
    (["take lamp"], "put lamp behind the barrel", "You can't put the lamp behind the barrel: things go "
                                                  "only in or on other things."),
]


def _ran_or_reply(env: LanternEnv, text: str) -> str:
    obs, *_ = env.step(text)
    commands = env.last_step.commands
    return commands[0] if commands else obs


@pytest.mark.parametrize("setup, text, expected", CASES)
def test_device_phrasing(setup, text, expected):
    env = env_after(setup)
    assert _ran_or_reply(env, text) == expected


def test_switches_dials_clothes_and_seats_change_the_world_as_told():
    env = env_after()
    obs, *_ = env.step("push button")
    assert obs == "You push the red button. The iron gate opens."
    env.step("n")
    obs, *_ = env.step("pull lever")
    assert obs == "You pull the wooden lever. The steel safe opens."
    assert "It is set to off." in env.step("x radio")[0]
    env.step("set radio to 2")
    assert "It is set to 2." in env.step("x radio")[0]
    env.step("sit on bench")
    assert "You are on the bench." in env.step("look")[0]
    obs, *_ = env.step("s")
    assert obs.startswith("(first getting off the bench)\n-= Yard =-")
    assert env.world.position(env.world.player) is None
    env.step("n")
    env.step("take coat")
    env.step("wear coat")
    assert "oilskin coat (worn)" in env.step("i")[0]


def test_solver_finds_the_true_optimum_and_the_guide_wins():
    world = world_from_dict(copy.deepcopy(DATA), "workshop.toml")
    solution = solve(world)
    assert len(solution) == bfs_optimum(world) == 6
    assert {"pull wooden lever", "wear oilskin coat", "set radio to 2"} <= set(solution.commands)
    env, steps, rewards = guided_game(world_from_dict(copy.deepcopy(DATA), "workshop.toml"))
    assert sum(rewards) == 2 and len(steps) == 6 and env.world.state.met == [3]


def test_a_switch_that_unlocks_keeps_the_solver_optimal():
    data = copy.deepcopy(DATA)
    data["doors"][0].update(state="locked", key="brass_key")
    data["items"][0]["switch"] = {"effect": "unlock", "target": "gate"}
    data["items"].append({"id": "brass_key", "name": "brass key", "location": "bench"})
    world = world_from_dict(data, "workshop.toml")
    solution = solve(world)
    assert len(solution) == bfs_optimum(world) == 7
    assert solution.commands[:2] == ["push red button", "open iron gate"]


def test_admissible_matches_the_rules_in_the_workshop_and_the_manor():
    for world in (world_from_dict(copy.deepcopy(DATA), "workshop.toml"), load_world(WORLDS / "manor.toml")):
        env = LanternEnv(world, max_steps=80)
        universe = every_command(world)
        for i, _ in enumerate(random_walk_states(env, seed=5, steps=60)):
            listed = set(enumerate_commands(world, world.player))
            oracle = succeeding_commands(world, world.player, universe)
            assert listed == oracle, f"step {i}: extra {listed - oracle}, missing {oracle - listed}"


def test_the_manor_has_each_new_kind_off_the_critical_path():
    env = LanternEnv(load_world(WORLDS / "manor.toml"))
    env.reset(seed=0)
    for command in ["n", "w", "pull lever", "take cap", "wear cap", "e", "set clock to twelve"]:
        env.step(command)
        assert env.last_step.commands, command
    assert "smoking cap (worn)" in env.step("i")[0]
    assert "It is set to 12." in env.step("x clock")[0]
    assert len(solve(load_world(WORLDS / "manor.toml"))) == 35


@pytest.mark.parametrize("change, message", [
    (("items", 0, "switch", {"effect": "explode", "target": "gate"}),
     "items 'button': switch: field 'effect' is 'explode'; use one of open, close, lock, unlock, toggle"),
    (("items", 0, "switch", {"effect": "open", "target": "radio"}),
     "items 'button': switch: field 'target' names 'radio', which is not a door or a container (effect 'open')"),
    (("items", 0, "switch", {"effect": "open", "target": "gate", "verb": "kick"}),
     "items 'button': switch: field 'verb' is 'kick'; use \"push\" (a button) or \"pull\" (a lever)"),
    (("items", 0, "switch", {"effect": "open", "target": "button"}),
     "items 'button': switch: field 'target' names the switch itself"),
    (("items", 3, "dial", {"values": []}), "items 'radio': dial: field 'values' is empty"),
    (("items", 3, "dial", {"values": ["1", "1"]}), "items 'radio': dial: field 'values' lists a value twice"),
    (("items", 3, "dial", {"values": ["1", "2"], "value": "9"}),
     "items 'radio': dial: field 'value' is str '9', which is not one of 'values'"),
    (("items", 3, "dial", {"values": ["1"], "speed": 2}), "items 'radio': dial: unknown field 'speed'"),
    (("items", 4, "wearable", "yes"), "items 'coat': field 'wearable' must be a bool, got str 'yes'"),
    (("items", 5, "enterable", "under"), "items 'bench': field 'enterable' is 'under'; use \"in\" or \"on\""),
    (("items", 7, "enterable", "in"), "items 'lamp': field 'enterable' needs 'portable = false'"),
    (("quests", 0, "goals", [{"type": "worn", "item": "lamp"}]),
     "quests 'dress': goals[0]: goal can never be met: 'lamp' is not wearable"),
    (("quests", 0, "goals", [{"type": "set", "item": "radio", "value": "9"}]),
     "quests 'dress': goals[0]: field 'value' is str '9'; 'radio' can be set to 1, 2, 3, off"),
    (("quests", 0, "goals", [{"type": "set", "item": "lamp", "value": "1"}]),
     "quests 'dress': goals[0]: goal can never be met: 'lamp' is no dial"),
    (("quests", 0, "goals", [{"type": "set", "item": "radio", "value": "off"}]),
     "goal already holds at the start"),
])
def test_loader_names_each_mistake_in_one_line(change, message):
    data = copy.deepcopy(DATA)
    section, i, field, value = change
    data[section][i][field] = value
    with pytest.raises(WorldFileError) as err:
        world_from_dict(data, "workshop.toml")
    text = str(err.value)
    assert "\n" not in text and text.startswith("workshop.toml: ") and message in text


LINES = st.lists(st.sampled_from([
    "push button", "n", "s", "pull lever", "take coat", "wear coat", "remove coat", "drop coat",
    "set radio to 2", "turn radio to off", "sit on bench", "stand up", "get in barrel", "exit",
    "put coat on bench", "take off coat", "look up tides in radio", "turn lever", "put coat under bench",
    "undo", "xyzzy", "enter", "get out", "give coat to me"]), max_size=14)


@settings(max_examples=60, deadline=None)
@given(LINES)
def test_refused_commands_change_nothing_and_undo_restores_the_exact_hash(lines):
    play_checking_undo(env_after(), lines)


WORDS = st.sampled_from(["push", "pull", "button", "lever", "turn", "set", "radio", "to", "2", "off", "wear",
                         "coat", "put", "on", "take", "remove", "sit", "bench", "get", "in", "out", "of",
                         "barrel", "stand", "up", "exit", "look", "under", "behind", "again", "it", "and",
                         "then", ".", "with", "the", "consult", "about", "for", "ask", "me", "n", "s"])


@settings(max_examples=300, deadline=None)
@given(setup=st.sampled_from([[], SHED, DRESSED, SHED + ["sit on bench"], ["get in barrel"]]),
       line=st.one_of(st.text(max_size=40), st.lists(WORDS, max_size=9).map(" ".join)))
def test_any_text_never_raises_and_a_refused_line_changes_nothing(setup, line):
    step_checking_refusal(env_after(setup), line)
