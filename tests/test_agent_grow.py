"""``main.py grow``: a deeper model that chooses exactly as the model it grew from."""

import json

import pytest

torch = pytest.importorskip("torch")

from agent.checkpoint import export_policy, load_policy  # noqa: E402
from agent.grow import GrowConfig, grow, placement  # noqa: E402
from agent.prompt import View  # noqa: E402
from game.env import LanternEnv  # noqa: E402
from game.errors import LanternError  # noqa: E402
from game.generator import generate  # noqa: E402
from tests.agent_fixtures.tiny import model_dir, tiny_model  # noqa: E402,F401 (fixture)
from tests.test_agent_cli import run  # noqa: E402


@pytest.fixture(scope="module")
def base(model_dir, tmp_path_factory):
    """The tiny model as a policy folder with a value head of its own."""
    policy = load_policy(str(model_dir))
    with torch.no_grad():
        policy.value_head.weight.normal_(0, 0.5, generator=torch.Generator().manual_seed(1))
    out = tmp_path_factory.mktemp("base") / "model"
    export_policy(policy, out, {"trained_on": {"difficulty": [1, 2], "seeds": [0, 100]}})
    return out


def test_new_blocks_are_spread_among_the_old_ones():
    assert placement(2, 4) == [0, None, 1, None]
    assert placement(4, 6) == [0, 1, None, 2, 3, None]
    assert placement(3, 4) == [0, 1, 2, None]


def test_the_grown_model_has_more_blocks_and_scores_every_command_as_before(base, tmp_path):
    out, before, after = grow(GrowConfig(model=str(base), out=str(tmp_path / "g")))
    small, big = load_policy(str(base)), load_policy(str(out))
    assert (before, after) == (small.model.config.n_layer, 2 * small.model.config.n_layer)
    assert big.model.config.n_layer == after
    assert sum(p.numel() for p in big.model.parameters()) > sum(p.numel() for p in small.model.parameters())
    env = LanternEnv(generate(2, 3))
    obs, info = env.reset(seed=0)
    views, options = [], []
    for command in info["admissible_commands"][:3]:  # a few states along the way
        views.append(View.from_info(env.observation(), env.info(), []))
        options.append(env.info()["admissible_commands"])
        env.step(command)
    with torch.no_grad():
        a, *_ = small.act(views, options, torch.Generator().manual_seed(0))
        b, *_ = big.act(views, options, torch.Generator().manual_seed(0))
    assert a.commands == b.commands
    for p, q in zip(a.probs, b.probs):
        assert p == pytest.approx(q, abs=1e-6)
    assert torch.allclose(a.values, b.values, atol=1e-6)
    meta = json.loads((out / "lantern.json").read_text())
    assert meta["policy"] == json.loads((base / "lantern.json").read_text())["policy"]
    assert meta["grown_from"] == {"model": str(base), "layers": [before, after]}
    assert meta["trained_on"] == {"difficulty": [1, 2], "seeds": [0, 100]}


def test_the_new_blocks_learn(base, tmp_path):
    """Zeroed output projections still get gradients, so training reaches the new blocks."""
    out, _, _ = grow(GrowConfig(model=str(base), out=str(tmp_path / "g"), layers=before_plus_one(base)))
    big = load_policy(str(out))
    ids = torch.randint(0, big.model.config.vocab_size, (2, 12), generator=torch.Generator().manual_seed(0))
    big.model(input_ids=ids, labels=ids).loss.backward()
    new_block = big.model.transformer.h[-1]
    assert new_block.mlp.c_proj.weight.grad.abs().sum() > 0


def before_plus_one(base) -> int:
    return load_policy(str(base)).model.config.n_layer + 1


def test_cli_grows_and_refuses_fewer_blocks_in_one_line(base, tmp_path, capsys):
    code, out, err = run(capsys, "grow", "--model", base, "--out", tmp_path / "g", "--layers", before_plus_one(base))
    assert code == 0 and "grow: wrote" in out and (tmp_path / "g" / "model.safetensors").is_file(), err
    code, _, err = run(capsys, "grow", "--model", base, "--out", tmp_path / "h", "--layers", 1)
    assert code == 2 and err.count("\n") == 1 and "give more than" in err
    assert not (tmp_path / "h").exists()
    with pytest.raises(LanternError, match="already has"):
        grow(GrowConfig(model=str(base), out=str(tmp_path / "i"), layers=1))
