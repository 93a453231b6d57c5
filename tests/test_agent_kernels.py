"""--cpu pinned: AVX2 kernels and one thread, so a training command gives the same floats on any AVX2 CPU."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

import main  # noqa: E402
from agent import kernels  # noqa: E402
from game.errors import LanternError  # noqa: E402
from tests.agent_fixtures.tiny import TRAIN, flags, model_dir  # noqa: E402,F401 (fixture)

ROOT = Path(__file__).resolve().parents[1]
HAS_AVX2 = "avx2" in Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else False


@pytest.mark.skipif(not HAS_AVX2, reason="needs an x86-64 CPU with AVX2")
def test_avx2_kernels_take_effect_in_a_fresh_process():
    script = ("from agent.kernels import use_kernels; import os, torch; "
              "print(use_kernels('avx2'), os.environ['MKL_CBWR'], torch.backends.cpu.get_cpu_capability())")
    env = {k: v for k, v in os.environ.items() if k not in kernels.AVX2_SETTINGS}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["AVX2", "AVX2,STRICT", "AVX2"]


def test_avx2_is_refused_where_torch_would_not_run_avx2(monkeypatch):
    monkeypatch.setattr(os, "environ", dict(os.environ))
    monkeypatch.setattr(torch.backends.cpu, "get_cpu_capability", lambda: "AVX512")
    with pytest.raises(LanternError, match="torch runs AVX512 kernels here .* use --cpu native"):
        kernels.use_kernels("avx2")
    assert kernels.use_kernels("native") == "AVX512"
    monkeypatch.setattr(torch.backends.cpu, "get_cpu_capability", lambda: "AVX2")
    assert kernels.use_kernels("avx2") == "AVX2"
    assert {k: os.environ[k] for k in kernels.AVX2_SETTINGS} == kernels.AVX2_SETTINGS
    with pytest.raises(LanternError, match="kernels 'sse': unknown; use one of native, avx2"):
        kernels.use_kernels("sse")


def test_commands_pin_their_cpu_setting_and_a_resumed_run_keeps_it(model_dir, tmp_path, capsys, monkeypatch):
    asked, threads = [], []
    monkeypatch.setattr(kernels, "use_kernels", lambda choice: asked.append(choice) or "AVX2")
    monkeypatch.setattr(torch, "set_num_threads", threads.append)  # pinned: one thread
    out = tmp_path / "run"
    assert main.main(["train", *flags(TRAIN), "--difficulty", "1", "--train-seeds", "0:4", "--model", str(model_dir),
                      "--envs", "2", "--updates", "1", "--max-episode-steps", "3", "--out", str(out), "--no-progress",
                      "--cpu", "pinned"]) == 0
    saved = json.loads((out / "checkpoints/update-000001/trainer.json").read_text())["config"]
    assert saved["cpu"] == "pinned" and "kernels" not in saved and "workers" not in saved
    assert main.main(["train", "--out", str(out), "--resume", "--updates", "2", "--no-progress"]) == 0
    assert main.main(["train", "--out", str(out), "--resume", "--updates", "3", "--cpu", "native"]) == 2
    assert "--cpu native differs from the run's saved setting ('pinned')" in capsys.readouterr().err
    assert main.main(["eval", "--model", str(model_dir), "--world", "assets/worlds/tutorial.toml", "--episodes", "1",
                      "--max-steps", "2", "--kernels", "avx2"]) == 0  # the older spelling of --cpu pinned
    assert main.main(["eval", "--model", str(model_dir), "--world", "assets/worlds/tutorial.toml", "--episodes", "1",
                      "--max-steps", "2", "--cpu", "native"]) == 0
    assert asked == ["avx2", "avx2", "avx2", "native"] and threads and set(threads) == {1}


@pytest.mark.parametrize("flag", ["--threads", "--workers"])
def test_the_replaced_flags_say_what_to_use(flag, capsys):
    with pytest.raises(SystemExit) as exc:
        main.main(["train", flag, "2"])
    assert exc.value.code == 2 and f"{flag}: replaced by --cpu pinned" in capsys.readouterr().err
