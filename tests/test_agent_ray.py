"""Rollouts on Ray (train --ray): workers play the same episodes as this process; bad settings
are refused in one line."""

import json

import pytest

torch = pytest.importorskip("torch")

from agent.train import Trainer, TrainConfig  # noqa: E402
from game.errors import LanternError  # noqa: E402
from safetensors.torch import load_file  # noqa: E402
from tests.agent_fixtures.tiny import TRAIN, in_process, model_dir  # noqa: E402,F401 (fixture)

# difficulty 1 worlds, two groups of two envs: the group baseline, and groups of different length
WORLD = dict(difficulty=1, train_seeds=(0, 50), max_episode_steps=5, envs=4, group_size=2)


def config(model_dir, out, **kw):
    base = dict(TRAIN, model=str(model_dir), out=str(out), progress=False, record_every=1, algo="reinforce",
                baseline="group", lr=1e-3, batch=16, updates=2, **WORLD)
    return TrainConfig(**{**base, **kw})


@pytest.fixture(scope="module")
def local_ray():
    """A local Ray of 2 CPUs for this module's tests, shut down after them."""
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield ray
    ray.shutdown()


def played(trainer):
    """Run ``trainer`` to the end; per update, each episode's steps and end-state hash."""
    seen, rollout = [], trainer._rollout

    def spy():
        episodes = rollout()
        seen.append([([(t.action, t.candidates, t.reward, t.logp, t.value) for t in e.steps], e.won,
                      env.world.state.digest()) for e, env in zip(episodes, trainer.played)])
        return episodes
    trainer._rollout = spy
    assert trainer.train() == 0
    return seen


def run_files(run):
    metrics = [{k: v for k, v in json.loads(line).items() if "per_second" not in k}
               for line in (run / "metrics.jsonl").read_text().splitlines()]
    # the header names the run folder, and every line's hash chain runs through the header
    episodes = {p.name: [{k: v for k, v in json.loads(line.replace(str(run), "RUN")).items() if k != "chain"}
                         for line in p.read_text().splitlines()] for p in (run / "episodes").iterdir()}
    weights = load_file(str(run / "checkpoints" / "update-000002" / "model.safetensors"))
    return metrics, episodes, weights


def test_ray_workers_play_the_same_episodes_as_this_process(model_dir, tmp_path, local_ray):
    here = played(Trainer(config(model_dir, tmp_path / "here", rollout_workers=1)))
    trainer = Trainer(config(model_dir, tmp_path / "ray", ray="local", rollout_workers=2))
    assert len(local_ray.nodes()) == 1 and trainer.rollouts.workers  # the test's own Ray, two actors
    on_ray = played(trainer)
    assert trainer.rollouts is None  # the run stopped its workers
    assert len(here) == 2 and all(len(update) == 4 for update in here)
    assert on_ray == here  # actions, candidates, rewards, log-probs, values, outcomes, end states
    assert here[0] != here[1]  # the second update played other worlds, with the updated weights
    (m1, e1, w1), (m2, e2, w2) = run_files(tmp_path / "here"), run_files(tmp_path / "ray")
    assert m1 == m2 and len(m1) == 2
    assert e1.keys() == e2.keys() == {"update-000000.jsonl", "update-000001.jsonl"}
    assert e1 == e2  # the recorded episodes, step by step
    assert w1.keys() == w2.keys() and all(torch.equal(w1[k], w2[k]) for k in w1)


def test_a_worker_built_from_the_model_folder_plays_a_group_as_the_learner_does(model_dir, tmp_path):
    from agent.ray_rollout import GroupPlayer, LocalRollouts
    trainer = Trainer(config(model_dir, tmp_path / "run", rollout_workers=1, updates=1))
    assert trainer.train() == 0  # the learner's weights now differ from the model folder's
    worker = GroupPlayer(trainer.config, str(model_dir), fresh=True)
    fresh = [(t.logp, t.action) for group in worker_groups(trainer) for t in worker.play(group).episodes[0].steps]
    worker.set_weights({n: p.detach().clone() for n, p in trainer.policy.named_parameters() if p.requires_grad})
    mine = LocalRollouts(trainer.policy).play(worker_groups(trainer), stop=lambda: False)
    theirs = [worker.play(group) for group in worker_groups(trainer)]
    steps = lambda played: [[(t.prompt, t.candidates, t.action, t.logp, t.value, t.reward)  # noqa: E731
                             for e in g.episodes for t in e.steps] for g in played]
    assert steps(theirs) == steps(mine)
    assert [e.state_hash() for g in theirs for e in g.envs] == [e.state_hash() for g in mine for e in g.envs]
    assert fresh != [(t.logp, t.action) for t in theirs[0].episodes[0].steps]  # the weights were copied in


def worker_groups(trainer):
    """Update 1's groups, built afresh each call (playing resets their envs)."""
    from agent.rollout import Group, sample_seed
    envs, seeds = trainer._envs()
    size = trainer.config.group_size
    return [Group(envs[k:k + size], seeds[k:k + size], [False] * size,
                  [[env.player_id] for env in envs[k:k + size]], sample_seed(0, trainer.update, k // size))
            for k in range(0, len(envs), size)]


@pytest.mark.parametrize("given, said", [
    (dict(rollout_workers=2), "runs on Ray: add --ray"),
    (dict(ray="local"), "add --rollout-workers N"),
    (dict(ray="local", rollout_workers=-1), "at least 0"),
    (dict(ray=" ", rollout_workers=1), "give 'local', 'auto'"),
])
def test_bad_ray_settings_are_refused(model_dir, tmp_path, given, said):
    with pytest.raises(LanternError, match=said):
        config(model_dir, tmp_path / "run", **given)


def test_ray_refuses_a_hub_model(tmp_path):
    with pytest.raises(LanternError, match="local folders only"):
        TrainConfig(model="gpt2", out=str(tmp_path / "run"), difficulty=1, ray="local", rollout_workers=1)


def test_the_command_line_refuses_workers_without_ray_and_a_changed_rollout_on_resume(model_dir, tmp_path, capsys):
    import main
    out = tmp_path / "run"
    common = ["train", "--difficulty", 1, "--train-seeds", "0:4", "--model", model_dir, "--envs", 2,
              "--max-episode-steps", 3, "--out", out, "--no-progress"]
    assert main.main(in_process(common + ["--rollout-workers", 2])) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--rollout-workers 2 runs on Ray: add --ray" in err
    assert main.main(in_process(common + ["--rollout-workers", 1, "--updates", 1])) == 0
    assert main.main(in_process(common + ["--resume", "--rollout-workers", 0, "--updates", 2])) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "played its episodes group by group" in err
