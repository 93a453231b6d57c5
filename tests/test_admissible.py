"""Admissible commands are exactly the commands the rules would carry out."""

import pytest

from game.admissible import enumerate_commands
from game.env import LanternEnv
from game.generator import generate
from game.loader import load_world
from tests.conftest import WORLDS
from tests.engine_helpers import every_command, random_walk_states, succeeding_commands


def _worlds():
    yield "tutorial", load_world(WORLDS / "tutorial.toml")
    for d, seed in ((2, 1), (3, 2), (4, 3)):
        yield f"generated-{d}-{seed}", generate(d, seed)


@pytest.mark.parametrize("name,world", list(_worlds()), ids=lambda x: x if isinstance(x, str) else "")
def test_admissible_matches_brute_force_rules(name, world):
    env = LanternEnv(world, max_steps=60)
    universe = every_command(world)
    for i, _ in enumerate(random_walk_states(env, seed=7, steps=40)):
        actor = world.player
        listed = set(enumerate_commands(world, actor))
        oracle = succeeding_commands(world, actor, universe)
        assert listed == oracle, f"{name} step {i}: extra {listed - oracle}, missing {oracle - listed}"


def test_admissible_texts_are_sorted_canonical_and_run():
    env = LanternEnv(load_world(WORLDS / "tutorial.toml"))
    for _ in random_walk_states(env, seed=3, steps=30):
        texts = env.admissible()
        assert texts == sorted(texts)
        for text in texts:
            snap = env.snapshot()
            before = env.state_hash()
            obs, *_ = env.step(text)
            assert env.state_hash() != before, f"{text!r} did nothing: {obs}"
            env.restore(snap)


def test_info_commands_are_listed_only_on_request():
    world = load_world(WORLDS / "tutorial.toml")
    plain = LanternEnv(world).reset(seed=0)[1]["admissible_commands"]
    world2 = load_world(WORLDS / "tutorial.toml")
    rich = LanternEnv(world2, include_info_commands=True).reset(seed=0)[1]["admissible_commands"]
    assert "look" not in plain and "look" in rich and "inventory" in rich
    assert "examine iron hook" in rich and set(plain) <= set(rich)
