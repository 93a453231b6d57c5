"""LoRA through peft on tiny random GPT-2, Llama and Qwen2 models: only the adapters and the
value head train, checkpoints hold the adapter and resume exactly, exports are merged models."""

import json

import pytest
from hypothesis import given, strategies as st

torch = pytest.importorskip("torch")
pytest.importorskip("peft")

import main  # noqa: E402
from agent.checkpoint import load_policy  # noqa: E402
from agent.imitate import ImitateConfig, imitate  # noqa: E402
from agent.lm import load_lm  # noqa: E402
from agent.lora import LoraSettings, add_lora, is_lora, lora_policy  # noqa: E402
from agent.policy import LMPolicy  # noqa: E402
from agent.train import Trainer, TrainConfig  # noqa: E402
from game.errors import LanternError  # noqa: E402
from safetensors.torch import load_file  # noqa: E402
from tests.agent_fixtures.tiny import IMITATE, TRAIN, in_process, tiny_model  # noqa: E402

ARCHS = ("gpt2", "llama", "qwen2")
WORLD = dict(difficulty=1, train_seeds=(0, 1), max_episode_steps=3)


@pytest.fixture(scope="module")
def texts():
    """Tokenizer text for the tiny models (a small corpus: a small vocabulary is enough)."""
    from agent.tiny import game_corpus
    return tuple(game_corpus(difficulties=(1,), seeds=range(3), steps=8))


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def tiny(tmp_path_factory, texts, arch):
    return tiny_model(tmp_path_factory, texts=texts, arch=arch, vocab_size=400, n_embd=32)  # built once each


def config(model, out, **kw):
    base = dict(TRAIN, model=str(model), out=str(out), progress=False, record_every=0, envs=2, lr=1e-2,
                batch=4, ppo_epochs=2, lora=4, **WORLD)
    return TrainConfig(**{**base, **kw})


def scores(policy):
    """Choose-mode log pi and values over a few fixed prompts and candidates."""
    tok = policy.tokenizer
    prompts = [tok.encode("You are in the hall. Goal: take the die.\n> "), tok.encode("A dark cellar.\n> ")]
    cands = [[tok.encode(c) for c in ("take die", "go north", "look")], [tok.encode(c) for c in ("go up", "wait")]]
    with torch.no_grad():
        out = policy.score(prompts, cands)
    return out.logp, out.values


@pytest.mark.parametrize("arch", ARCHS)
def test_the_policy_reads_the_signature_of_the_model_under_the_wrapper(tmp_path_factory, texts, arch):
    folder = tiny(tmp_path_factory, texts, arch)
    model, tok = load_lm(str(folder))
    plain = LMPolicy(model, tok)
    wrapped = LMPolicy(add_lora(load_lm(str(folder))[0], LoraSettings(4), str(folder)), tok)
    assert is_lora(wrapped.model)
    assert (wrapped._keep_kw, wrapped._cache_kw) == (plain._keep_kw, plain._cache_kw) == ("logits_to_keep", "cache")
    wrapped.value_head.load_state_dict(plain.value_head.state_dict())
    # fresh adapters add zero (B = 0): the wrapper scores as the bare model, on every path
    for method in ("flat", "packed", "cached", "full") if arch == "gpt2" else ("packed", "cached", "full"):
        a, b = plain.score([tok.encode("a hall\n> ")], [[tok.encode("go north"), tok.encode("take die")]],
                           method=method), \
            wrapped.score([tok.encode("a hall\n> ")], [[tok.encode("go north"), tok.encode("take die")]],
                          method=method)
        assert torch.allclose(a.logp, b.logp, atol=1e-6) and torch.allclose(a.values, b.values, atol=1e-6)


