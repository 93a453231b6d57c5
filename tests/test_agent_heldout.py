"""The held-out worlds stay out of training, and ``eval --worlds`` measures a model on them."""

import json
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

import main  # noqa: E402
from agent.corpus import WORLDS_DIR, CorpusConfig, build_corpus  # noqa: E402
from agent.worlds import EVAL_ONLY_DIRS, HELDOUT_DIR, TEXTWORLD_DIR  # noqa: E402
from game.errors import LanternError  # noqa: E402
from tests.agent_fixtures.tiny import in_process, model_dir  # noqa: E402,F401 (fixture)

HELD = sorted(p.stem for p in HELDOUT_DIR.glob("*.toml"))


def run(capsys, *argv):
    code = main.main(in_process(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def files_read(monkeypatch):
    """Every file read through Path.read_text while the test runs (resolved paths)."""
    seen: list[Path] = []
    real = Path.read_text

    def spy(self, *args, **kwargs):
        seen.append(self.resolve())
        return real(self, *args, **kwargs)
    monkeypatch.setattr(Path, "read_text", spy)
    return seen


def test_training_and_pretraining_read_the_bundled_worlds_and_never_the_held_out_ones(files_read):
    from agent.demos import bundled_demos
    from agent.pretrain import PretrainConfig
    from agent.train import _bundled_sources, _bundled_walkthroughs
    assert HELDOUT_DIR.is_dir() and len(HELD) >= 5 and HELDOUT_DIR != WORLDS_DIR
    assert PretrainConfig(out="unused").corpus_config().worlds_dir == WORLDS_DIR
    build_corpus(CorpusConfig(episodes=4, steps=4, level_weights=(1, 0, 0, 0, 0, 0), bundled_episodes=1))
    bundled_demos(1)
    _bundled_sources(_bundled_walkthroughs(), None)
    worlds = [p for p in files_read if p.suffix == ".toml"]
    bundled = sorted(WORLDS_DIR.glob("*.toml"))
    assert worlds.count(bundled[0]) == 3  # each path above read the bundled worlds once
    assert set(worlds) == set(bundled)
    assert not [p for p in files_read for folder in EVAL_ONLY_DIRS if folder in p.parents]


def test_the_authored_training_worlds_join_training_only_when_asked_and_are_not_the_held_out_ones(files_read):
    from agent.demos import bundled_demos
    from game.assets import AUTHORED_DIR, learning_worlds
    from game.loader import load_world_folder
    authored = sorted(AUTHORED_DIR.glob("*.toml"))
    assert len(authored) >= 6 and AUTHORED_DIR not in EVAL_ONLY_DIRS
    assert [stem for stem, _ in learning_worlds()] == sorted(p.stem for p in WORLDS_DIR.glob("*.toml"))
    titles = {w.title for _, w in learning_worlds(authored=True)}
    assert {p.resolve() for p in files_read if p.suffix == ".toml"} == {p.resolve() for p in authored} | {
        p.resolve() for p in WORLDS_DIR.glob("*.toml")}
    assert not [p for p in files_read for folder in EVAL_ONLY_DIRS if folder in p.parents]
    assert len(titles) == len(authored) + len(list(WORLDS_DIR.glob("*.toml")))  # no two share a title
    assert not titles & {w.title for _, w in load_world_folder(HELDOUT_DIR)}
    assert not {p.stem for p in authored} & set(HELD)
    assert bundled_demos(0, authored=True) == []


def test_the_held_out_folder_is_refused_as_training_material(model_dir, tmp_path, capsys):
    from agent.train_config import TrainConfig
    with pytest.raises(LanternError, match="assets/heldout/ are for evaluation only"):
        CorpusConfig(worlds_dir=HELDOUT_DIR)
    with pytest.raises(LanternError, match="--world"):
        TrainConfig(model=str(model_dir), out=str(tmp_path / "r"), world=str(HELDOUT_DIR / f"{HELD[0]}.toml"))
    code, _, err = run(capsys, "train", "--world", f"assets/heldout/{HELD[0]}.toml", "--model", model_dir,
                       "--out", tmp_path / "run", "--updates", 1)
    assert code == 2 and err.count("\n") == 1 and "for evaluation only" in err
    assert not (tmp_path / "run").exists()
    assert CorpusConfig(worlds_dir=WORLDS_DIR).worlds_dir == WORLDS_DIR  # the bundled folder is fine


def test_the_textworld_games_are_refused_as_training_material_too(model_dir, tmp_path, capsys):
    from agent.train_config import TrainConfig
    games = sorted(TEXTWORLD_DIR.glob("*.toml"))
    assert TEXTWORLD_DIR in EVAL_ONLY_DIRS and len(games) >= 10
    with pytest.raises(LanternError, match="assets/textworld/ are for evaluation only"):
        CorpusConfig(worlds_dir=TEXTWORLD_DIR)
    with pytest.raises(LanternError, match="assets/textworld/ are for evaluation only"):
        TrainConfig(model=str(model_dir), out=str(tmp_path / "r"), world=str(games[0]))
    code, _, err = run(capsys, "train", "--world", f"assets/textworld/{games[0].name}", "--model", model_dir,
                       "--out", tmp_path / "run", "--updates", 1)
    assert code == 2 and err.count("\n") == 1 and "for evaluation only" in err
    assert not (tmp_path / "run").exists()


def test_eval_worlds_prints_one_row_per_world_and_the_average(model_dir, capsys):
    code, text, err = run(capsys, "eval", "--model", model_dir, "--worlds", "assets/heldout",
                          "--episodes", 1, "--max-steps", 3)
    assert code == 0, err
    lines = text.splitlines()
    assert f"{len(HELD)} worlds in assets/heldout" in lines[0]
    assert lines[1].split() == ["world", "optimal", "model", "x", "opt", "random", "x", "opt",
                                "guide", "x", "opt", "solver", "x", "opt"]
    rows = [ln.split() for ln in lines[3:] if not ln.startswith("-")]
    assert [r[0] for r in rows] == [*HELD, "average"]
    for r in rows[:-1]:  # three steps win nothing, but the solver's walkthrough is the optimum
        assert 10 <= int(r[1]) <= 30 and r[2:8:2] == ["0.0%"] * 3 and r[8:] == ["100.0%", "1.00"]


def test_eval_worlds_json_averages_the_worlds(model_dir, capsys):
    code, text, err = run(capsys, "eval", "--model", model_dir, "--worlds", "assets/heldout",
                          "--episodes", 2, "--max-steps", 2, "--json")
    assert code == 0, err
    report = json.loads(text)
    assert report["episodes_per_world"] == 2 and report["worlds"] == "assets/heldout"
    assert [w["world"] for w in report["per_world"]] == HELD
    for world in report["per_world"]:
        assert [r["agent"] for r in world["rows"]] == ["model", "random", "guide", "solver"]
        assert [r["episodes"] for r in world["rows"]] == [2, 20, 2, 2]
    average = report["average"]
    assert [r["episodes"] for r in average] == [2 * len(HELD), 20 * len(HELD), 2 * len(HELD), 2 * len(HELD)]
    optimal = [w["optimal"] for w in report["per_world"]]
    assert average[3]["mean_moves"] == pytest.approx(sum(optimal) / len(optimal))
    assert average[3]["success_rate"] == 1.0 and average[0]["success_rate"] == 0.0


@pytest.mark.parametrize("argv, message", [
    (["--worlds", "no/such/folder"], "no such folder"),
    (["--worlds", "assets/worlds/tutorial.toml"], "is a file, not a folder"),
    (["--worlds", "assets/heldout", "--world", "assets/worlds/tutorial.toml"], "give one of --world PATH"),
    (["--worlds", "assets/heldout", "--seeds", "1000000:1000002"], "--seeds goes with --difficulty"),
])
def test_bad_eval_worlds_input_is_one_line_and_exit_2(model_dir, capsys, argv, message):
    code, out, err = run(capsys, "eval", "--model", model_dir, *argv)
    assert code == 2 and message in err and err.count("\n") == 1 and out == ""
