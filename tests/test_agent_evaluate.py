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


def test_other_npcs_get_rows_after_the_model_on_the_same_worlds_and_seeds():
    from agent.evaluate import average_rows, evaluate_worlds
    from game.npc import Decision, RandomNPC
    from game.solver import solve

    class Waiter:
        name = "waiter"

        def act(self, env, actor):
            return Decision("wait")
    worlds = [generate(1, s) for s in (1_000_000, 1_000_001)]
    again = RandomNPC("same")
    again.name = "again"
    rows = evaluate(None, worlds, 2, seed=3, max_steps=5, npcs=(Waiter(), again))
    assert [r.agent for r in rows] == ["waiter", "again", "random", "guide", "solver"]
    waiter = rows[0]
    assert (waiter.episodes, waiter.success_rate, waiter.mean_moves, waiter.moves_over_optimal) == (4, 0, 5, None)
    assert rows[1].episodes == 4 and rows[2].episodes == 40
    assert rows[4].mean_moves == sum(len(solve(w)) for w in worlds) / 2
    results = evaluate_worlds(None, [("a", worlds[0]), ("b", worlds[1])], 1, max_steps=5, npcs=(Waiter(),))
    assert [r.agent for r in average_rows(results)] == ["waiter", "random", "guide", "solver"]
    assert [r.optimal for r in results] == [len(solve(w)) for w in worlds]
