"""Settings written once: each command's flags are built from its config dataclass, the defaults are
the shipped recipe, and the models' rebuild commands give the settings the models record."""

import dataclasses
import json
import re
import shlex
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

torch = pytest.importorskip("torch")  # the configs check --device with it

import main  # noqa: E402
from agent.config_cli import command_line, config_from_args  # noqa: E402
from agent.eval_config import EvalConfig  # noqa: E402
from agent.imitate_config import ImitateConfig  # noqa: E402
from agent.pretrain_config import PretrainConfig  # noqa: E402
from agent.train_config import MODEL_SETTINGS, TrainConfig  # noqa: E402
from game.errors import LanternError  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NPC, BASE = ROOT / "assets/models/npc", ROOT / "assets/models/npc-base"
CONFIGS = {"train": TrainConfig, "imitate": ImitateConfig, "pretrain": PretrainConfig, "eval": EvalConfig}
REQUIRED = {"imitate": ["--out", "runs/x"], "eval": ["--difficulty", "1"]}

# The shipped recipe, each setting spelled out, as the model card gave it before the defaults were it.
IMITATE_RECIPE = ("--difficulty 1 --max-difficulty 3 --worlds 150 --request-worlds 0 --epochs 3 --dagger-rounds 4 "
                  "--dagger-worlds 60 --settle-epochs 1 --seed 2 --bundled 8 --journal --expert guide --alternatives "
                  "--history 1 --threads 1 --kernels avx2")
TRAIN_RECIPE = ("--difficulty 3 --max-difficulty 3 --bundled-share 0.25 --request-share 0.3 --envs 16 --lr 1e-4 "
                "--gamma 0.95 --gae-lambda 0.7 --step-penalty 0.02 --progress-reward 0.2 --entropy-coef 0.001 "
                "--value-coef 0.1 --kl-coef 0.2 --ppo-epochs 2 --max-episode-steps 40 --steps 6000 --threads 1 "
                "--workers 2 --seed 1 --kernels avx2")
PRETRAIN_RECIPE = "--seed 0 --steps 1200 --corpus-episodes 1200 --threads 1 --kernels avx2"


def older(argv: list[str]) -> list[str]:
    """An older command line in today's flags: --threads and --workers are part of --cpu (the recipe's
    commands pin AVX2 kernels, i.e. --cpu pinned, whose one thread gives the floats of any count)."""
    out, skip = [], False
    for word in argv:
        if skip:
            skip = False
        elif word in ("--threads", "--workers"):
            skip = True
        else:
            out.append(word)
    return out


def parse(command: str, argv: list[str]):
    """The config ``python main.py COMMAND ARGV`` makes (without running it)."""
    args = main.build_parser().parse_args([command, *older(argv)])
    return config_from_args(CONFIGS[command], args)


def card_commands(card: Path) -> dict[str, list[str]]:
    """The ``python main.py ...`` commands of a model card's rebuild block, by command (the last of each)."""
    found = {}
    for line in card.read_text(encoding="utf-8").splitlines():
        if line.startswith("python main.py "):
            words = shlex.split(line)[2:]
            found[words[0]] = words[1:]
    return found


def as_saved(value):
    return list(value) if isinstance(value, tuple) else value


# -- the flags are the fields --------------------------------------------------------------------

@pytest.mark.parametrize("command", CONFIGS)
def test_every_flag_is_a_field_with_one_help_and_one_default(command, capsys):
    with pytest.raises(SystemExit):
        main.main([command, "--help"])
    text = capsys.readouterr().out
    cls = CONFIGS[command]
    for f in dataclasses.fields(cls):
        meta = f.metadata["cli"]
        assert meta["help"], f.name
        if meta["cli"]:
            assert f"--{f.name.replace('_', '-')}" in text, f.name
    for paragraph in re.split(r"\n  (?=-)", text):
        assert paragraph.count("(default") <= 1, paragraph
        assert not re.search(r"\(\d[\de.-]*\)", paragraph.replace("(0 = ", "")), paragraph  # no "(8)" style


@pytest.mark.parametrize("command", CONFIGS)
def test_a_command_with_no_flags_is_the_config_defaults(command):
    required = {"imitate": {"out": "runs/x"}, "eval": {"difficulty": 1}}.get(command, {})
    assert parse(command, REQUIRED.get(command, [])) == CONFIGS[command](**required)


def test_the_train_help_keeps_its_groups():
    parser = main.build_parser()
    train = parser._subparsers._group_actions[0].choices["train"]
    titles = [g.title for g in train._action_groups]
    assert titles[-3:] == ["worlds", "run", "learning"]


@pytest.mark.parametrize("flag", [f"--{name}" for name in MODEL_SETTINGS])
def test_train_takes_no_flag_that_contradicts_the_starting_model(flag, capsys):
    with pytest.raises(SystemExit) as exc:
        main.main(["train", flag, "1"])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and err.count("\n") == 1
    assert f"{flag}: the starting model's setting (saved in its lantern.json by imitate) is kept" in err


