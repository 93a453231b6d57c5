"""The TextWorld games in assets/textworld/: imported, kept out of training, measured.

Each one loads, keeps its recorded optimum (so a change to the importer, the rules or the
solver that alters one shows up here), is won by the guide within its step limit, and
carries TextWorld's names. Both-ways checks against TextWorld's engine are in
test_textworld_games.py (they need the extra and the compiled games).
"""

from __future__ import annotations

import pytest

from game.env import LanternEnv
from game.guide import guided_walkthrough
from game.loader import load_world
from game.solver import solve
from tests.conftest import ROOT

FOLDER = ROOT / "assets" / "textworld"
OPTIMAL = {"coin_05": 5, "coin_110": 10, "coin_210": 10, "custom_02": 3, "custom_05": 5, "custom_08": 6, "custom_12": 2, "hunter_01": 1, "hunter_10": 5, "hunter_20": 10, "hunter_25": 5, "simple_dense": 12, "simple_mid": 8, "simple_sparse": 9}
NAMES = sorted(p.stem for p in FOLDER.glob("*.toml"))


def test_fourteen_games_of_four_kinds_each_with_its_recorded_optimum():
    assert set(NAMES) == set(OPTIMAL) and len(NAMES) == 14
    assert {n.split("_")[0] for n in NAMES} == {"coin", "hunter", "simple", "custom"}
    listed = (FOLDER / "README.md").read_text()
    assert all(f"`{n}.toml`" in listed for n in NAMES) and "MIT" in listed


@pytest.mark.parametrize("name", NAMES)
def test_each_game_is_solved_in_its_optimum_and_the_guide_wins_it(name):
    world = load_world(FOLDER / f"{name}.toml")
    assert 2 <= len(world.rooms) <= 30 and world.hold_to_eat
    sol = solve(world, max_nodes=500_000)
    assert len(sol) == OPTIMAL[name] and sol.score == sol.max_score
    env = LanternEnv(world)
    env.reset(seed=0)
    steps, _ = guided_walkthrough(env)
    info = env.info()
    assert info["won"] and not info["lost"] and len(steps) <= world.max_steps
