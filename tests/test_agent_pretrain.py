"""pretrain: the corpus of the game's language, the tokenizer, and a small base model (tiny runs)."""

import json
import random

import pytest

torch = pytest.importorskip("torch")

import main
from agent.corpus import CorpusConfig, Step, build_corpus, explore, segments
from agent.pretrain import PretrainConfig, pretrain
from agent.prompt import PromptBuilder, View
from game.env import LanternEnv
from game.errors import LanternError
from tests.agent_fixtures.tiny import in_process

SMALL = {"episodes": 16, "steps": 8, "level_weights": (1, 1, 1, 0, 0, 0), "bundled_episodes": 1}
TINY = {"steps": 40, "vocab_size": 400, "n_layer": 1, "n_embd": 32, "n_head": 2, "n_positions": 512, "batch": 8,
        "lr": 3e-3, "warmup": 4, "eval_every": 20, "eval_docs": 32, "val_share": 0.25, "cpu": "pinned",
        "progress": False}


@pytest.fixture(scope="module")
def corpus():
    return build_corpus(CorpusConfig(**SMALL))


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    out = tmp_path_factory.mktemp("pretrain") / "npc-base"
    figures = pretrain(PretrainConfig(out=str(out), **TINY), CorpusConfig(**SMALL))
    return out, figures


def test_corpus_is_deterministic_and_seeded(corpus):
    again = build_corpus(CorpusConfig(**SMALL))
    assert again.documents == corpus.documents and again.names == corpus.names
    other = build_corpus(CorpusConfig(**{**SMALL, "seed": 1}))
    assert other.documents != corpus.documents


def test_corpus_has_descriptions_play_and_refusals_but_no_rewards_or_walkthroughs(corpus):
    text = "\n".join(corpus.documents)
    assert {n.split("-")[0] for n in corpus.names} >= {"d1", "d2", "d3", "tutorial.toml", "manor.toml"}
    assert all(int(n.split("-s")[1]) < 1_000_000 for n in corpus.names if n.startswith("d"))
    assert "> examine " in text and "-= " in text and "Exits:" in text
    assert "Goal: " in text and "\nCarrying: " in text and "\n> go " in text
    assert "can't see any" in text or "You can't go that way" in text  # refused commands are shown
    for marker in ("reward", "score", "walkthrough", "solution", "optimal"):
        assert marker not in text.lower()


class _Longest(random.Random):
    """Cuts every segment as long as allowed."""

    def randint(self, a, b):
        return b


def test_transcript_segments_are_laid_out_like_the_policy_prompt():
    env = LanternEnv("assets/worlds/manor.toml")
    steps = list(explore(env, CorpusConfig(**SMALL), random.Random(3)))[:4]
    assert len(steps) == 4 and all(isinstance(s, Step) for s in steps)
    [doc] = segments(steps, 4, _Longest())

    class Chars:  # one token per character: the prompt's text comes back exactly
        chat_template = None

        def encode(self, text, add_special_tokens=False):
            return [ord(c) for c in text]

    prompts = PromptBuilder(Chars(), budget=10_000, history=4)
    last = steps[-1]
    view = View(last.goal, last.observation, last.inventory, last.directive,
                [(s.observation, s.command) for s in steps[:-1]], last.todo)
    shown = prompts.build(view) + prompts.command_ids(last.command)
    assert "".join(map(chr, shown)) == doc


