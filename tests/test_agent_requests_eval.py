"""eval --requests: per-kind figures, told vs. untold vs. random, on a tiny model."""

import json
import math

import pytest

torch = pytest.importorskip("torch")

import main  # noqa: E402
from agent.requests_eval import CONDITIONS, MAX_MOVES, KindRow, format_request_table, play_request  # noqa: E402
from game.env import LanternEnv  # noqa: E402
from game.generator import generate  # noqa: E402
from game.npc import Decision  # noqa: E402
from game.request_gen import generate_requests  # noqa: E402
from tests.agent_fixtures.tiny import in_process, model_dir  # noqa: E402,F401 (fixture)


def _report(model_dir, capsys, difficulty: str, *flags: str) -> dict:
    """The JSON report of ``eval --requests`` on one world of ``difficulty``, after checking it ran."""
    code = main.main(in_process(["eval", "--requests", "--model", model_dir, "--difficulty", difficulty,
                                 "--seeds", "1000000:1000001", *flags, "--json"]))
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def test_eval_requests_prints_figures_per_kind(model_dir, capsys):
    report = _report(model_dir, capsys, "1")
    rows = {r["kind"]: r for r in report["rows"]}
    assert "with a companion" in report["worlds"] and "go" in rows and "overall" in rows
    assert report["phrasings"] == "held_out"
    assert rows["overall"]["requests"] == sum(r["requests"] for k, r in rows.items() if k != "overall")
    for row in rows.values():
        for condition in CONDITIONS:
            assert math.isnan(row[condition]) or 0.0 <= row[condition] <= 1.0
    table = format_request_table([KindRow(**r) for r in report["rows"]])
    assert "told:held-out" in table and table.splitlines()[-1].startswith("overall")


def test_eval_requests_measures_on_the_second_held_out_set_when_asked(model_dir, capsys):
    report = _report(model_dir, capsys, "1", "--phrasings", "held_out_2")
    assert report["phrasings"] == "held_out_2" and report["rows"][-1]["requests"] > 0
    with pytest.raises(SystemExit) as exit_:
        main.main(in_process(["eval", "--requests", "--model", model_dir, "--difficulty", "1",
                              "--phrasings", "train"]))
    assert exit_.value.code == 2 and "invalid choice: 'train'" in capsys.readouterr().err


def test_eval_requests_refuses_a_world_without_an_npc(model_dir, capsys, tmp_path):
    from game.generator import generate, world_to_toml
    alone = tmp_path / "alone.toml"                      # every bundled world has Ada: a generated one has not
    alone.write_text(world_to_toml(generate(1, 0)), encoding="utf-8")
    code = main.main(in_process(["eval", "--requests", "--model", model_dir, "--world", alone]))
    _, err = capsys.readouterr()
    assert code == 2 and "no NPC to ask" in err


class _Planner:
    """An agent that follows the request's plan (the ideal listener)."""

    def __init__(self, plan):
        self.plan = list(plan)

    def act(self, env, actor):
        return Decision(self.plan.pop(0) if self.plan else "wait")


def test_a_request_counts_as_fulfilled_in_the_move_its_goal_holds():
    env = LanternEnv(generate(2, 1000001, companion=True))
    env.reset(seed=0)
    for req in generate_requests(env, "ada", 0):
        assert play_request(env, 0, "ada", _Planner(req.plan), req) == len(req.plan)
        assert play_request(env, 0, "ada", _Planner(["wait"] * MAX_MOVES), req, told=False) is None


def test_eval_requests_reports_one_command_and_longer_requests_apart(model_dir, capsys):
    report = _report(model_dir, capsys, "2")
    groups = {r["kind"]: r for r in report["by_plan"]}
    overall = next(r for r in report["rows"] if r["kind"] == "overall")
    assert set(groups) == {"1 command", "2-4 commands"}
    assert groups["1 command"]["mean_plan"] == 1.0 and 2.0 <= groups["2-4 commands"]["mean_plan"] <= 4.0
    assert sum(r["requests"] for r in groups.values()) == overall["requests"]
    for condition in CONDITIONS:  # the groups split the overall share, weighted by their sizes
        if condition != "told_train":
            split = sum(r[condition] * r["requests"] for r in groups.values()) / overall["requests"]
            assert abs(split - overall[condition]) < 1e-9, condition
