"""Training under faults: Ctrl-C at any moment, torn and damaged files, bad output paths, full disks.

Each test is a case a fault probe found: one line and exit code 2 (no traceback), nothing
half-written, and a resumed run that matches an uninterrupted one bit for bit. A full disk
and a read-only file system are simulated by the OS errors they give.
"""

import errno
import json
import os
import re
import signal
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

torch = pytest.importorskip("torch")

import main  # noqa: E402
from agent.checkpoint import load_policy  # noqa: E402
from agent.metrics import MetricLogger  # noqa: E402
from agent.train import Trainer, TrainConfig  # noqa: E402
from game.errors import LanternError  # noqa: E402
from game.files import FileWriteError  # noqa: E402
from safetensors import SafetensorError  # noqa: E402
from safetensors.torch import load_file  # noqa: E402
from tests.agent_fixtures.tiny import TRAIN, in_process, model_dir  # noqa: E402,F401 (fixture)

KW = dict(TRAIN, difficulty=1, train_seeds=(0, 4), progress=False, record_every=0, envs=4, max_episode_steps=4,
          lr=1e-3, batch=8, ppo_epochs=2)


def config(model_dir, out, **kw):
    return TrainConfig(**{**KW, "model": str(model_dir), "out": str(out), **kw})


def run_cli(capsys, *argv) -> tuple[int, str]:
    code = main.main(in_process(argv))
    err = capsys.readouterr().err
    return code, err


def one_line_error(code: int, err: str) -> str:
    assert code == 2, err
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err, err
    return err


def trained(model_dir, out, **kw) -> Path:
    assert Trainer(config(model_dir, out, **kw)).train() == 0
    return out


def weights(run: Path) -> dict[str, torch.Tensor]:
    folder = run / (run / "latest").read_text().strip()
    return {**load_file(str(folder / "model.safetensors")), **load_file(str(folder / "optimizer.safetensors")),
            **load_file(str(folder / "rng.safetensors"))}


def metrics(run: Path) -> list[dict]:
    return [{k: v for k, v in json.loads(line).items() if "per_second" not in k}
            for line in (run / "metrics.jsonl").read_text().splitlines()]


def leftovers(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob(".*"))


# -- case 1: Ctrl-C in the middle of a rollout ---------------------------------------------------

@pytest.mark.parametrize("algo", ["ppo", "reinforce"])
def test_ctrl_c_mid_rollout_then_resume_matches_an_uninterrupted_run(model_dir, tmp_path, algo):
    """Ctrl-C lands after the first step of update 3's rollout (not at a checkpoint): the
    rollout is dropped, and the numbers it drew must not be in the checkpoint saved then."""
    kw = dict(algo=algo, updates=3, checkpoint_every=5, envs=2, max_episode_steps=3)
    whole = trained(model_dir, tmp_path / "whole", **kw)
    trainer = Trainer(config(model_dir, tmp_path / "cut", **kw))
    act = trainer.policy.act

    def act_then_ctrl_c(*args, **kwargs):
        acted = act(*args, **kwargs)
        if trainer.update == 2:
            os.kill(os.getpid(), signal.SIGINT)
        return acted
    trainer.policy.act = act_then_ctrl_c
    assert trainer.train() == 130
    cut = tmp_path / "cut"
    assert (cut / "latest").read_text() == "checkpoints/update-000002\n"
    assert Trainer(config(model_dir, cut, **kw), resume=True).train() == 0
    assert (cut / "latest").read_text() == "checkpoints/update-000003\n"
    a, b = weights(whole), weights(cut)
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    assert metrics(whole) == metrics(cut)


# -- case 2: a torn last line in metrics.jsonl ---------------------------------------------------

def test_a_torn_metrics_line_is_dropped_with_a_note_on_resume(model_dir, tmp_path, capsys):
    run = trained(model_dir, tmp_path / "run", updates=2, checkpoint_every=1, envs=2, max_episode_steps=2)
    with open(run / "metrics.jsonl", "a") as f:
        f.write('{"update": 3, "global_st')  # what a kill in the middle of the write leaves
    assert Trainer(config(model_dir, run, updates=3, envs=2, max_episode_steps=2), resume=True).train() == 0
    assert "dropped its torn last line" in capsys.readouterr().err
    assert [r["update"] for r in metrics(run)] == [1, 2, 3]


def test_damage_before_the_last_metrics_line_is_one_line(model_dir, tmp_path, capsys):
    run = trained(model_dir, tmp_path / "run", updates=1, envs=2, max_episode_steps=2)
    text = (run / "metrics.jsonl").read_text()
    (run / "metrics.jsonl").write_text("{oops\n" + text)
    code, err = run_cli(capsys, "train", "--resume", "--out", run, "--updates", 2, "--no-progress")
    assert "metrics.jsonl: line 1 is not a metrics row" in one_line_error(code, err)


