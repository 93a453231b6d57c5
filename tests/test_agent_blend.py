"""``main.py blend``: the weighted mean of models of one lineage, and the models it refuses."""

import json

import pytest

torch = pytest.importorskip("torch")

from agent.blend import BlendConfig, blend  # noqa: E402
from agent.checkpoint import export_policy, load_policy  # noqa: E402
from game.errors import LanternError  # noqa: E402
from tests.agent_fixtures.tiny import model_dir, tiny_model  # noqa: E402,F401 (fixture)


@pytest.fixture(scope="module")
def base(model_dir, tmp_path_factory):
    """The tiny model as a policy folder (with its value head: a folder without one loads a fresh one)."""
    out = tmp_path_factory.mktemp("base") / "model"
    export_policy(load_policy(str(model_dir)), out, {})
    return out


@pytest.fixture(scope="module")
def tuned(base, tmp_path_factory):
    """The tiny model with every weight (and the value head) moved: a stand-in for its fine-tune."""
    policy = load_policy(str(base))
    gen = torch.Generator().manual_seed(7)
    with torch.no_grad():
        for p in list(policy.model.parameters()) + list(policy.value_head.parameters()):
            p.add_(torch.randn(p.shape, generator=gen) * 0.05)
    out = tmp_path_factory.mktemp("tuned") / "model"
    export_policy(policy, out, {})
    return out


def test_a_blend_is_the_weighted_mean_of_every_weight_and_loads_as_a_policy(base, tuned, tmp_path):
    out = blend(BlendConfig(models=(str(base), str(tuned)), weights=(1, 3), out=str(tmp_path / "b")))
    a, b, mixed = (load_policy(str(m)) for m in (base, tuned, out))
    for module in (lambda p: p.model, lambda p: p.value_head):
        sa, sb, sm = (module(p).state_dict() for p in (a, b, mixed))
        for key in sa:
            assert torch.allclose(sm[key], 0.25 * sa[key] + 0.75 * sb[key], atol=1e-6), key
    assert not torch.equal(sa[key], sb[key])
    meta = json.loads((out / "lantern.json").read_text())
    assert [(b["model"], b["weight"]) for b in meta["blend"]] == [(str(base), 0.25), (str(tuned), 0.75)]
    assert meta["policy"] == json.loads((base / "lantern.json").read_text())["policy"]


def test_equal_weights_by_default(base, tuned, tmp_path):
    config = BlendConfig(models=(str(base), str(tuned)), out=str(tmp_path / "b"))
    assert config.weights == (0.5, 0.5)


@pytest.mark.parametrize("kw, message", [
    (dict(models=("a",)), "two or more models"),
    (dict(weights=(1.0,)), "1 weights for 2 models"),
    (dict(weights=(1.0, 0.0)), "above 0"),
])
def test_bad_settings_are_refused(base, tuned, tmp_path, kw, message):
    with pytest.raises(LanternError, match=message):
        BlendConfig(**{"models": (str(base), str(tuned)), "out": str(tmp_path / "b"), **kw})


def test_models_of_another_architecture_are_refused_and_nothing_is_written(base, tmp_path_factory, tmp_path):
    wider = tiny_model(tmp_path_factory, n_embd=32)
    with pytest.raises(LanternError, match="one architecture"):
        blend(BlendConfig(models=(str(base), str(wider)), out=str(tmp_path / "b")))
    assert not (tmp_path / "b").exists()


def test_models_that_read_the_game_another_way_are_refused(base, tmp_path):
    other = tmp_path / "history2"
    export_policy(load_policy(str(base), history=2), other, {})
    with pytest.raises(LanternError, match=r"prompt settings differ .*\(history\)"):
        blend(BlendConfig(models=(str(base), str(other)), out=str(tmp_path / "b")))


def test_a_fine_tune_that_reads_an_added_line_blends_and_the_blend_reads_it(base, tuned, tmp_path):
    named = tmp_path / "named"
    export_policy(load_policy(str(tuned), request_first=True, request_names=True), named, {})
    first = tmp_path / "first"
    export_policy(load_policy(str(base), request_first=True), first, {})
    out = blend(BlendConfig(models=(str(first), str(named)), out=str(tmp_path / "b")))
    config = load_policy(str(out)).config
    assert config.request_names and config.request_first
    with pytest.raises(LanternError, match=r"prompt settings differ .*\(request_first\)"):
        blend(BlendConfig(models=(str(base), str(named)), out=str(tmp_path / "c")))  # request_first is no added line


def test_the_command_writes_the_blend_and_a_bad_one_is_one_line(base, tuned, tmp_path, capsys):
    import main
    out = tmp_path / "b"
    assert main.main(["blend", "--models", f"{base},{tuned}", "--weights", "3,1", "--out", str(out)]) == 0
    assert "x 0.75" in capsys.readouterr().out
    assert json.loads((out / "lantern.json").read_text())["blend"][0]["weight"] == 0.75
    code = main.main(["blend", "--models", f"{base},{tuned}", "--weights", "3,1,1", "--out", str(tmp_path / "c")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "3 weights for 2 models" in err and not (tmp_path / "c").exists()
    missing = tmp_path / "nope"
    assert main.main(["blend", "--models", f"{base},{missing}", "--out", str(tmp_path / "c")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"--models {missing}: no such model folder" in err


def test_a_blend_keeps_every_training_seed_its_models_saw(base, tuned, tmp_path):
    """eval refuses held-out seeds that any of the blended models trained on."""
    import shutil

    from agent.checkpoint import read_meta, write_json
    copies = []
    for folder, record in ((base, {"difficulty": [1, 3], "seeds": [0, 1000]}),
                           (tuned, {"difficulty": [2, 4], "seeds": [500, 2000]})):
        copy = shutil.copytree(folder, tmp_path / folder.parent.name)
        write_json(copy / "lantern.json", {**read_meta(copy), "trained_on": record})
        copies.append(str(copy))
    out = blend(BlendConfig(models=tuple(copies), out=str(tmp_path / "b")))
    meta = read_meta(out)
    assert meta["trained_on"] == {"difficulty": [1, 4], "seeds": [0, 2000]}
    assert meta["blend"][1]["trained_on"]["seeds"] == [500, 2000]
    import main
    assert main.main(["eval", "--model", str(out), "--difficulty", "1", "--seeds", "1500:1502", "--cpu", "native"]) == 2
