"""The bag-of-words MaskablePPO baseline: features, learning, safe save/load, the command line."""

import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, strategies as st

pytest.importorskip("sb3_contrib")
torch = pytest.importorskip("torch")

from agent.baseline import (COMMAND_DIMS, SLOTS, STATE_DIMS, BaselineConfig, BaselineNPC, action_mask,  # noqa: E402
                            features, load_baseline, train_baseline)
from agent.evaluate import evaluate  # noqa: E402
from game.env import LanternEnv  # noqa: E402
from game.generator import generate  # noqa: E402
from tests.agent_fixtures.tiny import in_process, model_dir  # noqa: E402,F401 (fixture)
from tests.conftest import ROOT  # noqa: E402
from tests.test_agent_faults import scratch  # noqa: E402


def test_features_give_each_command_slot_its_words_and_mask_the_empty_ones():
    env = LanternEnv(generate(2, 3))
    obs, info = env.reset(seed=0)
    vec = features(obs, info)
    assert vec.shape == (STATE_DIMS + SLOTS * (COMMAND_DIMS + 2),) and vec[:STATE_DIMS].sum() > 0
    n = len(info["admissible_commands"])
    slot = lambda i: vec[STATE_DIMS + i * (COMMAND_DIMS + 2):STATE_DIMS + (i + 1) * (COMMAND_DIMS + 2)]  # noqa: E731
    assert all(slot(i)[:COMMAND_DIMS].sum() > 0 for i in range(n)) and not slot(n).any()
    assert action_mask(info).tolist() == [True] * n + [False] * (SLOTS - n)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    torch.set_num_threads(1)
    out = tmp_path_factory.mktemp("bl") / "run"
    return train_baseline(BaselineConfig(out=str(out), difficulty=1, steps=1024, n_steps=256, seed=0,
                                         max_episode_steps=12))


def test_it_learns_difficulty_one_well_above_chance_on_held_out_worlds(trained):
    worlds = [generate(1, s) for s in range(1_000_000, 1_000_020)]
    model, chance, _, _ = evaluate(None, worlds, 1, max_steps=12, npcs=(BaselineNPC(load_baseline(trained), seed=0),))
    # Measured over seeds 0-2 (1,024 steps): 0.70-0.85 won against chance's 0.30.
    assert model.success_rate >= chance.success_rate + 0.25, (model, chance)
    rows = [json.loads(line) for line in (trained / "metrics.jsonl").read_text().splitlines()]
    assert [r["global_step"] for r in rows] == [256, 512, 768, 1024]
    assert all({"update", "charts/success_rate", "charts/episodes"} <= r.keys() for r in rows)


def test_the_saved_policy_is_safetensors_and_loads_to_the_same_choices(trained):
    assert sorted(p.name for p in (trained / "policy").iterdir()) == ["baseline.json", "policy.safetensors"]
    loaded = load_baseline(trained)
    assert loaded.global_step == 1024 and loaded.config.difficulty == 1 and loaded.config.n_steps == 256
    assert json.loads((trained / "baseline.json").read_text())["global_step"] == 1024
    env = LanternEnv(generate(1, 1_000_003))
    env.reset(seed=0)
    a = BaselineNPC(load_baseline(trained), seed=5).act(env, "player")
    b = BaselineNPC(load_baseline(trained), seed=5).act(env, "player")
    assert a == b and np.isclose(sum(p for _, p in a.candidates), 1.0)


def test_a_folder_that_is_not_a_baseline_is_one_line(tmp_path):
    from game.errors import LanternError
    with pytest.raises(LanternError, match="not a baseline folder"):
        load_baseline(tmp_path)


@pytest.mark.parametrize("extra, message", [
    (["--seeds", "10:20"], "eval"),
    (["--compare", "/nonexistent-run"], "no metrics.jsonl"),
])
def test_bad_arguments_are_one_line(tmp_path, extra, message):
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "baseline", "--out", str(tmp_path / "b"),
                           "--steps", "64", *extra], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and message in done.stderr, done.stderr
    assert not (tmp_path / "b").exists()


def run_main(capsys, *argv):
    import main
    code = main.main(in_process(argv))
    out, err = capsys.readouterr()
    return code, out, err


EVAL = ["eval", "--difficulty", 1, "--seeds", "1000000:1000003", "--max-steps", 12]


def test_eval_reports_the_baseline_beside_the_random_agent_and_states_its_steps(trained, capsys):
    code, text, err = run_main(capsys, *EVAL, "--baseline", trained, "--no-model", "--json")
    assert code == 0, err
    report = json.loads(text)
    assert report["model"] is None and report["baseline"] == str(trained)
    assert report["env_steps"] == {"baseline": 1024}
    assert [r["agent"] for r in report["rows"]] == ["baseline", "random", "guide", "solver"]
    assert [r["episodes"] for r in report["rows"]] == [3, 30, 3, 3]
    direct = evaluate(None, [generate(1, s) for s in range(1_000_000, 1_000_003)], 1, max_steps=12,
                      npcs=(BaselineNPC(load_baseline(trained), seed=0),))
    assert report["rows"][0]["success_rate"] == direct[0].success_rate  # the same worlds, env seeds and sampling
    code, text, err = run_main(capsys, *EVAL, "--baseline", trained / "policy", "--no-model")
    assert code == 0, err
    lines = text.splitlines()
    assert lines[1] == "environment steps trained: baseline 1,024 (difficulty 1)"
    assert [ln.split()[0] for ln in lines[4:]] == ["baseline", "random", "guide", "solver"]