# -- cases 3 and 4: exports and checkpoints are swapped in whole, fsynced, no temp left -----------

def test_a_failed_export_keeps_the_old_model_and_leaves_no_temp(model_dir, tmp_path, monkeypatch):
    export = tmp_path / "npc"
    trained(model_dir, tmp_path / "run", updates=1, envs=2, max_episode_steps=2, export=str(export))
    before = (export / "model.safetensors").read_bytes()
    real = type(load_policy(str(model_dir)).model).save_pretrained

    def disk_fills(model, folder, **kwargs):
        real(model, folder, **kwargs)
        if Path(folder).name == ".npc.tmp":
            raise SafetensorError("Error while serializing: I/O error: No space left on device (os error 28)")
    monkeypatch.setattr(type(load_policy(str(model_dir)).model), "save_pretrained", disk_fills)
    with pytest.raises(LanternError) as exc:
        Trainer(config(model_dir, tmp_path / "run2", updates=1, envs=2, max_episode_steps=2,
                       export=str(export))).train()
    assert str(exc.value) == f"cannot write {export}: the disk is full"
    assert (export / "model.safetensors").read_bytes() == before and leftovers(tmp_path) == []


def test_pretrain_force_keeps_the_old_model_until_the_new_one_is_in(model_dir, tmp_path, monkeypatch):
    import shutil
    from agent.pretrain import PretrainConfig, save_model
    out = tmp_path / "base"
    shutil.copytree(model_dir, out)
    policy = load_policy(str(model_dir))

    def killed(folder, **kwargs):
        (Path(folder) / "model.safetensors").write_bytes(b"half")
        raise KeyboardInterrupt
    monkeypatch.setattr(policy.model, "save_pretrained", killed)
    with pytest.raises(KeyboardInterrupt):
        save_model(policy.model, policy.tokenizer, out, PretrainConfig(out=str(out), force=True), {})
    assert (out / "model.safetensors").read_bytes() == (model_dir / "model.safetensors").read_bytes()
    assert leftovers(tmp_path) == []


def test_every_checkpoint_file_is_fsynced_before_latest_names_it(model_dir, tmp_path, monkeypatch):
    synced, real = set(), os.fsync

    def record(fd):
        synced.add(os.fstat(fd).st_ino)
        real(fd)
    monkeypatch.setattr(os, "fsync", record)
    run = trained(model_dir, tmp_path / "run", updates=1, envs=2, max_episode_steps=2)
    folder = run / "checkpoints" / "update-000001"
    must = [folder, *folder.iterdir(), run / "checkpoints", run / "latest", run, run / "metrics.jsonl"]
    assert {p.stat().st_ino for p in must} <= synced


# -- case 20: a full disk while training ---------------------------------------------------------

@pytest.mark.parametrize("where", ["safetensors", "fsync"])
def test_a_full_disk_mid_run_is_one_line_and_earlier_checkpoints_stay_whole(model_dir, tmp_path, monkeypatch,
                                                                              where):
    """The disk fills while checkpoint 3 is written: in the safetensors writer (its own error
    type) or at an fsync. The error names the folder and the cause, checkpoints 1 and 2 stay
    whole, nothing half-written is left, and the run resumes once there is room."""
    run = tmp_path / "run"
    cfg = config(model_dir, run, updates=3, checkpoint_every=1, envs=2, max_episode_steps=2)
    trainer = Trainer(cfg)
    real_save, real_fsync, real_log = trainer.policy.model.save_pretrained, os.fsync, MetricLogger.log
    logged = [0]

    def save_pretrained(folder, **kwargs):
        if Path(folder).name == ".update-000003.tmp" and where == "safetensors":
            (Path(folder) / "model.safetensors").write_bytes(b"half")
            raise SafetensorError("Error while serializing: I/O error: No space left on device (os error 28)")
        return real_save(folder, **kwargs)

    def fsync(fd):
        if logged[-1] == 3 and where == "fsync":  # the metrics line is in; the checkpoint fails
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    def log(self, row):
        real_log(self, row)
        logged.append(row["update"])
    monkeypatch.setattr(trainer.policy.model, "save_pretrained", save_pretrained)
    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(MetricLogger, "log", log)
    with pytest.raises(FileWriteError) as exc:
        trainer.train()
    assert str(exc.value) == (f"cannot write {run / 'checkpoints' / 'update-000003'}: the disk is full "
                              f"(checkpoint update-000002 is whole: make room, then add --resume)")
    assert (run / "latest").read_text() == "checkpoints/update-000002\n" and leftovers(run) == []
    assert sorted(p.name for p in (run / "checkpoints").iterdir()) == ["update-000001", "update-000002"]
    monkeypatch.undo()
    assert Trainer(cfg, resume=True).train() == 0
    assert [r["update"] for r in metrics(run)] == [1, 2, 3]


