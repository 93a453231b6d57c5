"""The bundled worlds: each loads, is solved, and its walkthrough replays to a win.

The optimal lengths are recorded here so that a change to a world, the rules or the
solver that makes a walkthrough longer or shorter shows up as a failing test (update
the number when the change is meant). The walkthrough is replayed through the
environment twice: it must win with full score and give the same transcript and the
same state hash at every step. Then the features each world is there to show: the
manor's dark cellar and poisonous mushroom, and the lighthouse quest that neither
actor can finish alone.
"""

from __future__ import annotations

import re
from functools import cache

import pytest

from game.env import LanternEnv
from game.loader import load_world, world_from_dict
from game.solver import Solution, Unsolvable, solve
from tests.conftest import WORLDS

# Fewest commands that win each bundled world (all actors of the player's quests), and by the
# player alone where that can be done (at the lighthouse it cannot).
OPTIMAL = {"tutorial": 8, "manor": 35, "lighthouse": 15}
SOLO = {"tutorial": 9, "manor": 35}
NAMES = sorted(p.stem for p in WORLDS.glob("*.toml"))


@cache
def solution(name: str) -> Solution:
    return solve(load_world(WORLDS / f"{name}.toml"))


def replay(name: str, steps) -> tuple[list[str], list[str], int, dict[str, dict]]:
    """Run (actor, command) steps in a fresh env.

    Returns the replies, the state hash after each step, the total reward and the
    final info of each actor who moved.
    """
    env = LanternEnv(WORLDS / f"{name}.toml")
    obs, _ = env.reset(seed=0)
    transcript, hashes, total, movers = [obs], [env.state_hash()], 0, set()
    for i, (actor, command) in enumerate(steps):
        assert command in env.admissible(actor), f"step {i + 1}: {actor}: {command!r} not admissible"
        obs, reward, terminated, truncated, _ = env.step(command, actor)
        transcript.append(obs)
        hashes.append(env.state_hash())
        total += reward
        movers.add(actor)
        assert not truncated, f"step {i + 1}: truncated"
        assert terminated == (i == len(steps) - 1), f"step {i + 1}: terminated={terminated}"
    return transcript, hashes, total, {actor: env.info(actor) for actor in sorted(movers)}


def test_every_bundled_world_has_a_recorded_optimum():
    assert NAMES == sorted(OPTIMAL), "add the new world's optimal length to OPTIMAL"


@pytest.mark.parametrize("name", NAMES)
def test_world_solves_in_the_recorded_number_of_commands(name):
    sol = solution(name)
    assert len(sol) == OPTIMAL[name], [c for _, c in sol.steps]
    assert sol.score == sol.max_score
    world = load_world(WORLDS / f"{name}.toml")
    assert world.max_steps >= 3 * len(sol), "max_steps should leave room for exploring"


@pytest.mark.parametrize("name", NAMES)
def test_every_bundled_world_has_a_companion_for_the_npc(name):
    world = load_world(WORLDS / f"{name}.toml")
    (companion,) = [e for e in world.entities if e.kind == "actor" and e.index != world.player]
    assert companion.name == "Ada" and len(companion.description) > 40
    env = LanternEnv(world)
    env.reset(seed=0)
    obs, *_ = env.step("ask ada about the weather")   # she answers, from what she has seen
    assert 'Ada: "I don\'t know anything about any weather."' in obs


@pytest.mark.parametrize("name", sorted(SOLO))
def test_the_player_can_still_win_alone(name):
    sol = solve(load_world(WORLDS / f"{name}.toml"), actors=["player"])
    assert len(sol) == SOLO[name] and sol.score == sol.max_score
    steps = sol.steps
    assert replay(name, steps)[2] == sol.max_score


def test_the_tutorials_ada_shares_the_quest_and_can_split_the_work():
    world = load_world(WORLDS / "tutorial.toml")
    assert {world.entities[a].id for a in world.quests[0].actors} == {"player", "ada"}
    env = LanternEnv(world)
    env.reset(seed=0)
    split = [("player", "go north"), ("ada", "go west"), ("player", "take brass lamp"),
             ("ada", "take red apple"), ("player", "turn on brass lamp"), ("ada", "go east"),
             ("player", "go south"), ("ada", "put red apple in wicker basket"),
             ("player", "put brass lamp on iron hook")]
    *_, movers = replay("tutorial", split)
    assert movers["player"]["won"] and movers["ada"]["won"]


def test_the_manors_ada_helps_when_told_and_what_she_does_counts_for_the_player():
    world = load_world(WORLDS / "manor.toml")
    assert [world.entities[a].id for a in world.quests[0].actors] == ["player"]  # no quest of her own
    env = LanternEnv(world)
    env.reset(seed=0)
    env.step("tell ada to go north", "player")
    assert env.info("ada")["directive"]
    for command in ("go north", "close front door"):
        env.step(command, "ada")
    assert env.info("player")["score"] == 1 and env.info("ada")["location"] == "Entrance Hall"


@pytest.mark.parametrize("name", NAMES)
def test_walkthrough_replays_to_a_win_the_same_way_twice(name):
    steps = solution(name).steps
    first = replay(name, steps)
    second = replay(name, steps)
    transcript, hashes, total, last = first
    assert first[:2] == second[:2], "transcript or state hashes differ between two runs"
    assert len(hashes) == len(steps) + 1
    assert total == solution(name).max_score, "rewards along the walkthrough do not add up"
    for actor, info in last.items():
        assert info["won"] and not info["lost"], actor
        assert info["score"] == info["max_score"] > 0, (actor, info["score"], info["max_score"])
    assert transcript[-1]


