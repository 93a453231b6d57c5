"""The train / eval / bench train commands through main.py (in-process)."""

import json

import pytest

torch = pytest.importorskip("torch")

import main  # noqa: E402
from tests.agent_fixtures.tiny import in_process, model_dir  # noqa: E402,F401 (fixture)


def run(capsys, *argv):
    try:
        code = main.main(in_process(argv))
    except SystemExit as exc:  # a flag's value argparse refuses
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_train_then_eval_on_held_out_seeds(model_dir, tmp_path, capsys):
    out = tmp_path / "run"
    code, _, err = run(capsys, "train", "--difficulty", 1, "--train-seeds", "0:4", "--model", model_dir,
                       "--envs", 2, "--updates", 2, "--max-episode-steps", 3, "--out", out, "--no-progress")
    assert code == 0, err
    assert (out / "latest").is_file() and (out / "metrics.jsonl").read_text().count("\n") == 2
    code, text, err = run(capsys, "eval", "--model", out, "--difficulty", 1, "--seeds", "1000000:1000002",
                          "--episodes", 2, "--max-steps", 4, "--json")
    assert code == 0, err
    report = json.loads(text)
    assert [r["agent"] for r in report["rows"]] == ["run", "random", "guide", "solver"]
    assert [r["episodes"] for r in report["rows"]] == [4, 40, 4, 4]  # random: ten per model episode
    for guide_or_solver in report["rows"][2:]:  # at difficulty 1 the guide has nothing to explore
        assert guide_or_solver["success_rate"] == 1.0 and guide_or_solver["moves_over_optimal"] == 1.0
    code, _, err = run(capsys, "eval", "--model", out, "--difficulty", 1, "--seeds", "2:6")
    assert code == 2 and "overlaps the seeds this model trained on (0:4)" in err
    code, _, err = run(capsys, "train", "--out", out, "--resume", "--updates", 3, "--lr", 0.5)
    assert code == 2 and "--lr 0.5 differs" in err
    code, _, err = run(capsys, "train", "--out", out, "--resume", "--updates", 3, "--no-progress")
    assert code == 0, err
    assert (out / "latest").read_text().strip() == "checkpoints/update-000003"


def test_eval_on_wide_vocabulary_worlds(model_dir, capsys):
    code, text, err = run(capsys, "eval", "--model", model_dir, "--difficulty", 1, "--seeds", "1000000:1000002",
                          "--vocabulary", "wide", "--max-steps", 3, "--json")
    assert code == 0, err
    report = json.loads(text)
    assert report["worlds"] == "difficulty 1 seeds 1000000:1000002, wide vocabulary"
    assert report["rows"][-1]["success_rate"] == 1.0  # the solver wins the renamed worlds


def test_eval_table_on_a_world_file(model_dir, capsys):
    code, text, err = run(capsys, "eval", "--model", model_dir, "--world", "assets/worlds/tutorial.toml",
                          "--episodes", 1, "--max-steps", 5)
    assert code == 0, err
    lines = text.splitlines()
    assert lines[1].split()[:3] == ["agent", "episodes", "success"]
    assert [ln.split()[0] for ln in lines[3:]] == ["model", "random", "guide", "solver"]