def test_eval_puts_the_baseline_after_a_trained_lm_and_compares_their_steps(trained, model_dir, tmp_path, capsys):
    run = tmp_path / "lm"
    code, _, err = run_main(capsys, "train", "--difficulty", 1, "--train-seeds", "0:4", "--envs", 2, "--updates", 1,
                            "--max-episode-steps", 3, "--out", run, "--no-progress", "--model", model_dir)
    assert code == 0, err
    lm_steps = json.loads((run / "metrics.jsonl").read_text().splitlines()[-1])["global_step"]
    code, text, err = run_main(capsys, *EVAL, "--model", run, "--baseline", trained, "--json")
    assert code == 0, err
    report = json.loads(text)
    assert report["env_steps"] == {"baseline": 1024, "model": lm_steps}
    assert [r["agent"] for r in report["rows"]] == ["lm", "baseline", "random", "guide", "solver"]
    code, text, err = run_main(capsys, *EVAL, "--model", run, "--baseline", trained)
    assert code == 0, err
    assert text.splitlines()[1] == (f"environment steps trained: model {lm_steps:,} in train (pretraining and "
                                    f"imitation not counted), baseline 1,024 (difficulty 1); the model trained "
                                    f"{lm_steps / 1024:.2f}x the baseline's steps")


VALID = {"out": "runs/bl", "difficulty": 2, "train_seeds": [0, 1000], "steps": 300, "seed": 0, "n_steps": 100,
         "max_episode_steps": 40, "hidden": 128}
json_values = st.recursive(st.none() | st.booleans() | st.integers(-5, 2_000_000) | st.floats(allow_nan=False)
                           | st.text(max_size=6), lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=4), inner, max_size=3), max_leaves=6)


@given(st.one_of(
    st.dictionaries(st.sampled_from([*VALID, "global_step"]), json_values).map(lambda d: {**VALID, **d}),
    st.sets(st.sampled_from(list(VALID))).map(lambda drop: {k: v for k, v in VALID.items() if k not in drop}),
    json_values.map(json.dumps), st.binary(max_size=30)))
def test_any_settings_file_reads_as_checked_settings_or_is_one_line(tmp_path_factory, data):
    from agent.baseline import read_settings
    from game.errors import LanternError
    path = scratch(tmp_path_factory, "baseline-settings") / "baseline.json"
    text = data if isinstance(data, (bytes, str)) else json.dumps(data)
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    try:
        config, steps = read_settings(path)
    except LanternError as exc:
        assert "\n" not in str(exc) and str(path.parent) in str(exc)
        return
    assert isinstance(data, dict) and type(steps) is int and steps >= 0
    assert (config.difficulty, config.hidden, config.n_steps) == (data["difficulty"], data["hidden"], data["n_steps"])
    assert steps == data.get("global_step", -(-data["steps"] // data["n_steps"]) * data["n_steps"])


def test_a_settings_file_without_global_step_counts_whole_rollouts(tmp_path):
    from agent.baseline import read_settings
    (tmp_path / "baseline.json").write_text(json.dumps(VALID))
    assert read_settings(tmp_path / "baseline.json")[1] == 300
    (tmp_path / "baseline.json").write_text(json.dumps({**VALID, "steps": 301}))
    assert read_settings(tmp_path / "baseline.json")[1] == 400  # PPO collects whole rollouts of n_steps


@pytest.mark.parametrize("damage, message", [
    (lambda p: (p / "baseline.json").write_text(json.dumps({**json.loads((p / "baseline.json").read_text()),
                                                             "hidden": 64})), "does not fit the settings"),
    (lambda p: (p / "policy.safetensors").write_bytes((p / "policy.safetensors").read_bytes()[:500]),
     "not readable safetensors"),
    (lambda p: (p / "policy.safetensors").unlink(), "not readable safetensors"),
    (lambda p: (p / "baseline.json").write_text("{"), "not valid JSON"),
])
def test_a_damaged_baseline_is_one_line(trained, tmp_path, damage, message):
    import shutil

    from game.errors import LanternError
    copy = tmp_path / "policy"
    shutil.copytree(trained / "policy", copy)
    damage(copy)
    with pytest.raises(LanternError, match=message) as caught:
        load_baseline(tmp_path)  # the run folder holding policy/
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("argv, message", [
    (["--baseline", "NOWHERE"], "no such folder"),
    (["--baseline", "FILE"], "is a file"),
    (["--baseline", "EMPTY"], "not a baseline folder"),
    (["--no-model"], "--no-model leaves the LM policy out"),
    (["--no-model", "--model", "x", "--baseline", "RUN"], "not both"),
    (["--baseline", "RUN", "--requests"], "--baseline goes with the success table"),
])
def test_bad_eval_baseline_arguments_are_one_line_and_exit_2(trained, tmp_path, capsys, argv, message):
    (tmp_path / "file").write_text("x")
    (tmp_path / "empty").mkdir()
    paths = {"NOWHERE": tmp_path / "nowhere", "FILE": tmp_path / "file", "EMPTY": tmp_path / "empty", "RUN": trained}
    code, out, err = run_main(capsys, *EVAL, *[paths.get(a, a) for a in argv])
    assert code == 2 and message in err and err.count("\n") == 1 and not out, err


def test_trained_env_steps_reads_train_records_and_refuses_damaged_ones(tmp_path):
    from agent.checkpoint import trained_env_steps
    from game.errors import LanternError
    assert trained_env_steps(tmp_path) is None  # e.g. a pretrained model
    (tmp_path / "train.json").write_text(json.dumps({"global_step": 4096, "update": 16}))
    assert trained_env_steps(tmp_path) == 4096
    (tmp_path / "train.json").write_text(json.dumps({"global_step": "many"}))
    with pytest.raises(LanternError, match="'global_step' is 'many', not a count"):
        trained_env_steps(tmp_path)