# -- cases 5, 6, 7: a damaged latest pointer or trainer.json -------------------------------------

@pytest.fixture(scope="module")
def finished_run(model_dir, tmp_path_factory):
    return trained(model_dir, tmp_path_factory.mktemp("faults") / "run", updates=1, envs=2, max_episode_steps=2)


@pytest.mark.parametrize("latest, message", [
    (b"\xff\xfe\x00binary", "latest: not text"),
    (b"../../..\n", "latest: names '../../..', not a folder under"),
    (b"checkpoints/../../x", "not a folder under"),
    (b"/etc\n", "not a folder under"),
    (b"", "not a folder under"),
    (b"checkpoints/update-000009\n", "which is not a whole checkpoint"),
])
def test_a_damaged_latest_pointer_is_one_line(finished_run, capsys, latest, message):
    pointer = finished_run / "latest"
    before = pointer.read_bytes()
    pointer.write_bytes(latest)
    try:
        for argv in (["eval", "--model", finished_run, "--difficulty", 1, "--seeds", "1000000:1000001"],
                     ["train", "--resume", "--out", finished_run, "--updates", 2, "--no-progress"]):
            code, err = run_cli(capsys, *argv)
            if "whole checkpoint" in message and argv[0] == "eval":
                message_here = "is not a model folder"  # eval needs only the model, and says that
            else:
                message_here = message
            assert message_here in one_line_error(code, err)
    finally:
        pointer.write_bytes(before)


def test_a_latest_that_is_a_folder_is_one_line_not_no_checkpoint(finished_run, capsys):
    pointer = finished_run / "latest"
    before = pointer.read_bytes()
    pointer.unlink()
    pointer.mkdir()
    try:
        for argv in (["eval", "--model", finished_run, "--difficulty", 1, "--seeds", "1000000:1000001"],
                     ["train", "--resume", "--out", finished_run, "--updates", 2, "--no-progress"]):
            code, err = run_cli(capsys, *argv)
            assert "latest: is not a file (a folder, a device or a broken link)" in one_line_error(code, err)
    finally:
        pointer.rmdir()
        pointer.write_bytes(before)


@pytest.mark.parametrize("body, message", [
    ("{", "trainer.json: not valid JSON"),
    ("{}", "trainer.json: 'update' is None, not a count"),
    ("[]", "trainer.json: expected a JSON object"),
    ('{"update": 1, "global_step": 2, "episodes": 2, "level": 1, "param_groups": []}', "has no 'config'"),
    ('{"update": -1, "global_step": 2, "episodes": 2, "level": 1}', "'update' is -1"),
])
def test_a_damaged_trainer_json_is_one_line_on_resume(model_dir, finished_run, capsys, body, message):
    path = finished_run / "checkpoints" / "update-000001" / "trainer.json"
    before = path.read_text()
    path.write_text(body)
    try:
        code, err = run_cli(capsys, "train", "--resume", "--out", finished_run, "--updates", 2, "--no-progress")
        assert message in one_line_error(code, err)
        with pytest.raises(LanternError, match=re.escape(message.split(": ", 1)[-1])):
            Trainer(config(model_dir, finished_run, updates=2), resume=True)
    finally:
        path.write_text(before)


def test_a_saved_config_of_the_wrong_kind_is_one_line(finished_run, capsys):
    path = finished_run / "checkpoints" / "update-000001" / "trainer.json"
    before = path.read_text()
    body = json.loads(before)
    body["config"]["envs"] = "many"
    path.write_text(json.dumps(body))
    try:
        code, err = run_cli(capsys, "train", "--resume", "--out", finished_run, "--updates", 2, "--no-progress")
        assert "trainer.json: its config does not make a run" in one_line_error(code, err)
    finally:
        path.write_text(before)


# -- cases 16, 17, 18: output paths are checked before any work ---------------------------------

