"""Evaluation: co-operative worlds are played by the whole team."""

import pytest

torch = pytest.importorskip("torch")

from agent.checkpoint import load_policy  # noqa: E402
from agent.evaluate import evaluate  # noqa: E402
from game.env import LanternEnv  # noqa: E402
from game.generator import generate  # noqa: E402
from tests.agent_fixtures.tiny import model_dir  # noqa: E402,F401 (fixture)


def test_eval_drives_the_whole_team_in_a_cooperative_world(model_dir):
    from agent.evaluate import _play_team, team
    from game.loader import load_world
    from game.npc import Decision
    world = load_world("assets/worlds/lighthouse.toml")
    assert team(world) == ["player", "ada"] and team(generate(2, 0)) == ["player"]
    turns = []

    class Waiter:
        def act(self, env, actor):
            turns.append(actor)
            return Decision("wait")
    out = _play_team(LanternEnv(world, max_steps=6), 0, 15, Waiter())
    assert turns == ["player", "ada"] * 3 and out.moves == 6 and not out.won
    policy = load_policy(str(model_dir), length_norm="token")
    model, rand, guide, solver = evaluate(policy, [world], 2, seed=0, max_steps=8)
    assert model.episodes == 2 and rand.episodes == 20 and model.mean_moves == 8 and solver.mean_moves == 15
    assert guide.episodes == 2 and guide.mean_moves == 8 and guide.success_rate == 0  # 8 moves cannot win
    guide = evaluate(policy, [world], 1, seed=0)[2]
    assert guide.success_rate == 1 and guide.mean_moves == 19  # four more than the solver, who knows the map
