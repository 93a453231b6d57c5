"""``python main.py bench train``: how fast the RL loop runs, and how close to the hardware
(``--ray``: the loop with rollouts here against rollouts on Ray workers);
``python main.py bench npc``: how long the NPC takes to choose a command in play;
``python main.py bench imitate``: imitation-training states/s at each prompt history length.

Prints JSON with: rollout steps/s (acting in N envs), update steps/s (one REINFORCE
gradient pass over the rollout's transitions), the model's achieved FLOP/s in both, a plain
``torch`` matrix multiply's FLOP/s measured in the same run (before, between and after the
two phases; each phase's ratio is over the mean of the two beside it), and the whole loop's time per
transition (act + learn) over a bare forward+backward of the same (prompt + command) tokens.
The rollout is played as ``train`` plays it: with progress shaping, whose searches run in a
helper process where the machine has a second core (``agent/progress.py``), and the next
update's worlds generated in another (``WorldMaker``, ``agent/worlds.py``), as under train's
default ``--cpu pinned``.

The model's FLOPs are those scoring a state needs, whatever path computes them: the prompt
once, and each candidate's tokens but the last once after it (``state_flops``): 2 per weight
of the blocks' matrices per token, 4 x hidden x layers per (query, key) pair that causal
attention really has (no padding, no candidate seeing another), and 2 per LM-head weight only
where logits are read (the prompt's last token and each candidate token but the last).
Embedding look-ups, norms and activations count nothing. A backward pass counts twice its
forward; the update counts a forward and backward of every state plus the forward of the
states it scores again after the step (the logged approx_kl).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

from agent.memory import keep_freed_memory


def bench_train(args) -> int:
    """Measure and print the training figures; returns 0."""
    import torch

    from agent.train import Trainer, TrainConfig
    keep_freed_memory()  # as train does (use_cpu)
    if getattr(args, "threads", None):
        torch.set_num_threads(args.threads)
    seconds = max(float(args.seconds), 0.1)
    difficulty = args.difficulty or 2
    with tempfile.TemporaryDirectory(prefix="lantern-bench-") as tmp:
        model = args.model or _tiny(Path(tmp) / "tiny", args.seed)
        cfg = TrainConfig(model=model, out=str(Path(tmp) / "run"), difficulty=difficulty, envs=args.envs,
                          algo="reinforce", seed=args.seed, progress=False, record_every=0,
                          max_episode_steps=getattr(args, "max_steps", 8), batch=max(args.envs * 4, 32),
                          bundled_share=getattr(args, "bundled_share", 0.0), request_share=0.0, kl_coef=0.0,
                          cpu="native")  # one kind of episode; torch's threads: bench --threads sets them
        # progress searches beside the model, as train's default --cpu pinned runs them on such a machine
        helper = (os.cpu_count() or 1) > 1 and not getattr(args, "progress_here", False)
        ahead = helper and not getattr(args, "worlds_here", False)
        trainer = Trainer(cfg, progress_helper=helper, worlds_ahead=ahead)
        n_params = sum(p.numel() for p in trainer.policy.model.parameters())
        shape = model_shape(trainer.policy.model)
        # the matmul is timed before, between and after the phases, and each phase is set against
        # the mean of the two beside it: on a shared machine the load moves while a bench runs
        trainer._rollout()  # warm-up, untimed: first allocations, the progress helper's start
        trainer.update += 1
        matmul = [_matmul_flops(seconds / 2)]
        rollout = _time_rollouts(trainer, seconds, shape)
        matmul.append(_matmul_flops(seconds / 2))
        update = _time_updates(trainer, rollout.pop("batch"), seconds, shape)
        matmul.append(_matmul_flops(seconds / 2))
        compute = _time_compute(trainer, update.pop("rows"), seconds) / (update["steps"] / update["passes"])
        trainer.close_rollouts()
    rollout_flops = rollout["flops"] / rollout["seconds"]
    update_flops = update["flops"] / update["seconds"]
    result = {
        "model": args.model or "tiny GPT-2 (built locally)", "parameters": n_params, "envs": args.envs,
        "difficulty": difficulty, "threads": torch.get_num_threads(),
        "progress_searches": "helper process" if helper else "this process",
        "next_worlds": "made in a helper process" if ahead else "made in the rollout",
        "rollout_steps_per_s": round(rollout["steps"] / rollout["seconds"], 1),
        "rollout_tokens_per_s": round(rollout["tokens"] / rollout["seconds"]),
        "update_steps_per_s": round(update["steps"] / update["seconds"], 1),
        "rollout_model_flops_per_s": round(rollout_flops),
        "update_model_flops_per_s": round(update_flops),
        "matmul_flops_per_s": round(sum(matmul) / len(matmul)),
        "rollout_flops_over_matmul": round(2 * rollout_flops / (matmul[0] + matmul[1]), 4),
        "update_flops_over_matmul": round(2 * update_flops / (matmul[1] + matmul[2]), 4),
        # seconds per transition of the whole loop (act + learn) over a bare forward+backward
        # of the same (prompt + command) tokens: the goal is at most 2
        "loop_over_bare_forward_backward": round(
            (rollout["seconds"] / rollout["steps"] + update["seconds"] / update["steps"]) / compute, 2),
    }
    print(json.dumps(result))
    return 0


def bench_train_ray(args) -> int:
    """``bench train --ray``: steps/s of whole training updates (rollout, then a REINFORCE update
    in this process) with the rollout played three ways on the same machine, in one run: in one
    batch here (train's default), group by group here (``--rollout-workers 1``), and group by
    group on ``--rollout-workers`` Ray actors. Prints JSON; ``ray_start_s`` is the time from
    starting Ray to the end of the first rollout (actors loading the model), not in the rates."""
    import torch

    from agent.train import Trainer, TrainConfig
    keep_freed_memory()  # as train does (use_cpu)
    if getattr(args, "threads", None):
        torch.set_num_threads(args.threads)
    seconds = max(float(args.seconds), 0.1)
    difficulty = args.difficulty or 2
    ways = {"in_process": {}, "in_process_groups": {"rollout_workers": 1},
            "ray": {"ray": args.ray, "rollout_workers": args.rollout_workers}}
    rows = {}
    with tempfile.TemporaryDirectory(prefix="lantern-bench-") as tmp:
        model = args.model or _tiny(Path(tmp) / "tiny", args.seed)
        for name, extra in ways.items():
            start = time.perf_counter()
            trainer = Trainer(TrainConfig(model=model, out=str(Path(tmp) / name), difficulty=difficulty,
                                          envs=args.envs, group_size=args.group_size, algo="reinforce",
                                          seed=args.seed, progress=False, record_every=0, max_episode_steps=8,
                                          batch=max(args.envs * 4, 32), bundled_share=0.0, request_share=0.0,
                                          kl_coef=0.0, cpu="native", **extra))
            try:
                trainer._rollout()  # warm-up (Ray: the actors load the model)
                rows[name] = {"start_s": round(time.perf_counter() - start, 2), **_time_loop(trainer, seconds)}
            finally:
                trainer.close_rollouts()
    result = {"model": args.model or "tiny GPT-2 (built locally)", "envs": args.envs, "group_size": args.group_size,
              "difficulty": difficulty, "threads": torch.get_num_threads(), "ray_address": args.ray,
              "rollout_workers": args.rollout_workers, **rows,
              "ray_over_in_process": round(rows["ray"]["steps_per_s"] / rows["in_process"]["steps_per_s"], 2)}
    print(json.dumps(result))
    return 0


def _time_loop(trainer, seconds: float) -> dict:
    """Whole updates (rollout, advantages, REINFORCE step) for about ``seconds``: steps/s of the
    loop and of its rollouts alone."""
    steps, rolling, updates = 0, 0.0, 0
    start = time.perf_counter()
    while updates == 0 or time.perf_counter() - start < seconds:
        t0 = time.perf_counter()
        episodes = trainer._rollout()
        rolling += time.perf_counter() - t0
        batch = trainer._batch(episodes)
        trainer._update_policy(batch, *trainer._advantages(batch))
        trainer.update += 1  # fresh worlds, and (Ray) the new weights sent, each round
        steps += len(batch.steps)
        updates += 1
    return {"updates": updates, "steps_per_s": round(steps / (time.perf_counter() - start), 1),
            "rollout_steps_per_s": round(steps / rolling, 1)}


def bench_npc(args) -> int:
    """Time the NPC's choices while it plays a world (one torch thread unless --threads); prints JSON."""
    import statistics

    import torch

    from agent.checkpoint import load_policy
    from agent.lm import default_model
    from agent.npc import LMNPC
    from game.assets import resolve_asset
    from game.env import LanternEnv
    from game.errors import LanternError
    from game.loader import load_world
    torch.set_num_threads(args.threads or 1)
    name = args.model or default_model(include_base=True)
    if name is None:
        raise LanternError("bench npc needs a model: pass --model, or make one with python main.py pretrain")
    world = str(resolve_asset(args.world or "assets/worlds/manor.toml"))
    npc = LMNPC(load_policy(name, mode="choose"), seed=args.seed)
    env = LanternEnv(load_world(world))
    env.reset(seed=args.seed)
    actor, times, candidates, episodes = env.player_id, [], [], 1
    npc.act(env, actor)  # warm-up: first calls allocate
    start = time.perf_counter()
    while not times or time.perf_counter() - start < args.seconds:
        candidates.append(len(env.admissible(actor)))
        t0 = time.perf_counter()
        decision = npc.act(env, actor)
        times.append(time.perf_counter() - t0)
        _, _, terminated, truncated, _ = env.step(decision.command, actor=actor)
        if terminated or truncated:
            env.reset(seed=args.seed + episodes)
            episodes += 1
    ms = sorted(t * 1000 for t in times)
    print(json.dumps({"model": name, "world": world, "threads": torch.get_num_threads(), "choices": len(ms),
                      "median_ms": round(statistics.median(ms), 2), "p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 2),
                      "max_ms": round(ms[-1], 2), "mean_candidates": round(sum(candidates) / len(candidates), 1)}))
    return 0


def bench_imitate(args) -> int:
    """Imitation-training throughput (imitate's own step: forward, backward, clipping and Adam,
    over batches of 16 guide walkthrough states with the journal) for each ``--history``, on the
    same states in one run; prints JSON with each one's mean prompt length and states/s, and the
    ratio to the first."""
    import random

    import torch

    from agent.checkpoint import load_policy
    from agent.cloning import encode, train_step
    from agent.demos import expert_walkthrough, walkthrough_demos
    from agent.lm import BASE_MODEL, bundled
    from game.env import LanternEnv
    from game.generator import generate
    keep_freed_memory()  # as imitate does (use_cpu)
    torch.set_num_threads(getattr(args, "threads", None) or 1)
    seconds = max(float(args.seconds), 0.1)
    demos, seed = [], args.seed
    while len(demos) < 256:  # training-seed worlds of difficulties 2 and 3
        for level in (2, 3):
            world = generate(level, seed)
            demos += walkthrough_demos(LanternEnv(world), expert_walkthrough(world, "guide"), where=(level, seed))
        seed += 1
    random.Random(args.seed).shuffle(demos)
    demos = demos[:256]
    with tempfile.TemporaryDirectory(prefix="lantern-bench-") as tmp:
        model = args.model or bundled(BASE_MODEL) or _tiny(Path(tmp) / "tiny", args.seed)
        rows = []
        for history in args.history:
            policy = load_policy(model, length_norm="token", history=history, journal=True, mode="choose")
            policy.model.eval()
            data = encode(policy, demos, 0.95)
            optimizer = torch.optim.Adam(policy.parameters(), lr=3e-4)
            done, start = 0, time.perf_counter()
            while done == 0 or time.perf_counter() - start < seconds:
                train_step(policy, optimizer, data, [(done + k) % len(demos) for k in range(16)])
                done += 16
            rows.append({"history": history, "prompt_tokens": round(sum(map(len, data.prompts)) / len(demos), 1),
                         "states_per_s": round(done / (time.perf_counter() - start), 1)})
    for row in rows:
        row["over_first"] = round(row["states_per_s"] / rows[0]["states_per_s"], 2)
    print(json.dumps({"model": model, "threads": torch.get_num_threads(), "states": len(demos),
                      "histories": rows}))
    return 0


def _tiny(path: Path, seed: int) -> str:
    from agent.tiny import build_tiny_model
    return str(build_tiny_model(path, n_layer=4, n_embd=128, seed=seed))


def model_shape(model) -> tuple[int, int, int, int]:
    """``(block weights, LM-head weights, layers, hidden size)`` of a causal LM: the block weights
    are its matrices other than embeddings and the LM head."""
    from torch import nn
    out = model.get_output_embeddings()
    skip = {id(m.weight) for m in model.modules() if isinstance(m, nn.Embedding)}
    skip.add(id(out.weight) if out is not None else None)
    body = sum(p.numel() for p in model.parameters() if p.dim() >= 2 and id(p) not in skip)
    text = model.config.get_text_config()
    return body, out.weight.numel() if out is not None else 0, text.num_hidden_layers, text.hidden_size


def state_flops(prompt: int, candidates: list[int], shape: tuple[int, int, int, int]) -> int:
    """Forward FLOPs of scoring one state: a ``prompt``-token prompt and candidates of these token
    lengths (see the module docstring)."""
    body, head, layers, hidden = shape
    fed = [n - 1 for n in candidates]                     # a candidate's last token is read, never fed
    tokens = prompt + sum(fed)
    pairs = prompt * (prompt + 1) // 2 + sum(k * prompt + k * (k + 1) // 2 for k in fed)
    return 2 * body * tokens + 2 * head * (1 + sum(fed)) + 4 * layers * hidden * pairs


def _transition_flops(t, shape) -> int:
    return state_flops(len(t.prompt), [len(c) for c in t.candidates], shape)


def _time_rollouts(trainer, seconds: float, shape) -> dict:
    """Act in N envs for about ``seconds``; count steps, tokens the model read and their FLOPs."""
    steps = tokens = flops = 0
    start = time.perf_counter()
    while True:
        episodes = trainer._rollout()
        trainer.update += 1  # fresh worlds each round
        for t in (t for e in episodes for t in e.steps):
            steps += 1
            tokens += len(t.prompt) + sum(len(c) - 1 for c in t.candidates)
            flops += _transition_flops(t, shape)
        if time.perf_counter() - start >= seconds:
            break
    batch = trainer._batch(episodes)
    return {"steps": steps, "tokens": tokens, "flops": flops, "seconds": time.perf_counter() - start,
            "batch": batch}


def _time_updates(trainer, batch, seconds: float, shape) -> dict:
    """Repeat the REINFORCE update on one rollout for about ``seconds``."""
    advantages, returns = trainer._advantages(batch)
    each = [_transition_flops(t, shape) for t in batch.steps]
    per_pass = 3 * sum(each) + sum(each[:trainer.config.batch])  # + the approx_kl forward
    passes = 0
    start = time.perf_counter()
    while passes == 0 or time.perf_counter() - start < seconds:
        trainer._update_policy(batch, advantages, returns)
        passes += 1
    rows = [t.prompt + t.candidates[t.action] for t in batch.steps]
    return {"steps": passes * len(batch.steps), "flops": passes * per_pass, "seconds": time.perf_counter() - start,
            "passes": passes, "rows": rows}


def _time_compute(trainer, rows: list[list[int]], seconds: float) -> float:
    """Seconds of one bare forward+backward over the rollout's (prompt + chosen command) rows."""
    from agent.policy import _pad
    model = trainer.policy.model
    ids, mask = _pad(rows, trainer.policy.tokenizer.pad_token_id, trainer.policy.device)
    chunks = list(zip(ids.split(trainer.config.batch), mask.split(trainer.config.batch)))
    passes = 0
    start = time.perf_counter()
    while passes == 0 or time.perf_counter() - start < seconds / 2:
        for i, m in chunks:
            model(input_ids=i, attention_mask=m).logits.float().mean().backward()
        passes += 1
    model.zero_grad(set_to_none=True)
    return (time.perf_counter() - start) / passes


def _matmul_flops(seconds: float, n: int = 1024) -> float:
    """FLOP/s of a plain float32 n x n matrix multiply on this machine."""
    import torch

    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b
    runs = 0
    start = time.perf_counter()
    while runs == 0 or time.perf_counter() - start < seconds / 2:
        a @ b
        runs += 1
    return 2 * n ** 3 * runs / (time.perf_counter() - start)