def no_model_loads(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the model was loaded before the output path was checked")
    monkeypatch.setattr("agent.train.load_policy", refuse)
    monkeypatch.setattr("agent.imitate.load_policy", refuse)


def read_only(monkeypatch, folder: Path):
    """Make new files under ``folder`` fail as on a read-only mount."""
    import builtins
    real = builtins.open

    def guarded(path, mode="r", *args, **kwargs):
        if any(m in mode for m in "wax") and Path(path).resolve().is_relative_to(folder.resolve()):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real(path, mode, *args, **kwargs)
    real_os_open = os.open

    def guarded_os(path, flags, *args, **kwargs):  # the probe's unnamed O_TMPFILE file
        if flags & (os.O_WRONLY | os.O_RDWR) and Path(path).resolve().is_relative_to(folder.resolve()):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_os_open(path, flags, *args, **kwargs)
    monkeypatch.setattr("game.files.open", guarded, raising=False)
    monkeypatch.setattr(os, "open", guarded_os)


def test_train_refuses_an_unwritable_out_before_loading_anything(model_dir, tmp_path, capsys, monkeypatch):
    no_model_loads(monkeypatch)
    (tmp_path / "a-file").write_text("x")
    train = ["train", "--model", model_dir, "--difficulty", 1, "--updates", 1, "--no-progress", "--out"]
    code, err = run_cli(capsys, *train, tmp_path / "a-file")
    assert "--out" in one_line_error(code, err) and "is a file, not a folder" in err
    if Path("/proc/self").is_dir():
        code, err = run_cli(capsys, *train, "/proc/run")
        assert "cannot write in /proc: it takes no new files" in one_line_error(code, err)
    if Path("/dev/full").exists():
        code, err = run_cli(capsys, *train, "/dev/full")
        assert "is a device or other special file, not a folder" in one_line_error(code, err)
    read_only(monkeypatch, tmp_path)
    code, err = run_cli(capsys, *train, tmp_path / "run")
    assert "the file system is read-only" in one_line_error(code, err)
    code, err = run_cli(capsys, *train, tmp_path.parent / "elsewhere", "--export", tmp_path / "npc")
    assert f"--export {tmp_path / 'npc'}: cannot write in {tmp_path}: the file system is read-only" in \
        one_line_error(code, err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_imitate_refuses_an_unwritable_out_before_its_training(model_dir, tmp_path, capsys, monkeypatch):
    no_model_loads(monkeypatch)
    read_only(monkeypatch, tmp_path)
    code, err = run_cli(capsys, "imitate", "--model", model_dir, "--out", tmp_path / "bc", "--no-progress")
    assert f"--out {tmp_path / 'bc'}: cannot write in {tmp_path}: the file system is read-only" in \
        one_line_error(code, err)


# -- the loaders of these files, on any bytes --------------------------------------------------

def scratch(tmp_path_factory, name: str) -> Path:
    """One folder reused by every example of a property (a new one each would be slow)."""
    folder = tmp_path_factory.getbasetemp() / name
    folder.mkdir(exist_ok=True)
    return folder


@given(st.one_of(st.binary(max_size=40), st.text(max_size=40).map(str.encode),
                 st.lists(st.sampled_from(["checkpoints", "..", ".", "/", "update-1", "\n", " "]), max_size=5)
                 .map(lambda parts: "".join(parts).encode())))
def test_latest_names_a_folder_under_checkpoints_or_is_one_line(tmp_path_factory, data):
    from agent.lm import read_latest
    run = scratch(tmp_path_factory, "latest-run")
    (run / "latest").write_bytes(data)
    try:
        folder = read_latest(run)
    except LanternError as exc:
        assert "\n" not in str(exc) and str(run / "latest") in str(exc)
        return
    assert folder.parent == run / "checkpoints" and folder.name not in ("", ".", "..")


rows = st.lists(st.fixed_dictionaries({"update": st.integers(0, 10**6), "global_step": st.integers(0, 10**9),
                                       "charts/episodic_return": st.floats(-10, 10)}), max_size=5)


@given(rows, st.integers(0, 200))
def test_a_metrics_file_cut_anywhere_reads_as_its_whole_lines(tmp_path_factory, written, cut):
    """What a kill mid-write can leave: any prefix of the file. Its whole lines come back, and
    the torn flag is set exactly when a partial line was dropped."""
    from agent.metrics import read_metrics
    path = scratch(tmp_path_factory, "metrics") / "metrics.jsonl"
    text = "".join(json.dumps(r) + "\n" for r in written).encode()
    path.write_bytes(text[:cut])
    got, torn = read_metrics(path)
    whole = text[:cut].count(b"\n")
    tail = text[:cut].rsplit(b"\n", 1)[-1] if whole < len(written) else b""
    try:
        tail_whole = json.loads(tail) == written[whole]
    except ValueError:
        tail_whole = False
    assert got == written[:whole + tail_whole]
    assert torn == (bool(tail.strip()) and not tail_whole)


@given(st.binary(max_size=80))
def test_any_bytes_in_metrics_are_rows_or_one_line(tmp_path_factory, data):
    from agent.metrics import read_metrics
    path = scratch(tmp_path_factory, "metrics") / "metrics.jsonl"
    path.write_bytes(data)
    try:
        got, _ = read_metrics(path)
    except LanternError as exc:
        assert "\n" not in str(exc) and "metrics.jsonl: line" in str(exc)
        return
    assert all(isinstance(r, dict) and type(r["update"]) is int for r in got)
