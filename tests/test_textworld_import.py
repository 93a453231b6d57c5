"""import-textworld without TextWorld: hand-built game JSON in tw-make's shape, and bad input.

The games TextWorld itself makes are checked both ways in test_textworld_games.py (the
``textworld`` extra).
"""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import main
from game.env import LanternEnv
from game.errors import WorldFileError
from game.loader import load_world, world_from_dict
from game.solver import solve
from game.textworld_import import import_textworld


def fact(name, *args):
    return {"name": name, "arguments": [{"name": a, "type": a.split("_")[0]} for a in args]}


def info(ident, kind, name=None, desc=None, adj=None):
    return [ident, {"id": ident, "type": kind, "name": name, "noun": None, "adj": adj, "desc": desc,
                    "room_type": None, "definite": None, "indefinite": None, "synonyms": None}]


def event(*facts):
    return {"commands": [], "actions": [], "condition": {"name": "trigger", "preconditions": list(facts),
                                                          "postconditions": []}}


def quest(wins=(), fails=(), commands=()):
    return {"desc": "", "reward": 1, "commands": list(commands), "optional": False, "repeatable": False,
            "win_events": [event(*w) for w in wins], "fail_events": [event(*f) for f in fails]}


def game(quests=None, extra_facts=(), walkthrough=None) -> dict:
    """Two rooms joined by a locked door, a trunk holding its key, an apple on a table, a
    box locked for good; by default the quests of a tw-simple game with dense rewards."""
    facts = [fact("at", "P", "r_0"), fact("at", "c_0", "r_0"), fact("at", "c_1", "r_1"), fact("at", "s_0", "r_1"),
             fact("in", "k_0", "c_0"), fact("on", "f_0", "s_0"), fact("closed", "c_0"), fact("locked", "c_1"),
             fact("locked", "d_0"), fact("match", "k_0", "d_0"), fact("edible", "f_0"),
             fact("link", "r_0", "d_0", "r_1"), fact("link", "r_1", "d_0", "r_0"),
             fact("east_of", "r_1", "r_0"), fact("west_of", "r_0", "r_1"), *extra_facts]
    infos = [info("P", "P"), info("I", "I"),
             info("r_0", "r", "bedroom", "You are in a bedroom.\n\n There is [if d_0 is open]an open[otherwise]a "
                                         "closed[end if] door leading east."),
             info("r_1", "r", "kitchen", "A kitchen."),
             info("d_0", "d", "wooden door", "it is a wooden door [if open]It is open.[otherwise]It is shut.[end if]"),
             info("c_0", "c", "antique trunk", "An old trunk."), info("c_1", "c", "bread box"),
             info("k_0", "k", "old key", "A key.", adj="old"), info("s_0", "s", "table", "A table."),
             info("f_0", "f", "apple", "A red apple.")]
    if quests is None:
        quests = [quest([[fact("closed", "d_0")]]), quest([[fact("open", "d_0")]]),
                  quest([[fact("in", "f_0", "I")]]), quest(fails=[[fact("eaten", "f_0")]])]
    steps = ["open antique trunk", "take old key from antique trunk", "unlock wooden door with old key",
             "open wooden door", "go east", "take apple from table"]
    return {"version": 1, "world": facts, "grammar": {}, "quests": quests, "infos": infos,
            "metadata": {"desc": "Simple game", "walkthrough": steps if walkthrough is None else walkthrough},
            "objective": "Unlock the wooden door, then open it, then take the apple."}


def imported(tmp_path, data, **kw):
    path = tmp_path / "game.json"
    path.write_text(json.dumps(data))
    return import_textworld(path, **kw)


def play(world, commands):
    env = LanternEnv(world)
    env.reset(seed=0)
    info = env.info()
    for command in commands:
        *_, info = env.step(command)
    return info