@pytest.mark.parametrize("name", NAMES)
def test_no_goal_is_met_before_the_first_move(name):
    env = LanternEnv(WORLDS / f"{name}.toml")
    _, info = env.reset(seed=0)
    assert info["score"] == 0, "a goal already met at the start gives free points"


@pytest.mark.parametrize("name", NAMES)
def test_worlds_are_worth_reading(name):
    """Every room has 2 to 4 sentences; every thing has a description of its own."""
    world = load_world(WORLDS / f"{name}.toml")
    for e in world.entities:
        assert e.description.strip(), f"{e.id} has no description"
        if e.kind == "room":
            sentences = len(re.findall(r"[.!?](?:\s|$)", e.description))
            assert 2 <= sentences <= 4, f"room {e.id}: {sentences} sentences"
    descriptions = [e.description for e in world.entities]
    assert len(set(descriptions)) == len(descriptions), "two things share a description"


# -- the manor: locked doors, keys in containers, a dark cellar, poison -------------------

TO_THE_CELLAR = ["n", "open clock", "take brass key", "w", "open desk", "take iron key", "e", "e",
                 "n", "unlock trapdoor with iron key", "open trapdoor"]


def play(env: LanternEnv, commands: list[str]) -> tuple[str, dict]:
    obs, info = env.reset(seed=0)
    for command in commands:
        obs, _, terminated, _, info = env.step(command)
        assert not terminated, command
    return obs, info


def test_manor_cellar_is_pitch_dark_without_the_lantern():
    env = LanternEnv(WORLDS / "manor.toml")
    obs, info = play(env, TO_THE_CELLAR + ["d"])
    assert info["location"] == "Cellar"
    assert "pitch dark" in obs and "sea chest" not in obs
    assert not any(c.startswith(("take", "eat", "unlock", "open sea")) for c in info["admissible_commands"])
    obs, *_ = env.step("eat mushroom")
    assert "dark" in obs and not env.info()["lost"]


def test_manor_cellar_can_be_seen_by_lantern_light():
    env = LanternEnv(WORLDS / "manor.toml")
    obs, info = play(env, TO_THE_CELLAR[:1] + ["take lantern", "turn on lantern"] + TO_THE_CELLAR[1:] + ["d"])
    assert "pitch dark" not in obs and "sea chest (locked)" in obs and "pale mushroom" in obs
    assert "take pale mushroom" in info["admissible_commands"]


def test_manor_mushroom_is_poisonous():
    env = LanternEnv(WORLDS / "manor.toml")
    play(env, TO_THE_CELLAR[:1] + ["take lantern", "light lantern"] + TO_THE_CELLAR[1:] + ["d"])
    obs, reward, terminated, truncated, info = env.step("eat the pale mushroom")
    assert terminated and not truncated
    assert info["lost"] and not info["won"] and reward == 0


def test_manor_keys_wait_in_closed_containers():
    world = load_world(WORLDS / "manor.toml")
    for key in ("brass_key", "iron_key", "silver_key"):
        holder = world.entities[world.state.parent[world.by_id[key].index]]
        assert holder.container, key
    locked_doors = [d for d in world.doors if world.state.flags[d] & 2]
    assert len(locked_doors) >= 2


# -- the lighthouse: a quest for two ------------------------------------------------------

def test_lighthouse_cannot_be_won_by_either_keeper_alone():
    world = load_world(WORLDS / "lighthouse.toml")
    for alone in (["player"], ["ada"]):
        with pytest.raises(Unsolvable) as caught:
            solve(world, actors=alone)
        assert caught.value.exhausted, alone


def test_lighthouse_walkthrough_needs_both_keepers():
    actors = {actor for actor, _ in solution("lighthouse").steps}
    assert actors == {"player", "ada"}


def test_lighthouse_keepers_see_each_other_by_name():
    env = LanternEnv(WORLDS / "lighthouse.toml")
    env.reset(seed=0)
    obs, *_ = env.step("open gate", "player")
    assert "only be worked from the Lighthouse Yard" in obs
    env.step("e", "ada")
    env.step("open the sea gate", "ada")
    obs, *_ = env.step("n", "player")
    assert "Ada is here." in obs
    obs, reward, *_ = env.step("give the letter to ada", "player")
    assert reward == 1
    obs, *_ = env.step("look", "ada")
    assert "Wren gives the letter to Ada." in obs and "Wren is here." in obs


# -- solver bugs found while building the worlds (flip to passing when fixed) -------------

def test_solver_closes_an_open_box_to_lock_it():
    world = world_from_dict({
        "rooms": [{"id": "hall", "name": "Hall"}],
        "items": [{"id": "box", "name": "box", "location": "hall", "portable": False,
                   "container": {"state": "open", "key": "key"}},
                  {"id": "key", "name": "key", "location": "hall"}],
        "actors": [{"id": "player", "name": "you", "location": "hall"}],
        "quests": [{"goals": [{"type": "locked", "thing": "box"}]}],
    }, "lock-the-box")
    steps = [command for _, command in solve(world).steps]
    assert sorted(steps[:2]) == ["close box", "take key"] and steps[2] == "lock box with key"
