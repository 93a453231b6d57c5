"""The bag-of-words MaskablePPO baseline: features, learning, safe save/load, the command line."""

import json
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("sb3_contrib")
torch = pytest.importorskip("torch")

from agent.baseline import (COMMAND_DIMS, SLOTS, STATE_DIMS, BaselineConfig, BaselineNPC, action_mask,  # noqa: E402
                            features, load_baseline, train_baseline)
from agent.evaluate import evaluate  # noqa: E402
from game.env import LanternEnv  # noqa: E402
from game.generator import generate  # noqa: E402
from tests.conftest import ROOT  # noqa: E402


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
