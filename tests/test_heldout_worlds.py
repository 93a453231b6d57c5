"""The held-out worlds (assets/heldout/): hand-written worlds kept out of all training.

Each one loads, has 6-15 rooms, is solved within a small node budget by a walkthrough
of 10-30 moves that replays to a full-score win, and is won by the guide (which knows
only what the actor has seen). The optimal lengths are recorded so that a change to a
world, the rules or the solver that alters one shows up here. Across the set, the
features the worlds exist to test are each present: keys inside containers, a chain of
keys, dark rooms, non-compass and diagonal exits, several goals, a lose condition and a
quest shared by two actors.
"""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.env import LanternEnv
from game.errors import WorldFileError
from game.guide import guided_walkthrough
from game.loader import load_world, load_world_folder
from game.solver import Solution, solve
from game.world import ITEM
from tests.conftest import ROOT, WORLDS

HELDOUT = ROOT / "assets" / "heldout"
OPTIMAL = {"excavation": 24, "mill": 16, "museum": 25, "station": 26, "tower": 23}
NAMES = sorted(p.stem for p in HELDOUT.glob("*.toml"))


@cache
def solution(name: str) -> Solution:
    return solve(load_world(HELDOUT / f"{name}.toml"), max_nodes=20_000)


def test_there_are_at_least_five_and_each_has_its_recorded_optimum():
    assert len(NAMES) >= 5 and set(NAMES) == set(OPTIMAL)


@pytest.mark.parametrize("name", NAMES)
def test_each_world_is_a_mid_sized_map_solved_in_10_to_30_moves(name):
    world = load_world(HELDOUT / f"{name}.toml")
    assert 6 <= len(world.rooms) <= 15
    sol = solution(name)
    assert len(sol) == OPTIMAL[name] and 10 <= len(sol) <= 30
    assert sol.score == sol.max_score >= 2  # two goals or more, every one met
    env = LanternEnv(world)
    env.reset(seed=0)
    for actor, command in sol.steps:
        *_, info = env.step(command, actor=actor)
    assert info["won"] and not info["lost"] and info["score"] == info["max_score"]


@pytest.mark.parametrize("name", NAMES)
def test_the_guide_wins_each_world_within_its_step_limit(name):
    env = LanternEnv(load_world(HELDOUT / f"{name}.toml"))
    env.reset(seed=0)
    steps, _ = guided_walkthrough(env)
    info = env.info()
    assert info["won"] and not info["lost"]
    assert OPTIMAL[name] <= len(steps) <= 1.5 * OPTIMAL[name]


def _features(world) -> set[str]:
    ents = world.entities
    parent = world.state.parent
    found = set()
    for e in ents:
        if e.dark:
            found.add("dark room")
        if {"up", "down", "in", "out"} & set(e.exits):
            found.add("non-compass exit")
        if {"northeast", "northwest", "southeast", "southwest"} & set(e.exits):
            found.add("diagonal exit")
        if e.key is not None and ents[parent[e.key]].kind == ITEM:
            found.add("key in a container")
            holder = ents[parent[e.key]]
            if holder.key is not None and ents[parent[holder.key]].kind == ITEM:
                found.add("chain of keys")  # the key's box is locked by a key in a box
        if e.poisonous:
            found.add("poison")
    for quest in world.quests:
        if quest.lose:
            found.add("lose condition")
        if len(quest.actors) > 1:
            found.add("shared quest")
        if len(quest.goals) > 1:
            found.add("several goals")
    return found


def test_the_set_covers_every_feature_it_is_there_to_test():
    per_world = {name: _features(load_world(HELDOUT / f"{name}.toml")) for name in NAMES}
    everything = set().union(*per_world.values())
    assert everything >= {"dark room", "non-compass exit", "diagonal exit", "key in a container",
                          "chain of keys", "poison", "lose condition", "shared quest", "several goals"}
    assert all("several goals" in found for found in per_world.values())


def test_the_held_out_worlds_share_no_title_with_the_bundled_ones():
    bundled = {load_world(p).title for p in WORLDS.glob("*.toml")}
    held = [load_world(HELDOUT / f"{name}.toml").title for name in NAMES]
    assert len(set(held)) == len(held) and not bundled & set(held)


# -- load_world_folder ----------------------------------------------------------------------

@settings(max_examples=40)  # each example writes files
@given(st.sets(st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True), min_size=1, max_size=4),
       st.sets(st.sampled_from(["notes.txt", "README.md", "world.toml.bak"]), max_size=2))
def test_a_folder_gives_its_toml_worlds_in_name_order_and_nothing_else(tmp_path_factory, stems, others):
    folder = tmp_path_factory.mktemp("worlds")
    text = (WORLDS / "tutorial.toml").read_text(encoding="utf-8")
    for stem in stems:
        (folder / f"{stem}.toml").write_text(text, encoding="utf-8")
    for other in others:
        (folder / other).write_text("not a world", encoding="utf-8")
    loaded = load_world_folder(folder)
    assert [name for name, _ in loaded] == sorted(stems)
    assert all(world.title == "The Lamplighter's Cottage" for _, world in loaded)


def test_a_bad_folder_gets_one_line_naming_it(tmp_path):
    with pytest.raises(WorldFileError, match="no such folder"):
        load_world_folder(tmp_path / "missing")
    with pytest.raises(WorldFileError, match="is a file, not a folder"):
        load_world_folder(WORLDS / "tutorial.toml")
    with pytest.raises(WorldFileError, match="no .toml world files"):
        load_world_folder(tmp_path)
    (tmp_path / "a.toml").write_text((WORLDS / "tutorial.toml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "b.toml").write_text("[world]\ntitle = 3\n", encoding="utf-8")
    with pytest.raises(WorldFileError, match=r"b\.toml: ") as err:
        load_world_folder(tmp_path)
    assert "\n" not in str(err.value)