def test_rooms_doors_keys_and_text_carry_over_with_textworld_names(tmp_path):
    data, steps = imported(tmp_path, game())
    world = world_from_dict(data, "game.json")
    assert [world.entities[r].name for r in world.rooms] == ["Bedroom", "Kitchen"]
    bedroom = world.entity("bedroom")
    assert bedroom.description == "You are in a bedroom."  # Inform's [if ...] text is left to Lantern
    assert world.entities[bedroom.exits["east"].to].id == "kitchen"
    door = world.entity("wooden_door")
    assert door.description == "It is a wooden door." and door.key == world.entity("old_key").index
    assert world.entity("old_key").adjectives == ("old",)
    assert world.state.parent[world.entity("old_key").index] == world.entity("antique_trunk").index
    assert world.entity("apple").food and not world.entity("table").portable
    assert world.hold_to_eat and steps[-1] == "take apple from table"
    assert data["quests"][0]["description"] == "Unlock the wooden door, then open it, then take the apple."


def test_several_quests_become_once_goals_and_closed_on_a_lock_is_unlocked(tmp_path):
    data, steps = imported(tmp_path, game())
    goals = data["quests"][0]["goals"]
    assert goals == [{"type": "unlocked", "thing": "wooden_door", "once": True},
                     {"type": "open", "thing": "wooden_door", "once": True},
                     {"type": "in", "item": "apple", "place": "player", "once": True}]
    assert data["quests"][0]["lose"] == [{"type": "eaten", "item": "apple"}]
    world = world_from_dict(data, "game.json")
    info = play(world, steps)
    assert info["won"] and info["score"] == 3
    # Unlocking then opening is what TextWorld asks; with plain goals it could never be won.
    plain = copy.deepcopy(data)
    for goal in plain["quests"][0]["goals"]:
        del goal["once"]
    assert not play(world_from_dict(plain, "plain"), steps)["won"]


def test_one_quest_of_several_facts_must_hold_at_once(tmp_path):
    both = [[fact("at", "P", "r_1"), fact("in", "k_0", "I")]]
    steps = ["open antique trunk", "take old key", "unlock wooden door with old key", "open wooden door", "go east"]
    data, _ = imported(tmp_path, game(quests=[quest(both)], walkthrough=steps))
    assert data["quests"][0]["goals"] == [{"type": "at", "actor": "player", "room": "kitchen"},
                                          {"type": "in", "item": "old_key", "place": "player"}]
    world = world_from_dict(data, "game.json")
    assert not play(world, steps[:4])["won"] and play(world, steps)["won"]
    # A fact that holds from the start (standing in the first room) is left out.
    here = [[fact("at", "P", "r_0"), fact("in", "k_0", "I")]]
    data, _ = imported(tmp_path, game(quests=[quest(here)], walkthrough=steps[:2]))
    assert data["quests"][0]["goals"] == [{"type": "in", "item": "old_key", "place": "player"}]


def test_a_lock_no_key_fits_is_locked_for_good(tmp_path):
    data, _ = imported(tmp_path, game())
    box = next(i for i in data["items"] if i["id"] == "bread_box")
    assert box["container"] == {"state": "locked", "keyless": True, "openable": True}
    world = world_from_dict(data, "game.json")
    data2 = copy.deepcopy(data)
    data2["quests"][0]["goals"] = [{"type": "open", "thing": "bread_box"}]
    with pytest.raises(WorldFileError, match="locked for good"):
        world_from_dict(data2, "game.json")
    assert world.entity("bread_box").key is None


def test_the_solver_wins_and_textworld_eating_needs_the_food_in_hand(tmp_path):
    eat = [[fact("eaten", "f_0")]]
    data, _ = imported(tmp_path, game(quests=[quest(eat)], walkthrough=[]))
    world = world_from_dict(data, "game.json")
    sol = solve(world)
    assert sol.commands[-2:] == ["take apple", "eat apple"]
    env = LanternEnv(world)
    env.reset(seed=0)
    for command in sol.commands[:-2]:
        env.step(command)
    assert "eat apple" not in env.info()["admissible_commands"]
    reply, *_ = env.step("eat apple")
    assert reply == "You need to take the apple first."