@pytest.mark.parametrize("argv, message", [
    (["train", "--difficulty", 1, "--model", "/no/such/model"], "no such model folder"),
    (["train", "--world", "nowhere.toml", "--difficulty", 1, "--model", "x"], "--difficulty 1 goes with generated worlds"),
    (["train", "--difficulty", 1, "--train-seeds", "5:2", "--model", "x"], "need 0 <= A < B"),
    (["train", "--world", "missing.toml", "--model", "MODEL", "--out", "OUT"], "no such world file"),
    (["eval", "--model", "MODEL", "--difficulty", 1, "--seeds", "10:20"], "evaluation seeds start at 1000000"),
    (["eval", "--model", "MODEL"], "give one of --world PATH, --worlds DIR or --difficulty D"),
    (["train", "--resume", "--out", "OUT"], "no checkpoint to resume from"),
    (["train", "--world", "assets/worlds/tutorial.toml", "--vocabulary", "wide", "--model", "MODEL", "--out", "OUT"],
     "--vocabulary wide goes with --difficulty"),
    (["eval", "--model", "MODEL", "--world", "assets/worlds/tutorial.toml", "--vocabulary", "mixed"],
     "--vocabulary mixed goes with --difficulty"),
])
def test_bad_input_is_one_line_and_exit_2(model_dir, tmp_path, capsys, argv, message):
    argv = [str(model_dir) if a == "MODEL" else str(tmp_path / "o") if a == "OUT" else a for a in argv]
    code, _, err = run(capsys, *argv)
    assert code == 2 and message in err and err.count("\n") == 1
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def test_bench_train_prints_json(model_dir, capsys):
    import argparse

    from agent.bench import bench_train
    assert bench_train(argparse.Namespace(seconds=0.1, seed=0, difficulty=1, model=str(model_dir), envs=2)) == 0
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    for key in ("rollout_steps_per_s", "update_steps_per_s", "rollout_model_flops_per_s", "matmul_flops_per_s",
                "rollout_flops_over_matmul", "update_flops_over_matmul", "loop_over_bare_forward_backward"):
        assert figures[key] > 0, key
    import os
    expected = "helper process" if (os.cpu_count() or 1) > 1 else "this process"
    assert figures["progress_searches"] == expected  # the rollout is shaped as train shapes it
    assert bench_train(argparse.Namespace(seconds=0.1, seed=0, difficulty=1, model=str(model_dir), envs=2,
                                          max_steps=3, progress_here=True)) == 0
    here = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert here["progress_searches"] == "this process" and here["next_worlds"] == "made in the rollout"
    assert figures["next_worlds"] == ("made in a helper process" if expected == "helper process" else "made in the rollout")


def test_bench_counts_the_flops_a_state_needs(model_dir):
    from agent.bench import model_shape, state_flops
    from agent.lm import load_lm
    # 3-token prompt, candidates of 1 and 3 tokens: 5 tokens fed (3 + 0 + 2), logits at 3 rows
    # (prompt's last + 2), attention pairs 6 (prompt, causal) + 0 + (3 + 1) + (3 + 2)
    assert state_flops(3, [1, 3], (10, 100, 2, 4)) == 2 * 10 * 5 + 2 * 100 * 3 + 4 * 2 * 4 * 15
    model, _ = load_lm(str(model_dir))
    d, layers, vocab = model.config.n_embd, model.config.n_layer, model.config.vocab_size
    assert model_shape(model) == (12 * layers * d * d, vocab * d, layers, d)  # qkv, proj, 2 MLP matrices


def test_bench_imitate_compares_history_lengths_on_the_same_states(model_dir, capsys):
    code, out, _ = run(capsys, "bench", "imitate", "--model", model_dir, "--history", "4", "1", "--seconds", 0.2)
    assert code == 0
    figures = json.loads(out.strip().splitlines()[-1])
    long, short = figures["histories"]
    assert (long["history"], short["history"], figures["states"], figures["threads"]) == (4, 1, 256, 1)
    assert long["prompt_tokens"] > short["prompt_tokens"] > 0  # one earlier move instead of four
    assert long["over_first"] == 1.0 and short["states_per_s"] > 0
    assert short["over_first"] == pytest.approx(short["states_per_s"] / long["states_per_s"], abs=0.01)


def test_bench_npc_times_choices_in_a_bundled_world(model_dir, capsys):
    code, out, err = run(capsys, "bench", "npc", "--model", model_dir, "--world", "assets/worlds/tutorial.toml",
                         "--seconds", 0.3)
    assert code == 0, err
    figures = json.loads(out.strip().splitlines()[-1])
    assert figures["threads"] == 1 and figures["choices"] >= 1 and figures["world"].endswith("tutorial.toml")
    assert 0 < figures["median_ms"] <= figures["p95_ms"] <= figures["max_ms"] and figures["mean_candidates"] > 1
    code, _, err = run(capsys, "bench", "npc", "--model", model_dir, "--world", "nowhere.toml")
    assert code == 2 and "nowhere.toml" in err and err.count("\n") == 1


def test_eval_samples_like_the_npc_unless_greedy(model_dir, capsys, monkeypatch):
    import agent.evaluate
    seen = []
    real = agent.evaluate.evaluate

    def spy(*args, **kwargs):
        seen.append(kwargs["greedy"])
        return real(*args, **kwargs)
    monkeypatch.setattr(agent.evaluate, "evaluate", spy)
    for extra in ((), ("--greedy",)):
        code, _, err = run(capsys, "eval", "--model", model_dir, "--difficulty", 1, "--seeds", "1000000:1000002",
                           "--max-steps", 4, *extra)
        assert code == 0, err
    assert seen == [False, True]