@pytest.mark.parametrize("arch", ARCHS)
def test_lora_trains_only_the_adapters_and_value_head_and_exports_a_merged_model(tmp_path_factory, texts, arch):
    folder = tiny(tmp_path_factory, texts, arch)
    tmp = tmp_path_factory.mktemp("lora")
    before = load_policy(str(folder))
    torch.manual_seed(0)
    trainer = Trainer(config(folder, tmp / "run", updates=2, export=str(tmp / "merged")))
    adapters0 = {k: v.clone() for k, v in trainer.policy.state_dict().items() if "lora_" in k}
    head0 = {k: v.clone() for k, v in trainer.policy.value_head.state_dict().items()}
    assert trainer.policy.state_dict().keys() - adapters0.keys() and adapters0
    trainer.train()
    # a checkpoint is the adapter plus the value head, never the whole model
    checkpoint = tmp / "run" / (tmp / "run" / "latest").read_text().strip()
    names = {p.name for p in checkpoint.iterdir()}
    assert {"adapter_model.safetensors", "adapter_config.json", "value_head.safetensors",
            "optimizer.safetensors", "rng.safetensors", "tokenizer.json"} <= names
    assert not names & {"model.safetensors", "README.md"}
    assert not any(n.endswith((".bin", ".pt", ".pkl")) for n in names)
    adapter = load_file(str(checkpoint / "adapter_model.safetensors"))
    assert adapter and all("lora_" in k for k in adapter)
    # the base weights are the starting model's, bit for bit; the adapters and the head moved
    resumed = load_policy(str(tmp / "run"))
    assert is_lora(resumed.model)
    base = {k.replace(".base_layer", ""): v for k, v in resumed.model.get_base_model().state_dict().items()
            if "lora_" not in k}
    start = before.model.state_dict()
    assert base.keys() == start.keys() and all(torch.equal(base[k], start[k]) for k in start)
    trained = resumed.state_dict()
    assert any(not torch.equal(trained[k], v) for k, v in adapters0.items())
    assert any(not torch.equal(resumed.value_head.state_dict()[k], v) for k, v in head0.items())
    # the export is a plain model folder that scores as the adapter model does
    exported = load_policy(str(tmp / "merged"))
    assert not is_lora(exported.model) and not (tmp / "merged" / "adapter_config.json").exists()
    assert (tmp / "merged" / "model.safetensors").is_file()
    (lp_a, v_a), (lp_m, v_m) = scores(resumed), scores(exported)
    assert torch.allclose(lp_a, lp_m, atol=1e-5) and torch.allclose(v_a, v_m, atol=1e-5)
    assert not torch.allclose(lp_m, scores(before)[0], atol=1e-4)  # and it is not the starting model


@pytest.mark.parametrize("arch", ["qwen2", "gpt2"])
def test_a_lora_run_resumes_exactly(tmp_path_factory, texts, arch):
    folder = tiny(tmp_path_factory, texts, arch)
    tmp = tmp_path_factory.mktemp("resume")
    kw = dict(envs=2, checkpoint_every=2, algo="ppo")
    Trainer(config(folder, tmp / "a", updates=4, **kw)).train()
    Trainer(config(folder, tmp / "b", updates=2, **kw)).train()
    Trainer(config(folder, tmp / "b", updates=4, **kw), resume=True).train()
    for name in ("adapter_model.safetensors", "value_head.safetensors", "optimizer.safetensors", "rng.safetensors"):
        a, b = (load_file(str(tmp / r / "checkpoints" / "update-000004" / name)) for r in "ab")
        assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a), name
    strip = lambda p: [{k: v for k, v in json.loads(line).items() if "per_second" not in k}  # noqa: E731
                       for line in p.read_text().splitlines()]
    assert strip(tmp / "a" / "metrics.jsonl") == strip(tmp / "b" / "metrics.jsonl")