def test_one_name_per_meaning_and_the_older_spellings_still_parse():
    assert parse("train", ["--minibatch", "8"]).batch == 8 == parse("train", ["--batch", "8"]).batch
    assert parse("eval", ["--difficulty", "1", "--kernels", "native"]).cpu == "native"
    assert parse("pretrain", ["--kernels", "avx2"]).cpu == "pinned"
    assert TrainConfig.from_json({"difficulty": 1, "minibatch": 8, "kernels": "native", "workers": 2,
                                  "history": None, "model": "m"}).batch == 8


def test_a_world_file_turns_the_generated_world_settings_off():
    run = parse("train", ["--world", "assets/worlds/tutorial.toml", "--model", "m"])
    assert (run.difficulty, run.max_difficulty, run.bundled_share, run.request_share) == (None, None, 0.0, 0.0)
    assert run.out == "runs/ppo-tutorial-s1"
    with pytest.raises(LanternError, match="--bundled-share 0.5 goes with generated worlds"):
        parse("train", ["--world", "assets/worlds/tutorial.toml", "--bundled-share", "0.5", "--model", "m"])


# -- the defaults are the recipe -------------------------------------------------------------------

def test_the_recipe_spelled_out_is_the_defaults():
    assert parse("imitate", ["--out", "runs/x", *IMITATE_RECIPE.split()]) == parse("imitate", ["--out", "runs/x"])
    model = ["--model", "runs/npc-imitate-follow"]
    assert parse("train", [*model, *TRAIN_RECIPE.split()]) == parse("train", model)
    assert parse("pretrain", PRETRAIN_RECIPE.split()) == PretrainConfig()
    assert PretrainConfig().command_line() == "python main.py pretrain --out assets/models/npc-base"


@pytest.mark.skipif(not (NPC / "train.json").is_file(), reason="the shipped NPC is not here")
def test_the_npc_card_commands_give_the_settings_the_shipped_npc_records():
    commands = card_commands(NPC / "README.md")
    saved = json.loads((NPC / "train.json").read_text())["config"]
    run = parse("train", commands["train"])
    renamed = {"minibatch": "batch", "kernels": "cpu"}
    for key, value in saved.items():
        name = renamed.get(key, key)
        if key == "kernels":
            value = {"avx2": "pinned"}.get(value, "native")
        if name in {f.name for f in dataclasses.fields(TrainConfig)} and name != "progress":
            assert as_saved(getattr(run, name)) == value, key
    layout = json.loads((NPC / "lantern.json").read_text())["policy"]
    imitation = parse("imitate", commands["imitate"])
    for key in ("history", "journal", "length_norm", "prompt_tokens", "request_first", "prompt_fit", "read_commands",
                "journal_wording"):  # what train kept
        assert getattr(imitation, key) == layout[key], key


@pytest.mark.skipif(not (BASE / "pretrain.json").is_file(), reason="the shipped base model is not here")
def test_the_base_card_command_gives_the_settings_the_shipped_base_records():
    record = json.loads((BASE / "pretrain.json").read_text())
    for argv in (card_commands(BASE / "README.md")["pretrain"], shlex.split(record["command"])[3:]):
        config = parse("pretrain", argv)
        for key, value in record["config"].items():
            assert getattr(config, key) == value, key  # threads and kernels: what --cpu pinned pins


# -- a config's command line makes that config ------------------------------------------------------

@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**6), steps=st.integers(1, 5000), n_layer=st.integers(1, 8),
       vocabulary=st.sampled_from(["plain", "wide", "mixed"]), cpu=st.sampled_from(["pinned", "native"]),
       out=st.sampled_from(["m", "runs/base", "a b/c"]))
def test_a_pretrain_command_line_parses_back_to_its_config(seed, steps, n_layer, vocabulary, cpu, out):
    config = PretrainConfig(out=out, seed=seed, steps=steps, n_layer=n_layer, n_head=1, vocabulary=vocabulary,
                            cpu=cpu)
    assert parse("pretrain", shlex.split(command_line("pretrain", config))[3:]) == config


@settings(max_examples=25, deadline=None)
@given(journal=st.booleans(), history=st.integers(0, 6), kinds=st.sampled_from([(), ("go",), ("go", "take")]),
       seeds=st.sampled_from([(0, 1000), (5, 400)]), batch=st.integers(1, 64), lr=st.sampled_from([3e-4, 0.01, 1.5]))
def test_an_imitate_command_line_parses_back_to_its_config(journal, history, kinds, seeds, batch, lr):
    config = ImitateConfig(out="runs/x", model="m", journal=journal, history=history, request_kinds=kinds,
                           train_seeds=seeds, batch=batch, lr=lr, request_worlds=min(300, seeds[1] - seeds[0]))
    argv = shlex.split(command_line("imitate", config, always=("out",)))[3:]
    assert parse("imitate", argv) == config