def test_cli_writes_a_world_that_loads_and_replays_textworlds_walkthrough(tmp_path, capsys):
    src = tmp_path / "game.json"
    src.write_text(json.dumps(game()))
    out = tmp_path / "w.toml"
    assert main.main(["import-textworld", str(src), "--out", str(out)]) == 0
    assert "walkthrough of 6 commands wins it" in capsys.readouterr().out
    assert play(load_world(out), game()["metadata"]["walkthrough"])["won"]
    assert main.main(["import-textworld", str(src), "--out", str(out)]) == 2  # no silent overwrite
    assert "already exists" in capsys.readouterr().err


@pytest.mark.parametrize("change, message", [
    (lambda g: g["world"].append(fact("sliced", "f_0")), "cooking games"),
    (lambda g: g["infos"].append(info("m_0", "meal", "meal")), "cooking games"),
    (lambda g: g["world"].append(fact("wet", "f_0")), "predicate 'wet' is not supported"),
    (lambda g: g["quests"].append({**quest([[fact("open", "c_0")]]), "optional": True}), "optional quest"),
    (lambda g: g["quests"].append(quest([[fact("open", "c_0")], [fact("in", "k_0", "I")]])), "one of 2 ways"),
    (lambda g: g["quests"].append(quest(fails=[[fact("open", "c_0"), fact("in", "k_0", "I")]])), "2 facts at once"),
    (lambda g: g["world"].append(fact("match", "k_9", "c_0")), "'k_9', which is not in 'infos'"),
    (lambda g: g.pop("infos"), "missing field 'infos'"),
    (lambda g: g["metadata"].update(walkthrough=["go east"]), "walkthrough does not win"),
    (lambda g: g["quests"].__setitem__(0, quest([[fact("closed", "c_0")]])), "already holds at the start"),
])
def test_bad_games_get_one_line_exit_2_and_no_file(tmp_path, capsys, change, message):
    data = game()
    change(data)
    src = tmp_path / "game.json"
    src.write_text(json.dumps(data))
    out = tmp_path / "w.toml"
    assert main.main(["import-textworld", str(src), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and str(src) in err
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["game.json"]


@pytest.mark.parametrize("text, message", [("{", "not JSON"), ("[1, 2]", "expected an object"), ("", "not JSON")])
def test_files_that_are_not_game_json_are_refused(tmp_path, text, message):
    path = tmp_path / "game.json"
    path.write_text(text)
    with pytest.raises(WorldFileError, match=message):
        import_textworld(path)
    with pytest.raises(WorldFileError, match="no such file"):
        import_textworld(tmp_path / "missing.json")


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=12)


def _paths(value, path=()):
    """Every place in a JSON value: (path, value) pairs."""
    yield path, value
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        yield from _paths(child, (*path, key))


@settings(max_examples=150)
@given(data=st.data())
def test_a_corrupted_game_is_imported_or_refused_in_one_line(tmp_path_factory, data):
    """Replace or delete any one part of a valid game: the import either works (and the world
    loads) or raises WorldFileError with one line, never another exception."""
    g = game()
    places = list(_paths(g))[1:]
    path, _ = data.draw(st.sampled_from(places))
    parent = g
    for key in path[:-1]:
        parent = parent[key]
    if data.draw(st.booleans()):
        parent[path[-1]] = data.draw(JSON)
    elif isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent.pop(path[-1])
    src = tmp_path_factory.mktemp("g") / "game.json"
    src.write_text(json.dumps(g))
    try:
        world_from_dict(import_textworld(src)[0], str(src))
    except WorldFileError as exc:
        assert "\n" not in str(exc) and str(exc)


@given(JSON)
def test_any_json_value_is_refused_in_one_line(tmp_path_factory, value):
    src = tmp_path_factory.mktemp("g") / "game.json"
    src.write_text(json.dumps(value))
    with pytest.raises(WorldFileError) as err:
        import_textworld(src)
    assert "\n" not in str(err.value)
