"""``eval --agreement``: the model against the guide, state by state along the guide's walkthrough."""

import json

import pytest

torch = pytest.importorskip("torch")

import main  # noqa: E402
from agent.agreement import agreement, guide_states  # noqa: E402
from agent.checkpoint import load_policy  # noqa: E402
from agent.npc import LMNPC  # noqa: E402
from game.env import LanternEnv  # noqa: E402
from game.guide import guided_game  # noqa: E402
from game.loader import load_world  # noqa: E402
from tests.agent_fixtures.tiny import in_process, model_dir  # noqa: E402,F401 (fixture)


def test_every_state_of_the_guides_walkthrough_is_asked_as_the_npc_would_see_it(model_dir):
    world = load_world("assets/worlds/lighthouse.toml")  # two keepers: each prompt holds its own moves
    policy = load_policy(str(model_dir), length_norm="token", journal=True, history=1)
    steps = guided_game(world, read_commands=policy.config.read_commands)[1]
    found = guide_states(policy, world)
    assert [label for label, _, _ in found] == [command for _, command in steps]
    one_by_one = guide_states(policy, world, batch=1)  # batching changes no figure (but the last float bits)
    assert [p for _, p, _ in one_by_one] == pytest.approx([p for _, p, _ in found], abs=1e-5)
    # the NPC, led along the same walkthrough, puts the same probability on each of the guide's commands
    npc, env = LMNPC(policy, greedy=True), LanternEnv(world)
    env.reset(seed=0)
    for (actor, command), (_, p, top) in zip(steps, found):
        ranked = npc.act(env, actor).candidates
        npc._memory[actor] = npc._memory[actor][:2] + (command, env.steps)  # it remembers the guide's move
        assert dict(ranked)[command] == pytest.approx(p, abs=1e-5)
        assert top == (dict(ranked)[command] == pytest.approx(ranked[0][1], abs=1e-6))
        env.step(command, actor=actor)
    per = agreement(policy, world)
    walks = sum(c.startswith("go ") for _, c in steps)
    assert (per["walk"].states, per["other"].states, per["all"].states) == (walks, len(steps) - walks, len(steps))
    assert per["all"].probability == pytest.approx(sum(p for _, p, _ in found) / len(found))
    assert 0 < per["all"].probability < 1 and per["all"].top1 == sum(t for _, _, t in found) / len(found)


def test_eval_agreement_prints_each_world_and_all_states(model_dir, capsys):
    code = main.main(in_process(["eval", "--agreement", "--model", model_dir, "--world", "assets/worlds/tutorial.toml",
                                 "--json"]))
    out = json.loads(capsys.readouterr().out)
    steps = guided_game(load_world("assets/worlds/tutorial.toml"), read_commands=False)[1]
    assert code == 0 and [w["world"] for w in out["per_world"]] == ["tutorial"]
    assert out["all_states"]["all"]["states"] == len(steps)
    code = main.main(in_process(["eval", "--agreement", "--model", model_dir, "--difficulty", "1",
                                 "--seeds", "1000000:1000002"]))
    table = capsys.readouterr().out.splitlines()
    assert code == 0 and [line.split()[0] for line in table[2:]] == ["d1-s1000000", "d1-s1000001", "all"]


def test_agreement_with_requests_is_refused_in_one_line(model_dir, capsys):
    code = main.main(in_process(["eval", "--agreement", "--requests", "--model", model_dir, "--difficulty", "1"]))
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "--agreement" in err


def test_misses_show_where_the_model_parts_from_the_guide_and_what_it_knew(model_dir, capsys):
    code = main.main(in_process(["eval", "--agreement", "--misses", "2", "--model", model_dir,
                                 "--world", "assets/worlds/tutorial.toml", "--json"]))
    out = json.loads(capsys.readouterr().out)
    policy = load_policy(str(model_dir))
    found = guide_states(policy, load_world("assets/worlds/tutorial.toml"))
    lowest = sorted(p for _, p, _ in found)[:2]
    shown = out["per_world"][0]["misses"]
    assert code == 0 and len(shown) == 2
    assert sorted(m["probability"] for m in shown) == pytest.approx(lowest, abs=1e-4)
    assert [m["step"] for m in shown] == sorted(m["step"] for m in shown)  # in walkthrough order
    for m in shown:
        assert m["command"] == found[m["step"] - 1][0]
        assert len(m["likeliest"]) == 3 and m["likeliest"][0][1] >= m["likeliest"][-1][1]
        assert any(line.startswith("Here:") for line in m["notes"])
    code = main.main(in_process(["eval", "--agreement", "--misses", "1", "--model", model_dir,
                                 "--world", "assets/worlds/tutorial.toml"]))
    text = capsys.readouterr().out
    assert code == 0 and "where the model parts from the guide most" in text and "tutorial step " in text


def test_misses_without_agreement_are_refused_in_one_line(model_dir, capsys):
    code = main.main(in_process(["eval", "--misses", "2", "--model", model_dir, "--difficulty", "1"]))
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "--misses" in err