def test_imitate_with_lora_writes_a_merged_model(tmp_path_factory, texts):
    folder = tiny(tmp_path_factory, texts, "llama")
    out = tmp_path_factory.mktemp("imitate") / "npc"
    record = imitate(ImitateConfig(**dict(IMITATE, model=str(folder), out=str(out), worlds=2, epochs=1, batch=8, lr=1e-2,
                                   progress=False, lora=2, lora_alpha=4.0, lora_targets=("q_proj", "v_proj"))))
    assert record["config"]["lora"] == 2 and record["config"]["lora_targets"] == ["q_proj", "v_proj"]
    assert (out / "model.safetensors").is_file() and not (out / "adapter_config.json").exists()
    cloned, start = load_policy(str(out)), load_policy(str(folder))
    changed = {k for k, v in cloned.model.state_dict().items() if not torch.equal(v, start.model.state_dict()[k])}
    assert changed and all(k.endswith(("q_proj.weight", "v_proj.weight")) for k in changed)


def test_lora_flags_through_main(tmp_path_factory, texts, capsys):
    folder = tiny(tmp_path_factory, texts, "gpt2")
    run = tmp_path_factory.mktemp("cli") / "run"
    argv = ["train", "--model", folder, "--difficulty", "1", "--train-seeds", "0:1", "--max-episode-steps", "2",
            "--envs", "2", "--updates", "1", "--out", run, "--no-progress", "--record-every", "0",
            "--lora", "2", "--lora-alpha", "8", "--lora-targets", "c_attn"]
    assert main.main(in_process(argv)) == 0
    saved = json.loads((run / "checkpoints" / "update-000001" / "adapter_config.json").read_text())
    assert (saved["r"], saved["lora_alpha"], saved["target_modules"]) == (2, 8, ["c_attn"])
    argv[argv.index("--lora") + 1] = "3"
    assert main.main(in_process(argv + ["--resume"])) == 2
    assert "--lora 3 differs from the run's saved setting" in capsys.readouterr().err


@pytest.mark.parametrize("kw, message", [
    (dict(lora=-1), "--lora must be at least 0"),
    (dict(lora=0, lora_alpha=8.0), "add --lora R"),
    (dict(lora=0, lora_targets=("q_proj",)), "add --lora R"),
    (dict(lora_alpha=0.0), "--lora-alpha must be positive"),
    (dict(lora_targets=("",)), "--lora-targets: expected module names"),
])
def test_bad_lora_settings_are_refused(tmp_path, kw, message):
    with pytest.raises(LanternError, match=message):
        config(tmp_path, tmp_path / "run", **kw)


def test_a_target_the_model_lacks_or_a_missing_base_is_one_line(tmp_path_factory, texts):
    folder = tiny(tmp_path_factory, texts, "qwen2")
    policy = load_policy(str(folder))
    with pytest.raises(LanternError, match=r"c_attn is not a module of this qwen2 model; .*q_proj"):
        lora_policy(policy, LoraSettings(2, targets=("c_attn",)), str(folder))
    run = tmp_path_factory.mktemp("base") / "run"
    Trainer(config(folder, run, updates=1)).train()
    adapter = run / "checkpoints" / "update-000001" / "adapter_config.json"
    body = json.loads(adapter.read_text())
    adapter.write_text(json.dumps({**body, "base_model_name_or_path": str(run / "gone")}))
    with pytest.raises(LanternError, match="its LoRA adapter's base model cannot be loaded") as err:
        load_policy(str(run))
    assert "\n" not in str(err.value)


NAMES = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,11}", fullmatch=True)


@given(st.lists(NAMES, min_size=1, max_size=5), st.sampled_from([",", ", ", " ,"]))
def test_lora_targets_parse_back_to_the_names_given(names, comma):
    from agent.lora import check_lora, parse_targets
    targets = parse_targets(comma.join(names))
    assert targets == tuple(names)
    check_lora(4, None, targets)  # accepted


@given(st.text(max_size=40))
def test_any_lora_targets_text_is_accepted_or_refused_in_one_line(text):
    from agent.lora import check_lora, parse_targets
    try:
        check_lora(4, 8.0, parse_targets(text))
    except LanternError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("--lora-targets")
