"""The flat scoring path (agent/flat.py) gives the plain path's log-probs, values and gradients."""

import subprocess

import pytest

torch = pytest.importorskip("torch")

from hypothesis import given, settings, strategies as st  # noqa: E402

from agent import flat  # noqa: E402
from agent.checkpoint import load_policy  # noqa: E402
from tests.agent_fixtures.tiny import TRAIN, avx2_on_threads, flags, model_dir  # noqa: E402,F401 (fixture)
from tests.conftest import ROOT  # noqa: E402
from tests.test_agent_kernels import HAS_AVX2  # noqa: E402
from tests.test_agent_policy import states  # noqa: E402

SHIPPED = ROOT / "assets" / "models" / "npc"   # gelu_new, 4 layers: the model the loop trains


@pytest.fixture(scope="module", params=["tiny", "shipped"])
def policy(request, model_dir):  # noqa: F811
    name = str(model_dir) if request.param == "tiny" else str(SHIPPED)
    p = load_policy(name, length_norm="token")
    p.model.eval()
    assert p._flattens()  # so the tests below really run the flat path
    return p


def batch(seed: int, prompt_lens: list[int], cand_lens: list[list[int]], vocab: int):
    g = torch.Generator().manual_seed(seed)
    prompts = [torch.randint(1, vocab, (n,), generator=g).tolist() for n in prompt_lens]
    cands = [[torch.randint(1, vocab, (k,), generator=g).tolist() for k in ks] for ks in cand_lens]
    return prompts, cands


shapes = st.lists(st.tuples(st.integers(1, 60), st.lists(st.integers(1, 7), min_size=1, max_size=5)),
                  min_size=1, max_size=5)


@settings(max_examples=25)
@given(shapes=shapes, seed=st.integers(0, 2**16))
def test_flat_scores_equal_the_plain_path_for_any_lengths(policy, shapes, seed):
    prompts, cands = batch(seed, [p for p, _ in shapes], [c for _, c in shapes], len(policy.tokenizer))
    owner = [i for i, cs in enumerate(cands) for _ in cs]
    seqs = [c for cs in cands for c in cs]
    with torch.no_grad():
        got = policy.token_logprobs(prompts, seqs, owner, method="flat", with_entropy=True)
        want = policy.token_logprobs(prompts, seqs, owner, method="full", with_entropy=True)
    for a, b in zip(got, want):  # token log-probs, mask, values, entropy
        assert torch.allclose(a, b, atol=1e-5), (a - b).abs().max()


def test_flat_gradients_equal_the_plain_path(policy):
    prompts, cands = batch(1, [37, 5, 60, 1], [[3, 1, 6], [2], [1, 1, 4, 2], [5, 2]], len(policy.tokenizer))
    grads = {}
    for method in ("flat", "full"):
        policy.zero_grad()
        s = policy.score(prompts, cands, method=method)
        weights = torch.linspace(-1, 1, s.logp.numel()).view_as(s.logp)
        ((s.logp * weights).sum() + s.values.sum() - s.entropy.sum()).backward()
        grads[method] = {k: p.grad.clone() for k, p in policy.named_parameters() if p.grad is not None}
    assert grads["flat"].keys() == grads["full"].keys() and len(grads["flat"]) > 10
    for k, g in grads["flat"].items():
        assert torch.allclose(g, grads["full"][k], atol=1e-5, rtol=1e-4), (k, (g - grads["full"][k]).abs().max())
    policy.zero_grad()


def test_acting_on_the_flat_path_gives_the_cached_path_s_probabilities(policy):
    views, cands = states(6)
    acted, prompts, ids, words = policy.act(views, cands, torch.Generator().manual_seed(0))
    with torch.no_grad():
        cached = policy.score(prompts, ids, words, method="cached")
    for i, probs in enumerate(acted.probs):
        assert probs == pytest.approx(cached.logp[i, :len(probs)].exp().tolist(), abs=1e-5)
    assert torch.allclose(acted.values, cached.values, atol=1e-5)


def test_layout_places_every_token_once_and_masks_other_candidates():
    prompts = [[5] * 300, [6] * 3, [7] * 290, [8] * 2]
    seqs, owner = [[1, 2, 3], [4], [1, 2], [9, 9, 9, 9], [3, 3]], [0, 0, 1, 2, 2]
    lay = flat.layout(prompts, seqs, owner)
    t = len(lay.ids)
    assert t == sum(map(len, prompts)) + sum(len(s) - 1 for s in seqs)
    real = [i for g in lay.groups for i, m in zip(g.rows.tolist(), _real_slots(g)) if m]
    assert sorted(real) == list(range(t)) and sum(g.real for g in lay.groups) == t
    assert len(lay.groups) == 2  # the two long prompts apart from the two short ones: little padding
    slots = sum(g.n * (g.width + g.cand_width) for g in lay.groups)
    assert sorted(lay.back.tolist()) == sorted(set(lay.back.tolist())) and max(lay.back.tolist()) < slots
    long = next(g for g in lay.groups if g.width == 300)
    # state 2 feeds [9, 9, 9] then [3]: the second candidate's token sees the prompt and itself only
    row = 1 if long.rows[0] == 0 else 0
    mask = long.cand_mask[row, 0]
    assert mask[3, :290].all() and not mask[3, 290:300].any()
    assert mask[3, 300:].tolist() == [False, False, False, True]
    assert mask[2, 300:].tolist() == [True, True, True, False]
    with pytest.raises(ValueError, match="non-empty"):
        flat.layout([[]], [[1]], [0])


def _real_slots(g) -> list[bool]:
    """Which of a group's slots hold real tokens (every prompt slot a candidate may see, and every
    candidate slot that sees itself)."""
    assert g.cand_width  # the tests' groups all have candidate tokens
    mask = g.cand_mask[:, 0]                                                   # [n, C, P + C]
    prompt = mask[:, 0, :g.width]
    cand = mask[:, :, g.width:].diagonal(dim1=1, dim2=2)
    return torch.cat([prompt, cand], 1).reshape(-1).tolist()


def test_a_training_model_with_dropout_falls_back(model_dir):  # noqa: F811
    p = load_policy(str(model_dir))
    p.model.config.attn_pdrop = 0.1
    p.model.train()
    assert not flat.supports(p.model) and p._method("auto") == "packed"
    p.model.eval()
    assert flat.supports(p.model) and p._method("auto") == "flat"


def _train(model_dir, out, n_threads: int) -> bytes:  # noqa: F811
    done = subprocess.run(
        avx2_on_threads(n_threads, ["train", *flags(TRAIN), "--model", model_dir, "--out", out, "--difficulty", 1,
                                    "--envs", 4, "--updates", 2, "--max-episode-steps", 4, "--algo", "ppo",
                                    "--batch", 8, "--no-progress"]),
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return (out / "checkpoints" / "update-000002" / "model.safetensors").read_bytes()


@pytest.mark.skipif(not HAS_AVX2, reason="needs an x86-64 CPU with AVX2 (MKL's reproducible mode)")
def test_training_on_the_flat_path_on_two_threads_writes_the_one_thread_weights(model_dir, tmp_path):  # noqa: F811
    assert _train(model_dir, tmp_path / "one", 1) == _train(model_dir, tmp_path / "two", 2)
