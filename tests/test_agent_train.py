"""Training: learning happens, resume is exact, Ctrl-C saves, bad input is refused."""

import json
import os
import signal

import pytest

torch = pytest.importorskip("torch")

from agent.evaluate import evaluate  # noqa: E402
from agent.checkpoint import load_policy  # noqa: E402
from agent.train import Trainer, TrainConfig  # noqa: E402
from game.errors import LanternError  # noqa: E402
from game.generator import generate  # noqa: E402
from safetensors.torch import load_file  # noqa: E402
from tests.agent_fixtures.tiny import TRAIN, model_dir, with_layout  # noqa: E402,F401 (fixture)

# difficulty 1, seed 0: take the die, go north, drop it (3 commands). With 6 steps
# allowed, the random agent wins about 1 episode in 5.
WORLD = dict(difficulty=1, train_seeds=(0, 1), max_episode_steps=6)


def config(model_dir, out, **kw):
    base = dict(TRAIN, model=str(model_dir), out=str(out), progress=False, record_every=0, **WORLD)
    return TrainConfig(**{**base, **kw})


def success(policy, episodes=48):
    world = generate(1, 0)
    model, rand, *_ = evaluate(policy, [world], episodes, greedy=False, seed=1, max_steps=6)
    return model.success_rate, rand.success_rate


