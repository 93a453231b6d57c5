"""Training on two threads gives the one-thread floats, bit for bit (so a model made on one thread,
``--cpu pinned``, is rebuilt on more)."""

import subprocess
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from agent.steady import SteadyLayerNorm, steady_layer_norms  # noqa: E402
from tests.agent_fixtures.tiny import avx2_on_threads, model_dir  # noqa: E402,F401 (fixture)
from tests.conftest import ROOT  # noqa: E402
from tests.test_agent_kernels import HAS_AVX2  # noqa: E402


@pytest.fixture
def threads():
    """Set torch's thread count inside a test; put it back after."""
    before = torch.get_num_threads()
    yield torch.set_num_threads
    torch.set_num_threads(before)


def _imitate(model_dir, out, n_threads: int) -> bytes:
    """Run a small imitation (DAgger, settling) by the CLI with AVX2 kernels on ``n_threads``; its weights."""
    done = subprocess.run(
        avx2_on_threads(n_threads, [
            "imitate", "--model", model_dir, "--out", out, "--difficulty", 1, "--max-difficulty", 2, "--worlds", 6,
            "--train-seeds", "0:20", "--epochs", 1, "--dagger-rounds", 1, "--dagger-worlds", 3, "--settle-epochs", 1,
            "--batch", 16, "--lr", 0.01, "--journal", "--history", 1, "--expert", "guide", "--alternatives",
            "--bundled", 0, "--request-worlds", 0, "--seed", 0, "--no-progress"]), cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return (out / "model.safetensors").read_bytes()


@pytest.mark.skipif(not HAS_AVX2, reason="needs an x86-64 CPU with AVX2 (MKL's reproducible mode)")
def test_an_imitation_on_two_threads_writes_the_one_thread_model(model_dir, tmp_path):
    one = _imitate(model_dir, tmp_path / "one", 1)
    assert _imitate(model_dir, tmp_path / "two", 2) == one
    assert one != (Path(model_dir) / "model.safetensors").read_bytes()


def test_a_steady_layer_norm_computes_what_torch_s_does(threads):
    torch.manual_seed(0)
    plain = torch.nn.LayerNorm(32)
    torch.nn.init.normal_(plain.weight)
    torch.nn.init.normal_(plain.bias)
    steady = torch.nn.Sequential(torch.nn.LayerNorm(32))
    steady[0].load_state_dict(plain.state_dict())
    assert steady_layer_norms(steady) == 1 and type(steady[0]) is SteadyLayerNorm
    x, grad = torch.randn(64, 50, 32), torch.randn(64, 50, 32)

    def grads(module, n_threads):
        threads(n_threads)
        module.zero_grad()
        xs = x.clone().requires_grad_()
        out = module(xs)
        out.backward(grad)
        return [out.detach(), xs.grad, module.weight.grad.clone(), module.bias.grad.clone()]

    reference = grads(plain, 1)
    for n_threads in (1, 2):
        assert all(torch.equal(a, b) for a, b in zip(grads(steady[0], n_threads), reference))
    with torch.no_grad():
        assert torch.equal(steady(x), plain(x))

