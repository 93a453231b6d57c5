"""Loading models and NPCs: bad input gets one clear LanternError; the NPC protocol."""

import json

import pytest

torch = pytest.importorskip("torch")

from agent.checkpoint import load_policy, save_policy  # noqa: E402
from agent.lm import load_lm  # noqa: E402
from agent.npc import LMNPC, load_npc  # noqa: E402
from game.env import LanternEnv  # noqa: E402
from game.errors import LanternError  # noqa: E402
from game.generator import generate  # noqa: E402
from tests.agent_fixtures.tiny import model_dir, tiny_model  # noqa: E402,F401


def test_unknown_paths_and_folders_without_a_model(tmp_path):
    with pytest.raises(LanternError, match="no such model folder"):
        load_lm(str(tmp_path / "nothing" / "here"))
    with pytest.raises(LanternError, match=r"not a model folder \(no config.json\)"):
        load_lm(str(tmp_path))
    (tmp_path / "file.bin").write_bytes(b"x")
    with pytest.raises(LanternError, match="is a file"):
        load_lm(str(tmp_path / "file.bin"))


def test_a_missing_folder_under_an_existing_one_is_not_taken_for_a_hub_id(tmp_path, monkeypatch):
    (tmp_path / "runs").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)  # it must not even try the hub
    with pytest.raises(LanternError, match="runs/typo: no such model folder"):
        load_lm("runs/typo")


def test_hub_id_offline_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(LanternError, match="not found in the local cache"):
        load_lm("lantern-test/no-such-model-anywhere")


def test_non_causal_architecture_and_corrupt_weights(tmp_path, model_dir):
    from transformers import BertConfig
    bert = tmp_path / "bert"
    bert.mkdir()
    BertConfig(vocab_size=50, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
               intermediate_size=32, is_decoder=False).save_pretrained(bert)
    with pytest.raises(LanternError, match="cannot load it"):
        load_lm(str(bert))
    broken = tmp_path / "broken"
    broken.mkdir()
    for f in model_dir.iterdir():
        (broken / f.name).write_bytes(f.read_bytes())
    (broken / "model.safetensors").write_bytes(b"garbage")
    with pytest.raises(LanternError, match="corrupt"):
        load_lm(str(broken))


def test_value_head_from_another_architecture_is_refused(tmp_path, model_dir, tmp_path_factory):
    other = tiny_model(tmp_path_factory, n_embd=32, n_head=2)
    policy = load_policy(str(other))
    mixed = tmp_path / "mixed"
    save_policy(policy, mixed, {})
    for f in ("config.json", "model.safetensors"):
        (mixed / f).write_bytes((model_dir / f).read_bytes())
    with pytest.raises(LanternError, match="another architecture"):
        load_policy(str(mixed))


def test_saved_policy_round_trips_settings_and_value_head(tmp_path, model_dir):
    policy = load_policy(str(model_dir), length_norm="word", history=2)
    torch.nn.init.constant_(policy.value_head.bias, 0.25)
    save_policy(policy, tmp_path / "p", {"trained_on": {"seeds": [0, 5]}})
    again = load_policy(str(tmp_path / "p"))
    assert again.config.length_norm == "word" and again.config.history == 2
    assert again.value_head.bias.item() == 0.25
    assert json.loads((tmp_path / "p" / "lantern.json").read_text())["trained_on"] == {"seeds": [0, 5]}


def test_npc_follows_the_protocol_and_does_not_step_the_env(model_dir):
    npc = load_npc(str(model_dir), seed=0)
    assert isinstance(npc, LMNPC) and npc.name
    env = LanternEnv(generate(2, 1))
    env.reset(seed=0)
    digest = env.state_hash()
    decision = npc.act(env, env.player_id)
    assert env.state_hash() == digest and env.steps == 0
    options = env.admissible(env.player_id)
    assert decision.command in options
    assert sorted(c for c, _ in decision.candidates) == sorted(options)
    assert sum(p for _, p in decision.candidates) == pytest.approx(1.0, abs=1e-5)
    probs = [p for _, p in decision.candidates]
    assert probs == sorted(probs, reverse=True) and isinstance(decision.value, float)
    env.step(decision.command)
    second = npc.act(env, env.player_id)  # remembers its last command in the prompt
    assert npc._memory[env.player_id][0] and second.command in env.admissible(env.player_id)


def test_load_npc_without_a_model_returns_none_or_the_bundled_one():
    from agent.lm import default_model
    npc = load_npc(None)
    # Play and watch never default to the base model: it plays worse than random.
    assert (npc is None) == (default_model(include_base=False) is None)
