"""Request episodes in training: the wrapper, training phrasings only, imitation on plans, train/eval flags."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

import main  # noqa: E402
from agent.checkpoint import load_policy  # noqa: E402
from agent.imitate import ImitateConfig, imitate  # noqa: E402
from agent.prompt import View  # noqa: E402
from agent.requests_train import (REQUEST_MOVES, parse_kinds, request_dagger_demos, request_demos,  # noqa: E402
                                  request_env, training_request)
from agent.train import Trainer, TrainConfig  # noqa: E402
from game import request_gen  # noqa: E402
from game.errors import LanternError  # noqa: E402
from game import phrasing  # noqa: E402
from game.request_gen import GENERATED_KINDS, HELD_OUT_SETS, TRAIN, plan_for  # noqa: E402
from tests.agent_fixtures.tiny import IMITATE, TRAIN as TRAIN_RUN, in_process, model_dir  # noqa: E402,F401 (fixture)


def run_config(**kw) -> TrainConfig:
    return TrainConfig(**{**TRAIN_RUN, **kw})


def imitate_config(**kw) -> ImitateConfig:
    return ImitateConfig(**{**IMITATE, **kw})


def test_a_told_episode_reads_the_words_and_ends_rewarded_when_the_goal_holds():
    env = request_env(2, 3, 7)
    obs, info = env.reset(seed=0)
    request = env.request
    assert info["actor"] == "ada" and info["directive"] == request.words
    assert f"Told: {request.words}" in _prompt_text(obs, info)
    for k, command in enumerate(request.plan):
        obs, reward, terminated, truncated, info = env.step(command)
        last = k == len(request.plan) - 1
        assert terminated == last and not truncated and env.fulfilled == last
    assert reward >= 1.0 and env.taken == len(request.plan)
    untold = request_env(2, 3, 7, told=False)
    _, info = untold.reset(seed=0)
    assert info["directive"] is None and untold.request == request  # the same goal, unsaid


def test_an_episode_is_cut_after_its_moves_and_the_reset_starts_afresh():
    env = request_env(3, 34, 1, ("go",), moves=2)
    env.reset(seed=0)
    wrong = [c for c in env.info()["admissible_commands"] if c != env.request.plan[0]]
    _, reward, terminated, truncated, _ = env.step(wrong[0])
    assert (reward, terminated, truncated) == (0.0, False, False)
    _, _, terminated, truncated, _ = env.step("wait")
    assert terminated and not truncated and not env.fulfilled  # the request lapsed: a failure, not a cut
    env.reset(seed=0)
    assert env.taken == 0 and env.info()["directive"] == env.request.words
    assert REQUEST_MOVES == 10


def test_training_requests_come_only_from_training_templates():
    held = {t for templates in HELD_OUT_SETS.values() for ts in templates.values() for t in ts}
    seen = set()
    for case in range(60):
        env = request_env(1 + case % 3, case, case)
        env.reset(seed=0)
        req = env.request
        assert req.split == TRAIN and req.template in phrasing.forms(req.kind) and req.template not in held
        seen.add(req.kind)
    assert len(seen) >= 5


def test_no_training_path_ever_asks_for_a_held_out_phrasing(model_dir, tmp_path, monkeypatch):
    """train (request episodes) and imitate (plans and DAgger) with a phrasing generator that fails
    on any held-out request: both run, so held-out phrasings never reach training."""
    real = request_gen.phrase
    asked = []

    def guarded(world, goal, rng, split):
        assert split == TRAIN, "a training path asked for a held-out phrasing"
        asked.append(split)
        return real(world, goal, rng, split)

    monkeypatch.setattr(request_gen, "phrase", guarded)
    cfg = run_config(model=str(model_dir), out=str(tmp_path / "run"), difficulty=1, envs=4, updates=2,
                      request_share=1.0, max_episode_steps=4, request_moves=3, progress=False, record_every=1)
    assert Trainer(cfg).train() == 0
    imitate(imitate_config(model=str(model_dir), out=str(tmp_path / "im"), worlds=2, request_worlds=4, epochs=1,
                          dagger_rounds=1, dagger_worlds=2, request_moves=3, progress=False))
    assert asked and set(asked) == {TRAIN}


def test_request_demos_follow_the_plan_with_the_words_in_the_prompt():
    env = request_env(2, 5, 11)
    env.reset(seed=0)
    plan, words = env.request.plan, env.request.words
    demos = request_demos([request_env(2, 5, 11)], [(2, 5)])
    assert [d.candidates[d.action] for d in demos] == list(plan)
    assert all(d.view.directive == words and d.world == (2, 5) for d in demos)
    assert demos[-1].rewards[-1] >= 1.0 and len(demos[0].rewards) == len(plan)


def test_bundled_request_plans_are_asked_along_the_walkthrough_in_the_model_s_view():
    from agent.demos import bundled_request_walkthroughs
    from game.assets import bundled_worlds
    demos = bundled_request_walkthroughs(imitate_config(out="unused", bundled_requests=6, read_commands=True, journal_wording=2))
    worlds = {d.world for d in demos}
    assert worlds == {(0, i) for i in range(len(bundled_worlds()))}
    firsts = [d for d in demos if d.view.history == []]  # each plan's first state
    assert len(firsts) >= 2 * len(worlds) and all(d.view.directive for d in demos)
    assert len({d.view.observation for d in firsts}) > len(worlds)  # asked at several points of the game
    assert any(c.startswith("read ") for d in demos for c in d.candidates)  # shown as the model reads them
    assert bundled_request_walkthroughs(imitate_config(out="unused")) == []


def test_train_plays_bundled_request_episodes_at_their_share(model_dir, tmp_path):
    cfg = run_config(model=str(model_dir), out=str(tmp_path / "b"), difficulty=1, envs=8, updates=1, request_share=1.0,
                     bundled_request_share=0.5, request_moves=3, max_episode_steps=4, progress=False, record_every=0)
    trainer = Trainer(cfg)
    envs, _ = trainer._envs()
    sources = [env.world.source for env in envs]
    assert 0 < sum("worlds/" in s for s in sources) < len(envs)
    assert all(env.reset(seed=0) and env.request.plan for env in envs)
    assert any(env.prefix for env in envs if "worlds/" in env.world.source)
    assert trainer.train() == 0
    meta = json.loads((tmp_path / "b" / "checkpoints" / "update-000001" / "lantern.json").read_text())
    assert meta["trained_on"]["bundled_request_share"] == 0.5


def test_dagger_labels_the_shortest_plan_from_each_state_reached(model_dir):
    policy = load_policy(str(model_dir), length_norm="token")
    envs = [request_env(3, s, s, moves=4) for s in range(3)]
    demos, rate = request_dagger_demos(policy, envs, [(3, s) for s in range(3)], torch.Generator().manual_seed(0))
    assert demos and 0.0 <= rate <= 1.0
    # replay the first episode: each label is the first command of the plan from that state
    env = request_env(3, 0, 0, moves=4)
    env.reset(seed=0)
    first = [d for d in demos if d.world == (3, 0)]
    for demo in first:
        assert demo.candidates[demo.action] == plan_for(env.env, "ada", env.request.goal)[0]
        assert demo.view.directive == env.request.words
        if first.index(demo) + 1 < len(first):
            env.step(_taken(first, demo))


def _taken(demos, demo):
    """The command the policy took after ``demo`` (the next state's history ends with it)."""
    return demos[demos.index(demo) + 1].view.history[-1][1]


def test_train_logs_request_success_and_draws_request_groups_from_the_counters(model_dir, tmp_path):
    cfg = run_config(model=str(model_dir), out=str(tmp_path / "mix"), difficulty=2, envs=4, updates=3,
                      request_share=0.5, request_moves=3, max_episode_steps=4, progress=False, record_every=1)
    trainer = Trainer(cfg)
    assert trainer.train() == 0
    rows = [json.loads(line) for line in (tmp_path / "mix" / "metrics.jsonl").read_text().splitlines()]
    counts = [r["charts/request_episodes"] for r in rows]
    drawn = []
    for update in range(3):
        trainer.update = update
        drawn.append(sum(trainer._request_pick(g) is not None for g in range(4)))
    assert counts == drawn and 0 < sum(counts) < 12
    assert all(0.0 <= r["charts/request_success_rate"] <= 1.0 for r in rows if r["charts/request_episodes"])
    meta = json.loads((tmp_path / "mix" / "checkpoints" / "update-000003" / "lantern.json").read_text())
    assert meta["trained_on"]["request_share"] == 0.5


def test_resume_is_exact_with_request_episodes(model_dir, tmp_path):
    from safetensors.torch import load_file
    kw = dict(model=str(model_dir), difficulty=2, envs=4, request_share=0.5, request_moves=3, max_episode_steps=4,
              checkpoint_every=1, ppo_epochs=1, progress=False, record_every=0)
    Trainer(run_config(out=str(tmp_path / "a"), updates=2, **kw)).train()
    Trainer(run_config(out=str(tmp_path / "b"), updates=1, **kw)).train()
    Trainer(run_config(out=str(tmp_path / "b"), updates=2, **kw), resume=True).train()
    a, b = (load_file(str(tmp_path / r / "checkpoints" / "update-000002" / "model.safetensors")) for r in "ab")
    assert all(torch.equal(a[k], b[k]) for k in a)


@pytest.mark.parametrize("kw, message", [
    (dict(request_share=1.5), "--request-share must be in"),
    (dict(request_kinds=("fly",)), "unknown request kind 'fly'"),
    (dict(request_moves=0), "--request-moves must be at least 1"),
    (dict(bundled_request_share=-0.1), "--bundled-request-share must be in"),
    (dict(world="assets/worlds/lighthouse.toml", difficulty=None, request_share=0.5), "not --world"),
    (dict(world="assets/worlds/lighthouse.toml", difficulty=None, companion=True), "not --world"),
])
def test_bad_request_settings_are_refused(model_dir, tmp_path, kw, message):
    base = dict(model=str(model_dir), out=str(tmp_path / "x"), difficulty=1, progress=False)
    with pytest.raises(LanternError, match=message):
        run_config(**{**base, **kw})


@given(st.lists(st.sampled_from(GENERATED_KINDS), max_size=6), st.sampled_from(["", " ", "  "]))
def test_request_kinds_parse_back_to_the_kinds_listed(kinds, pad):
    assert parse_kinds(",".join(pad + k + pad for k in kinds)) == tuple(kinds)


@given(st.text(min_size=1, max_size=12).filter(lambda w: w.strip() and "," not in w
                                              and w.strip() not in GENERATED_KINDS))
def test_an_unknown_request_kind_is_named_in_one_line(word):
    with pytest.raises(LanternError) as exc:
        parse_kinds(f"go,{word}")
    assert repr(word.strip()) in str(exc.value) and "\n" not in str(exc.value)


def test_request_flags_on_the_command_line(model_dir, tmp_path, capsys):
    assert parse_kinds("go, take") == ("go", "take")
    with pytest.raises(SystemExit) as exc:
        main.main(in_process(["train", "--difficulty", "1", "--request-kinds", "go,fly", "--out", tmp_path / "r"]))
    assert exc.value.code == 2 and "unknown request kind 'fly'" in capsys.readouterr().err
    code = main.main(in_process(["train", "--model", model_dir, "--difficulty", "1", "--companion", "--request-share",
                                 "0.5", "--request-kinds", "go", "--request-moves", "2", "--envs", "2", "--updates", "1",
                                 "--max-episode-steps", "3", "--out", tmp_path / "r", "--no-progress"]))
    assert code == 0
    saved = json.loads((tmp_path / "r" / "checkpoints" / "update-000001" / "trainer.json").read_text())["config"]
    assert (saved["companion"], saved["request_share"], saved["request_kinds"]) == (True, 0.5, ["go"])


def test_eval_with_a_companion_drives_the_team(model_dir, capsys):
    code = main.main(in_process(["eval", "--model", model_dir, "--difficulty", "1", "--companion",
                                 "--seeds", "1000000:1000001", "--max-steps", "4", "--json"]))
    out, err = capsys.readouterr()
    assert code == 0, err
    report = json.loads(out)
    assert "with a companion" in report["worlds"] and report["rows"][0]["episodes"] == 1
    assert main.main(in_process(["eval", "--model", model_dir, "--world", "assets/worlds/tutorial.toml",
                                 "--companion"])) == 2
    assert "use it with --difficulty" in capsys.readouterr().err


def _prompt_text(obs, info):
    from agent.prompt import prompt_text  # the text the prompt builder lays out
    return prompt_text(View.from_info(obs, info, []), [])


# In this world (difficulty 3, seed 34, with a companion) Ada starts in the vault, whose three
# exits (north, south, west) each lead to another room in one command and are her only
# commands: a 'go to ROOM' request is met in one move exactly when she reads which room.
GO_WORLD = (3, 34)


def _go_envs(cases, told=True):
    return [request_env(*GO_WORLD, case, ("go",), told=told, moves=1) for case in cases]


def test_ppo_on_top_of_imitation_learns_to_follow_go_requests(model_dir, tmp_path):
    """A tiny model learns to follow 'go to ROOM' requests in well under a minute of CPU:
    a short imitation warm start on the requests' plans, then PPO on request episodes
    (rewarded when the request is met), measured on 90 requests it never trained on.

    Measured with this recipe over seeds 0-3 (the run's seed, torch's and the demonstrations'),
    shares of the 90 requests: told after imitation 0.32 / 0.58 / 0.67 / 0.61, told after PPO
    0.96 / 0.99 / 0.99 / 1.00, untold after PPO 0.32 / 0.29 / 0.29 / 0.27, random 0.34; CPU
    time 17-18 s (imitation 5.5 s). Shuffling one list across the imitation epochs instead
    (other batches) gave 0.34 / 0.73 / 0.41 / 0.34: PPO's climb is sometimes slower. The
    margins asserted sit below the smallest gaps measured over those five runs (told - untold
    0.32, told - random 0.39, PPO - imitation 0.32).
    """
    import random
    import time

    from agent.checkpoint import export_policy
    from agent.cloning import encode, train_step
    from agent.requests_train import follow_rate, random_follow_rate
    start = time.process_time()
    torch.manual_seed(0)
    policy = load_policy(str(model_dir), length_norm="token", prompt_tokens=48)  # the prompt's end: Told, Carrying
    demos = request_demos(_go_envs(range(256)), [GO_WORLD] * 256)
    data = encode(policy, demos, 0.9)
    optimizer, rng = torch.optim.Adam(policy.parameters(), lr=3e-3, eps=1e-5), random.Random(0)
    for _ in range(3):  # imitation: the warm start
        order = list(range(len(demos)))
        rng.shuffle(order)
        for lo in range(0, len(order), 16):
            train_step(policy, optimizer, data, order[lo:lo + 16])
    export_policy(policy, tmp_path / "imitated", {}, {})
    cfg = run_config(model=str(tmp_path / "imitated"), out=str(tmp_path / "ppo"), difficulty=GO_WORLD[0],
                      train_seeds=(GO_WORLD[1], GO_WORLD[1] + 1), request_share=1.0, request_kinds=("go",),
                      request_moves=1, envs=32, updates=40, lr=3e-4, entropy_coef=0.0, batch=16,
                      progress=False, record_every=0, checkpoint_every=100)
    assert Trainer(cfg).train() == 0
    cpu = time.process_time() - start
    held = range(100_000, 100_090)  # request seeds neither stage drew
    g = torch.Generator().manual_seed(0)
    imitated, final = load_policy(str(tmp_path / "imitated")), load_policy(str(tmp_path / "ppo"))
    told_imitated = follow_rate(imitated, _go_envs(held), g)
    told, untold = follow_rate(final, _go_envs(held), g), follow_rate(final, _go_envs(held, told=False), g)
    chance = random_follow_rate(_go_envs(held, told=False))
    assert cpu < 60, cpu
    assert abs(chance - 1 / 3) < 0.1 and untold < 0.5, (chance, untold)
    assert told >= 0.6 and told >= untold + 0.2 and told >= chance + 0.25, (told, untold, chance)
    assert told >= told_imitated + 0.2, (told_imitated, told)  # what PPO adds on top of imitation