def test_reinforce_learns_from_random_to_ninety_percent(model_dir, tmp_path):
    from game.solver import solve
    assert len(solve(generate(1, 0))) <= 4  # the world this test assumes: a short walkthrough
    torch.manual_seed(0)
    before, random_rate = success(load_policy(str(model_dir), length_norm="token"))
    assert abs(before - random_rate) < 0.2  # the untrained LM acts about as well as chance
    assert random_rate < 0.35
    cfg = config(model_dir, tmp_path / "run", algo="reinforce", envs=16, updates=14, lr=3e-3, entropy_coef=0.0,
                 record_every=7, model=with_layout(model_dir, tmp_path / "start", length_norm="token"))
    assert Trainer(cfg).train() == 0
    after, _ = success(load_policy(str(tmp_path / "run")))
    assert after >= 0.9, (before, after)
    rows = [json.loads(line) for line in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    assert [r["update"] for r in rows] == list(range(1, 15))
    assert {"charts/episodic_return", "charts/success_rate", "charts/steps_per_second", "losses/policy_loss",
            "losses/entropy", "losses/value_loss"} <= rows[0].keys()
    assert (tmp_path / "run" / "learning_curve.png").stat().st_size > 1000
    episodes = sorted(p.name for p in (tmp_path / "run" / "episodes").iterdir())
    assert episodes == ["update-000000.jsonl", "update-000007.jsonl"]
    from game.record import read_episode, replay
    assert len(list(replay(read_episode(tmp_path / "run" / "episodes" / episodes[1])))) >= 3


def params(run):
    folder = run / (run / "latest").read_text().strip()
    return load_file(str(folder / "model.safetensors")), load_file(str(folder / "optimizer.safetensors"))


@pytest.mark.parametrize("algo", ["ppo", "reinforce"])
def test_resume_continues_exactly(model_dir, tmp_path, algo):
    kw = dict(algo=algo, envs=4, max_episode_steps=4, lr=1e-3, checkpoint_every=2, batch=8, ppo_epochs=2)
    Trainer(config(model_dir, tmp_path / "a", updates=4, **kw)).train()
    Trainer(config(model_dir, tmp_path / "b", updates=2, **kw)).train()
    Trainer(config(model_dir, tmp_path / "b", updates=4, **kw), resume=True).train()
    (ma, oa), (mb, ob) = params(tmp_path / "a"), params(tmp_path / "b")
    assert ma.keys() == mb.keys() and all(torch.equal(ma[k], mb[k]) for k in ma)
    assert oa.keys() == ob.keys() and all(torch.equal(oa[k], ob[k]) for k in oa)
    strip = lambda p: [{k: v for k, v in json.loads(line).items() if "per_second" not in k}  # noqa: E731
                       for line in p.read_text().splitlines()]
    assert strip(tmp_path / "a" / "metrics.jsonl") == strip(tmp_path / "b" / "metrics.jsonl")
    stamp = (tmp_path / "b" / "checkpoints" / "update-000004" / "model.safetensors").stat().st_mtime_ns
    assert Trainer(config(model_dir, tmp_path / "b", updates=4, **kw), resume=True).train() == 0  # nothing to do
    assert (tmp_path / "b" / "checkpoints" / "update-000004" / "model.safetensors").stat().st_mtime_ns == stamp


def test_ctrl_c_saves_a_checkpoint_and_exits_cleanly(model_dir, tmp_path, monkeypatch):
    trainer = Trainer(config(model_dir, tmp_path / "run", envs=2, max_episode_steps=3, updates=50))
    original = trainer._curriculum

    def interrupt_after_second(success):
        original(success)
        if trainer.update == 2:
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(trainer, "_curriculum", interrupt_after_second)
    assert trainer.train() == 130
    assert (tmp_path / "run" / "latest").read_text().strip() == "checkpoints/update-000002"
    assert json.loads((tmp_path / "run" / "checkpoints" / "update-000002" / "trainer.json").read_text())["update"] == 2


def test_group_baseline_and_generate_mode_run(model_dir, tmp_path):
    cfg = config(model_dir, tmp_path / "g", algo="reinforce", baseline="group", envs=4, group_size=2,
                 updates=1, max_episode_steps=3)
    assert Trainer(cfg).train() == 0
    cfg = config(model_dir, tmp_path / "gen", algo="ppo", mode="generate", envs=2, updates=1,
                 max_episode_steps=2, kl_coef=0.1)
    assert Trainer(cfg).train() == 0
    row = json.loads((tmp_path / "gen" / "metrics.jsonl").read_text().splitlines()[-1])
    assert "losses/ref_kl" in row and "losses/approx_kl" in row


def test_progress_is_what_each_step_takes_off_the_shortest_walkthrough(model_dir):
    from agent.rollout import play_episodes
    from game.solver import remaining_moves
    from game.env import LanternEnv
    env = LanternEnv(generate(1, 0))  # take the die, go north, drop it
    env.reset(seed=0)
    seen = [remaining_moves(env.world)]
    for command in ["go north", "go south", "take cedar die", "go north", "drop cedar die"]:
        env.step(command)
        seen.append(remaining_moves(env.world))
    assert seen == [3, 4, 3, 2, 1, 0]  # a step away costs one move, and won is 0
    policy = load_policy(str(model_dir), length_norm="token")
    envs = [LanternEnv(generate(1, 0), max_steps=8) for _ in range(12)]
    results = play_episodes(policy, envs, list(range(12)), torch.Generator().manual_seed(0), progress=True)
    won = [r for r in results if r.won]
    assert won and len(won) < len(results)  # both kinds, so the sums below test something
    for r in results:
        assert all(t.progress in (-1.0, 0.0, 1.0) for t in r.steps)
        total = sum(t.progress for t in r.steps)  # the start's 3 moves minus what is left
        assert total == 3 if r.won else total < 3
    plain = play_episodes(policy, envs[:2], [0, 1], torch.Generator().manual_seed(0))
    assert all(t.progress == 0.0 for r in plain for t in r.steps)  # only computed when asked


def test_a_lost_quest_gives_back_the_moves_that_were_left(model_dir):
    from agent.rollout import play_episodes
    from game.env import LanternEnv
    from game.solver import remaining_moves
    world = generate(1, 33, vocabulary="wide")  # the beetroot is to be delivered, one move away
    assert world.data["quests"][0]["lose"] == [{"type": "eaten", "item": "beetroot"}]
    start = remaining_moves(world)
    policy = load_policy(str(model_dir), length_norm="token")
    envs = [LanternEnv(generate(1, 33, vocabulary="wide"), max_steps=6) for _ in range(16)]
    results = play_episodes(policy, envs, list(range(16)), torch.Generator().manual_seed(0), progress=True)
    lost = [r for r in results if r.terminated and not r.won]
    assert lost  # the untrained model eats the beetroot in some of them
    for r in lost:
        *before, last = [t.progress for t in r.steps]
        assert last == -(start - sum(before)) < 0  # the moves still to go when it was eaten


def test_progress_searched_in_a_helper_process_is_the_same_as_here(model_dir, tmp_path):
    from agent.progress import HelperProgress
    from agent.rollout import play_episodes
    from game.turns import team
    from game.env import LanternEnv
    from game.loader import load_world
    policy = load_policy(str(model_dir), length_norm="token")
    worlds = [generate(1, 33, vocabulary="wide"), generate(2, 5), load_world("assets/worlds/lighthouse.toml")]

    def play(tracker):
        envs = [LanternEnv(w, max_steps=8) for w in worlds for _ in range(3)]
        results = play_episodes(policy, envs, list(range(9)), torch.Generator().manual_seed(0), tracker=tracker,
                                progress=[True] * 8 + [False], teams=[team(env.world) for env in envs])
        return [[t.progress for t in r.steps] for r in results]

    helper = HelperProgress()
    try:
        here, there, again = play(None), play(helper), play(helper)  # a helper serves rollout after rollout
    finally:
        helper.close()
    assert here == there == again
    assert any(p < 0 for p in sum(here[:3], [])) and any(p > 0 for p in sum(here, []))  # a loss, and progress
    assert all(p == 0 for p in here[8])  # not asked for: not searched
    kw = dict(envs=4, max_episode_steps=4, lr=1e-3, updates=2, batch=8, progress_reward=0.5)
    Trainer(config(model_dir, tmp_path / "here", **kw), progress_helper=False).train()
    Trainer(config(model_dir, tmp_path / "helper", **kw), progress_helper=True).train()
    (ma, oa), (mb, ob) = params(tmp_path / "here"), params(tmp_path / "helper")
    assert all(torch.equal(ma[k], mb[k]) for k in ma) and all(torch.equal(oa[k], ob[k]) for k in oa)


def test_progress_reward_shapes_the_rewards_the_update_sees(model_dir, tmp_path):
    trainer = Trainer(config(model_dir, tmp_path / "p", envs=4, updates=1, step_penalty=0.1, progress_reward=0.5))
    episodes = trainer._rollout()
    batch = trainer._batch(episodes)
    for j, ep in enumerate(episodes):
        for t, step in enumerate(ep.steps):
            assert batch.rewards[t, j].item() == pytest.approx(step.reward - 0.1 + 0.5 * step.progress)
    assert any(step.progress for ep in episodes for step in ep.steps)


@pytest.mark.parametrize("kw, message", [
    (dict(algo="a2c"), "--algo must be one of"),
    (dict(difficulty=9), "difficulties must satisfy"),
    (dict(train_seeds=(0, 2_000_000)), "held out for eval"),
    (dict(envs=3, group_size=2), "multiple of --group-size"),
    (dict(baseline="group"), "needs --group-size"),
    (dict(mode="dream"), "mode must be one of"),
    (dict(difficulty=None), "give either --world PATH or --difficulty D"),
    (dict(device="tpu"), "unknown device"),
    (dict(progress_reward=-1.0), "--progress-reward must be at least 0"),
])
def test_bad_config_is_refused(model_dir, tmp_path, kw, message):
    with pytest.raises(LanternError, match=message):
        config(model_dir, tmp_path, **kw)


def test_existing_run_is_not_overwritten_and_resume_needs_a_checkpoint(model_dir, tmp_path):
    cfg = config(model_dir, tmp_path / "run", envs=2, updates=1, max_episode_steps=2)
    Trainer(cfg).train()
    before = (tmp_path / "run" / "latest").read_text()
    with pytest.raises(LanternError, match="already holds a training run"):
        Trainer(cfg)
    assert (tmp_path / "run" / "latest").read_text() == before
    with pytest.raises(LanternError, match="no checkpoint to resume"):
        Trainer(config(model_dir, tmp_path / "empty", updates=1), resume=True)


def test_corrupt_checkpoint_is_reported(model_dir, tmp_path):
    cfg = config(model_dir, tmp_path / "run", envs=2, updates=1, max_episode_steps=2)
    Trainer(cfg).train()
    folder = tmp_path / "run" / "checkpoints" / "update-000001"
    (folder / "optimizer.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(LanternError, match="optimizer.safetensors: cannot read it"):
        Trainer(config(model_dir, tmp_path / "run", updates=2, envs=2), resume=True)
    (folder / "model.safetensors").write_bytes(b"\x00" * 64)
    with pytest.raises(LanternError, match="cannot load it"):
        load_policy(str(tmp_path / "run"))


def test_curriculum_moves_up_a_level_on_success(model_dir, tmp_path):
    cfg = config(model_dir, tmp_path / "c", envs=2, updates=3, max_episode_steps=2, max_difficulty=2,
                 promote_at=0.0, promote_window=1, train_seeds=(0, 50))
    Trainer(cfg).train()
    rows = [json.loads(line) for line in (tmp_path / "c" / "metrics.jsonl").read_text().splitlines()]
    assert [r["charts/difficulty"] for r in rows] == [1, 2, 2]


def test_curriculum_waits_for_a_run_of_good_updates(model_dir, tmp_path):
    cfg = config(model_dir, tmp_path / "w", envs=2, updates=4, max_episode_steps=2, max_difficulty=2,
                 promote_at=0.0, promote_window=3, train_seeds=(0, 50))
    Trainer(cfg).train()
    rows = [json.loads(line) for line in (tmp_path / "w" / "metrics.jsonl").read_text().splitlines()]
    assert [r["charts/difficulty"] for r in rows] == [1, 1, 1, 2]


def test_a_killed_run_resumes_from_its_last_whole_checkpoint(model_dir, tmp_path):
    """What SIGKILL leaves behind: a half-written checkpoint folder and metric lines past the
    last checkpoint. Resuming ignores both and redoes those updates."""
    run = tmp_path / "run"
    kw = dict(envs=2, max_episode_steps=2, checkpoint_every=1)
    Trainer(config(model_dir, run, updates=2, **kw)).train()
    half = run / "checkpoints" / ".update-000003.tmp"
    half.mkdir()
    (half / "model.safetensors").write_bytes(b"half written")
    with open(run / "metrics.jsonl", "a") as f:
        f.write(json.dumps({"update": 3, "global_step": 99}) + "\n")
    assert Trainer(config(model_dir, run, updates=3, **kw), resume=True).train() == 0
    assert not half.exists()
    rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert [r["update"] for r in rows] == [1, 2, 3] and rows[-1]["global_step"] != 99


def test_export_writes_a_standalone_policy_folder(model_dir, tmp_path):
    out = tmp_path / "npc"
    cfg = config(model_dir, tmp_path / "run", envs=4, updates=2, export=str(out))
    assert Trainer(cfg).train() == 0
    assert {"model.safetensors", "value_head.safetensors", "lantern.json", "train.json", "tokenizer.json"} <= \
        {p.name for p in out.iterdir()}
    assert not (out / "optimizer.safetensors").exists() and not any(p.name.startswith(".") for p in tmp_path.iterdir())
    record = json.loads((out / "train.json").read_text())
    assert record["update"] == 2 and record["last_metrics"]["update"] == 2
    exported, run = load_policy(str(out)), load_policy(str(tmp_path / "run"))
    for (name, a), (_, b) in zip(exported.state_dict().items(), run.state_dict().items()):
        assert torch.equal(a, b), name


def test_learning_curve_marks_curriculum_moves_and_never_averages_across_levels(tmp_path):
    from agent.metrics import level_segments, plot_learning_curve, smoothed
    rows = [{"update": i + 1, "global_step": 100 * (i + 1), "charts/difficulty": d, "charts/success_rate": s,
             "charts/episodic_return": s} for i, (d, s) in enumerate([(2, 1.0), (2, 0.8), (2, 0.9), (3, 0.1), (3, 0.3)])]
    assert level_segments(rows) == [(0, 3, 2), (3, 5, 3)]
    assert smoothed(rows, "charts/success_rate", 10) == pytest.approx([1.0, 0.9, 0.9, 0.1, 0.2])
    (tmp_path / "metrics.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert plot_learning_curve(tmp_path).stat().st_size > 1000


@pytest.mark.parametrize("algo", ["ppo", "reinforce"])
def test_reference_scored_in_a_helper_process_gives_the_same_weights(model_dir, tmp_path, algo):
    kw = dict(algo=algo, envs=4, max_episode_steps=4, lr=1e-3, updates=2, batch=8, ppo_epochs=2, kl_coef=0.5)
    Trainer(config(model_dir, tmp_path / "here", **kw)).train()
    Trainer(config(model_dir, tmp_path / "helper", cpu="pinned", **kw)).train()
    (ma, oa), (mb, ob) = params(tmp_path / "here"), params(tmp_path / "helper")
    assert all(torch.equal(ma[k], mb[k]) for k in ma) and all(torch.equal(oa[k], ob[k]) for k in oa)
    rows = [[json.loads(line)["losses/ref_kl"] for line in (tmp_path / run / "metrics.jsonl").read_text().splitlines()]
            for run in ("here", "helper")]
    assert rows[0] == rows[1] and rows[0][-1] > 0  # the penalty was on, and the same, in both runs


def test_a_team_rollout_gives_each_keeper_its_own_view_in_turn(model_dir, tmp_path):
    from agent.rollout import play_episodes
    from game.turns import team
    from game.env import LanternEnv
    from game.loader import load_world
    from game.record import EpisodeRecorder, read_episode
    world = load_world("assets/worlds/lighthouse.toml")
    env = LanternEnv(world, max_steps=6)
    policy = load_policy(str(model_dir), length_norm="token", journal=True)
    recorder = EpisodeRecorder(tmp_path / "team.jsonl", env, 0)
    result, = play_episodes(policy, [env], [0], torch.Generator().manual_seed(0), recorders={0: recorder},
                            teams=[team(world)])
    assert len(result.steps) == 6 and result.truncated and result.final_prompt is not None
    from game.record import replay
    episode = read_episode(tmp_path / "team.jsonl")
    assert [s["actor"] for s in episode.steps] == ["player", "ada"] * 3
    assert len(list(replay(episode))) >= 6  # the team's episode replays, hashes checked
    # each keeper's prompt is its own: Ada's first prompt is built from Ada's view after the player's move
    from agent.prompt import View
    again = LanternEnv(world, max_steps=6, **policy.config.env_settings())  # as the rollout showed it
    again.reset(seed=0)
    again.step(episode.steps[0]["command"], actor="player")
    ada = policy.prompts.build(View.from_info(again.observation("ada"), again.info("ada"), []))
    player = policy.prompts.build(View.from_info(again.observation("player"), again.info("player"), []))
    assert result.steps[1].prompt == ada != player


def test_bundled_share_mixes_the_bundled_worlds_into_the_rollouts(model_dir, tmp_path):
    kw = dict(envs=4, max_episode_steps=3, updates=3, bundled_share=0.5)
    trainer = Trainer(config(model_dir, tmp_path / "mix", **kw))
    assert trainer.train() == 0
    rows = [json.loads(line) for line in (tmp_path / "mix" / "metrics.jsonl").read_text().splitlines()]
    counts = [r["charts/bundled_episodes"] for r in rows]
    drawn = []
    for update in range(3):  # the draw is a pure function of (seed, update, group)
        trainer.update = update
        drawn.append(sum(trainer._bundled_pick(g) is not None for g in range(4)))
    assert 0 < sum(counts) < 12 and counts == drawn
    # lighthouse, manor, tutorial: twice each optimum (15, 35, 8 with Ada), more than the cap of 3
    assert [s.max_steps for s in trainer.bundled] == [30, 70, 16]
    assert json.loads((tmp_path / "mix" / "checkpoints" / "update-000003" / "lantern.json").read_text()
                      )["trained_on"]["bundled_share"] == 0.5
    with pytest.raises(LanternError, match="--bundled-share must be in"):
        config(model_dir, tmp_path / "x", bundled_share=1.5)


def test_authored_adds_the_hand_written_training_worlds_to_the_bundled_share(model_dir, tmp_path):
    from game.assets import AUTHORED_DIR
    from game.loader import load_world
    from game.solver import solve
    trainer = Trainer(config(model_dir, tmp_path / "a", envs=4, max_episode_steps=3, bundled_share=0.5,
                             bundled_request_share=0.5, authored=True))
    authored = [load_world(p) for p in sorted(AUTHORED_DIR.glob("*.toml"))]
    assert [s.max_steps for s in trainer.bundled][:3] == [30, 70, 16]  # the bundled worlds first
    assert [s.max_steps for s in trainer.bundled][3:] == [2 * len(solve(w)) for w in authored]
    assert len(trainer.bundled_walkthroughs) == 3 + len(authored) >= 9


def test_worlds_made_ahead_in_a_helper_are_the_worlds_made_here():
    from concurrent.futures import Future

    from agent.worlds import WorldMaker, WorldSource
    from game.generator import world_to_toml
    keys = [(2, 5), (3, 9)]
    source, maker = WorldSource(vocabulary="wide"), WorldMaker()
    try:
        source.make_ahead(maker, [(1, 1)])
        source.make_ahead(maker, keys)  # the next update's keys replace the last's
        assert (1, 1) not in source._coming
        for future in source._coming.values():
            future.result(timeout=60)
        made = [world_to_toml(source.env(*key).world) for key in keys]
    finally:
        maker.close()
    assert source.made_ahead == 2 and not source._coming
    assert made == [world_to_toml(WorldSource(vocabulary="wide").env(*key).world) for key in keys]

    class Slow:  # a maker whose world is never ready: the env is made here, without waiting
        def submit(self, key, companion, vocabulary, mechanics):
            self.future = Future()
            return self.future
    slow, late = Slow(), WorldSource()
    late.make_ahead(slow, [(2, 5)])
    assert world_to_toml(late.env(2, 5).world) == world_to_toml(WorldSource().env(2, 5).world)
    assert late.made_ahead == 0 and slow.future.cancelled()


def test_a_trainer_with_a_helper_generates_the_next_updates_worlds_there(model_dir, tmp_path):
    trainer = Trainer(config(model_dir, tmp_path / "ahead", envs=4, train_seeds=(0, 1000), updates=2),
                      progress_helper=True)
    try:
        trainer._rollout()
        coming = dict(trainer.worlds._coming)
        assert len(coming) == 4 and {d for d, _ in coming} == {1}  # the next update's four groups
        for future in coming.values():
            future.result(timeout=60)
        trainer.update += 1
        trainer._rollout()
        assert trainer.worlds.made_ahead == 4
    finally:
        trainer.close_rollouts()