def test_tiny_pretrain_makes_a_loadable_model_whose_validation_loss_falls(base):
    out, figures = base
    assert figures["val_loss"] < figures["val_loss_initial"]
    assert {"config.json", "model.safetensors", "tokenizer.json", "README.md", "pretrain.json"} <= \
        {p.name for p in out.iterdir()}
    assert not any(p.name.endswith(".tmp") for p in out.parent.iterdir())
    card = (out / "README.md").read_text()
    assert "python main.py pretrain --out" in card and "Seed 0;" in card and "Validation loss" in card
    import torch
    assert f"({torch.backends.cpu.get_cpu_capability()} kernels)" in card  # the floats depend on them
    assert json.loads((out / "pretrain.json").read_text())["val_loss"] == figures["val_loss"]

    from agent.lm import load_lm
    from agent.npc import load_npc
    model, tokenizer = load_lm(str(out))
    assert tokenizer.pad_token_id == tokenizer.eos_token_id is not None
    assert model.config.n_positions == 512 and len(tokenizer) <= 400
    npc = load_npc(str(out), greedy=True)
    env = LanternEnv("assets/worlds/tutorial.toml")
    env.reset(seed=0)
    decision = npc.act(env, env.player_id)
    assert decision.command in env.info()["admissible_commands"]


def test_refuses_to_overwrite_without_force(base, capsys):
    out, _ = base
    before = (out / "model.safetensors").read_bytes()
    code = main.main(in_process(["pretrain", "--out", out, "--steps", "1"]))
    err = capsys.readouterr().err
    assert code == 2 and "already exists; add --force" in err and len(err.strip().splitlines()) == 1
    assert (out / "model.safetensors").read_bytes() == before


@pytest.mark.parametrize("argv", [["--steps", "0"], ["--corpus-episodes", "-3"], ["--cpu", "fast"]])
def test_bad_arguments_exit_2(argv, capsys, tmp_path):
    with pytest.raises(SystemExit) as exc:
        main.main(["pretrain", "--out", str(tmp_path / "m"), *argv])
    assert exc.value.code == 2 and "main.py pretrain: argument --" in capsys.readouterr().err
    assert not (tmp_path / "m").exists()


@pytest.mark.parametrize("kwargs, message", [
    ({"n_embd": 30, "n_head": 4}, "multiple of --n-head"), ({"vocab_size": 100}, "vocab-size"),
    ({"val_share": 0.7}, "val_share"), ({"steps": 0}, "steps must be at least 1")])
def test_bad_config_is_one_clear_error(kwargs, message):
    with pytest.raises(LanternError, match=message):
        PretrainConfig(**kwargs)
    with pytest.raises(LanternError, match="level_weights"):
        CorpusConfig(level_weights=(1, 1))


def test_a_corpus_too_small_to_split_is_one_clear_error(capsys, tmp_path):
    code = main.main(in_process(["pretrain", "--out", tmp_path / "m", "--corpus-episodes", "20", "--no-progress"]))
    err = capsys.readouterr().err
    assert code == 2 and "--corpus-episodes 20 is too few" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "m").exists()


def test_the_recorded_command_names_only_the_settings_off_the_defaults():
    assert PretrainConfig(out="m").command_line() == "python main.py pretrain --out m"
    bigger = PretrainConfig(out="m", n_layer=6, n_embd=192, n_head=6, force=True).command_line()
    assert bigger == "python main.py pretrain --out m --n-layer 6 --n-embd 192 --n-head 6"  # --force changes nothing
    assert PretrainConfig(out="m", seed=3, cpu="native").command_line().endswith("--seed 3 --cpu native")
    assert PretrainConfig(out="m", vocabulary="wide").command_line().endswith("--out m --vocabulary wide")


def test_a_wide_corpus_holds_the_wide_worlds_words():
    plain = build_corpus(CorpusConfig(**{**SMALL, "worlds_dir": None}))
    wide = build_corpus(CorpusConfig(**{**SMALL, "worlds_dir": None, "vocabulary": "wide"}))
    words = [set(" ".join(c.documents).lower().split()) for c in (plain, wide)]
    assert len(words[1] - words[0]) > 100


@pytest.mark.skipif(__import__("torch").cuda.is_available(), reason="this machine has a GPU")
def test_a_device_this_machine_lacks_is_refused():
    with pytest.raises(LanternError, match="--device cuda: not available on this machine"):
        PretrainConfig(out="m", device="cuda")
