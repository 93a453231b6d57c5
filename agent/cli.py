"""The agent's subcommands: ``train``, ``eval``, ``pretrain``, ``imitate``, ``blend`` and ``grow`` (registered by
main.py).

torch and transformers are imported inside the run functions, so ``--help`` and
the game-only commands stay fast and work without them.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from agent.config_cli import add_config_arguments, config_from_args, given
from agent.eval_config import EVAL_SEEDS, REQUEST_EVAL_SEEDS
from game.errors import LanternError

# train flags that may change when resuming a run (all others come from the run's saved config)
RESUME_OVERRIDES = ("steps", "updates", "progress", "device", "export", "ray", "rollout_workers")
CPU_FLAGS = "replaced by --cpu pinned (AVX2 kernels, one thread, a helper process) or --cpu native"
MODEL_CARRIES = ("the starting model's setting (saved in its lantern.json by imitate) is kept; set it when the "
                 "model is made (imitate)")


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``train``, ``eval``, ``pretrain``, ``imitate``, ``blend`` and ``grow`` to main.py's subcommands."""
    from agent.blend import BlendConfig
    from agent.eval_config import EvalConfig
    from agent.grow import GrowConfig
    from agent.imitate_config import ImitateConfig
    from agent.pretrain_config import PretrainConfig
    from agent.train_config import LEARNING, MODEL_SETTINGS, RUN, WORLDS, TrainConfig
    cpu_flags = {"--threads": CPU_FLAGS, "--workers": CPU_FLAGS}
    t = sub.add_parser("train", help="train the NPC by policy gradient (headless)",
                       description="Train an LM policy by REINFORCE or PPO on a world file or on generated "
                                   "worlds (the defaults are the shipped NPC's PPO stage). Writes checkpoints, "
                                   "metrics.jsonl, episodes/ and learning_curve.png under --out. The starting "
                                   "model's prompt layout and scoring are kept.")
    add_config_arguments(t, TrainConfig, (WORLDS, RUN, LEARNING),
                         {**cpu_flags, **{f"--{name}": MODEL_CARRIES for name in MODEL_SETTINGS}})
    t.add_argument("--resume", action="store_true", help="continue the run in --out from its last checkpoint")
    t.set_defaults(run=run_train)
    e = sub.add_parser("eval", help="evaluate a model against the random agent and the solver",
                       description="Success rate, mean score, mean moves and moves/optimal on a world "
                                   "file, on each world file of a folder (per world and on average), or on "
                                   "held-out generated worlds (seeds >= 1000000).")
    add_config_arguments(e, EvalConfig, refused=cpu_flags)
    e.set_defaults(run=run_eval)
    p = sub.add_parser("pretrain", help="make the small base NPC model from the game's own language",
                       description="Build a corpus of the game's language (descriptions and random exploratory "
                                   "play; no rewards, no walkthroughs), train a BPE tokenizer on it, then a "
                                   "small GPT-2 by next-token prediction. Writes a model folder with a README.")
    add_config_arguments(p, PretrainConfig, refused=cpu_flags)
    p.set_defaults(run=run_pretrain)
    i = sub.add_parser("imitate", help="warm-start a model by cloning the solver's walkthroughs",
                       description="Behaviour cloning: solve generated worlds on training seeds and train "
                                   "the policy to choose each walkthrough command among the admissible "
                                   "ones (cross-entropy over the choose-mode distribution), then DAgger rounds "
                                   "and a settling pass (the defaults are the shipped NPC's imitation stage). "
                                   "Writes a model folder that train --model can start from.")
    add_config_arguments(i, ImitateConfig, refused=cpu_flags)
    i.set_defaults(run=run_imitate)
    b = sub.add_parser("blend", help="average the weights of models of one lineage (a model and its fine-tunes)",
                       description="Write a policy whose weights (model and value head) are the weighted mean "
                                   "of the given models'. A fine-tuned model averaged with the model it started "
                                   "from often keeps most of what each does well. The models must share "
                                   "architecture, tokenizer and prompt settings (a setting that only adds a "
                                   "prompt line, --request-names, may differ: the blend reads the line).")
    add_config_arguments(b, BlendConfig)
    b.set_defaults(run=run_blend)
    g = sub.add_parser("grow", help="deepen a model without changing what it computes (room to learn more)",
                       description="Write a deeper copy of a GPT-2 policy: new transformer blocks between its "
                                   "own, each with zero output projections, so the copy chooses exactly as the "
                                   "model did until it is trained further (imitate or train --model). The value "
                                   "head, tokenizer and prompt settings are kept.")
    add_config_arguments(g, GrowConfig)
    g.set_defaults(run=run_grow)


# -- train -------------------------------------------------------------------------------------

def run_train(args: argparse.Namespace) -> int:
    from agent.kernels import use_cpu
    from agent.train import Trainer
    from agent.train_config import TrainConfig
    config = _resumed_config(args) if args.resume else config_from_args(TrainConfig, args)
    use_cpu(config.cpu)  # before any tensor work: torch reads it once
    return Trainer(config, resume=args.resume).train()


def _resumed_config(args: argparse.Namespace):
    from agent.checkpoint import TRAINER, latest_checkpoint, read_trainer
    from agent.train_config import TrainConfig
    out = getattr(args, "out", None)
    if not out:
        raise LanternError("--resume needs --out DIR: the run folder to continue")
    folder = latest_checkpoint(Path(out)) if Path(out).is_dir() else None
    if folder is None:
        raise LanternError(f"{out}: no checkpoint to resume from; drop --resume to start a new run")
    changes = given(args, TrainConfig)
    saved = read_trainer(folder)["config"]
    if "rollout_workers" in changes and bool(changes["rollout_workers"]) != bool(saved.get("rollout_workers", 0)):
        raise LanternError(f"--rollout-workers {changes['rollout_workers']}: the run played its episodes "
                           f"{'group by group' if saved.get('rollout_workers') else 'in one batch'}, and a "
                           f"resumed run keeps that (any N >= 1 plays the same groups)")
    try:
        config = TrainConfig.from_json({**saved, "out": out,
                                        **{k: v for k, v in changes.items() if k in RESUME_OVERRIDES}})
    except (TypeError, ValueError, KeyError) as exc:  # a field of the wrong kind fails in validation
        raise LanternError(f"{folder / TRAINER}: its config does not make a run ({str(exc)[:120]}); "
                           f"the checkpoint is damaged") from None
    for key, value in changes.items():
        if getattr(config, key) != value:
            raise LanternError(f"--{key.replace('_', '-')} {value} differs from the run's saved setting "
                               f"({getattr(config, key)!r}); a resumed run keeps its settings (only "
                               f"--steps, --updates, --device, --progress, --export, --ray and --rollout-workers may change)")
    return config


# -- pretrain -----------------------------------------------------------------------------------

def run_pretrain(args: argparse.Namespace) -> int:
    from agent.kernels import use_cpu
    from agent.pretrain import pretrain
    from agent.pretrain_config import PretrainConfig
    config = config_from_args(PretrainConfig, args)
    use_cpu(config.cpu)
    pretrain(config)
    return 0


# -- imitate ----------------------------------------------------------------------------------

def run_imitate(args: argparse.Namespace) -> int:
    from agent.imitate import imitate
    from agent.imitate_config import ImitateConfig
    from agent.kernels import use_cpu
    config = config_from_args(ImitateConfig, args)
    use_cpu(config.cpu)
    imitate(config)
    return 0


# -- blend --------------------------------------------------------------------------------------

def run_blend(args: argparse.Namespace) -> int:
    from agent.blend import BlendConfig, blend
    config = config_from_args(BlendConfig, args)
    out = blend(config)
    shares = ", ".join(f"{name} x {weight:.3g}" for name, weight in zip(config.models, config.weights))
    print(f"blend: wrote {out} ({shares})")
    return 0


# -- grow ---------------------------------------------------------------------------------------

def run_grow(args: argparse.Namespace) -> int:
    from agent.grow import GrowConfig, grow
    out, before, after = grow(config_from_args(GrowConfig, args))
    print(f"grow: wrote {out} ({before} -> {after} transformer blocks, the same choices)")
    return 0


# -- eval ---------------------------------------------------------------------------------------

def run_eval(args: argparse.Namespace) -> int:
    from agent.baseline_cli import baseline_row, eval_baseline
    from agent.checkpoint import read_meta
    from agent.eval_config import EvalConfig
    from agent.evaluate import evaluate, format_table, rows_as_dicts
    from agent.kernels import use_cpu
    from agent.lm import resolve_model
    config = config_from_args(EvalConfig, args)
    use_cpu(config.cpu)
    baseline = eval_baseline(config)
    name = config.model
    if config.requests:
        return _run_requests_eval(config, name, read_meta, resolve_model)
    if config.agreement:
        return _run_agreement_eval(config, name, read_meta, resolve_model)
    worlds, episodes, described = _eval_worlds(config, name, read_meta, resolve_model, companion=config.companion)
    policy = None if name is None else _eval_policy(config, name)
    npcs, steps, line = baseline_row(config, name, baseline)
    if config.worlds:
        return _print_world_rows(config, name, policy, worlds, episodes, npcs, steps, line)
    worlds = [w for _, w in worlds]
    rows = evaluate(policy, worlds, episodes, greedy=config.greedy, seed=config.seed,
                    max_steps=config.max_steps, label=Path(name or "model").name or "model", npcs=npcs)
    return _report(config, {"model": name, **steps, "worlds": described, "episodes_per_world": episodes,
                            "rows": rows_as_dicts(rows)},
                   f"{name or 'the baseline'} on {described}, {episodes} episode(s) per world{line}",
                   format_table(rows))


def _report(config, payload: dict, title: str, table: str) -> int:
    """Print an eval's result: ``payload`` as JSON with --json, else the title and the table."""
    print(json.dumps(payload) if config.json else f"{title}\n{table}")
    return 0


def _print_world_rows(config, name: str | None, policy, worlds: list, episodes: int, npcs: tuple,
                      steps: dict, line: str) -> int:
    """eval --worlds: one line per world file and their average."""
    from agent.evaluate import average_rows, evaluate_worlds, format_world_table, world_results_as_dict
    results = evaluate_worlds(policy, worlds, episodes, greedy=config.greedy, seed=config.seed,
                              max_steps=config.max_steps, label=Path(name or "model").name or "model", npcs=npcs)
    average = average_rows(results)
    return _report(config, {"model": name, **steps, "worlds": config.worlds, "episodes_per_world": episodes,
                          **world_results_as_dict(results, average)},
                   f"{name or 'the baseline'} on {len(worlds)} worlds in {config.worlds}, {episodes} episode(s) per "
                   f"world (success rate; x opt: moves/optimal over won episodes){line}",
                   format_world_table(results, average))


def _run_requests_eval(config, name, read_meta, resolve_model) -> int:
    """eval --requests: requests fulfilled per kind, told vs. untold vs. random."""
    from agent.evaluate import rows_as_dicts
    from agent.requests_eval import evaluate_requests, format_request_table
    worlds, episodes, described = _eval_worlds(config, name, read_meta, resolve_model, companion=True,
                                               seeds=REQUEST_EVAL_SEEDS, file_episodes=3)
    worlds = [w for _, w in worlds]
    policy = _eval_policy(config, name)
    rows, by_plan = evaluate_requests(policy, worlds, episodes, seed=config.seed, per_kind=config.per_kind,
                                      greedy=config.greedy, held_out=config.phrasings)
    return _report(config, {"model": name, "worlds": described, "episodes_per_world": episodes,
                            "phrasings": config.phrasings, "rows": rows_as_dicts(rows),
                            "by_plan": rows_as_dicts(by_plan)},
                   f"{name} on {described}, {episodes} episode(s) per world, held-out phrasings "
                   f"{config.phrasings}: requests fulfilled within 10 NPC moves",
                   format_request_table(rows) + "\n\nby the shortest plan's length:\n" + format_request_table(by_plan))


def _run_agreement_eval(config, name, read_meta, resolve_model) -> int:
    """eval --agreement: the model against the guide, state by state along its walkthroughs."""
    from agent.agreement import (agreement_as_dict, agreement_table, checked_states, misses, misses_as_dicts,
                                 misses_text, tally)
    worlds, _, described = _eval_worlds(config, name, read_meta, resolve_model, companion=config.companion)
    policy = _eval_policy(config, name)
    checked = [(world_name, checked_states(policy, world)) for world_name, world in worlds]
    rows = [(world_name, tally(found)) for world_name, found in checked]
    body, table = {"model": name, "worlds": described, **agreement_as_dict(rows)}, agreement_table(rows)
    if config.misses:
        worst = [(world_name, misses(found, config.misses)) for world_name, found in checked]
        for entry, (_, found) in zip(body["per_world"], worst):
            entry["misses"] = misses_as_dicts(found)
        table += "\n\n" + misses_text(worst)
    return _report(config, body, f"{name} on {described}: along the guide's walkthrough, the probability on the "
                                 f"guide's command and the share of states where it is the likeliest", table)


def _eval_policy(config, name: str):
    """The model ``eval`` measures, in ``--mode`` when given, on ``--device``."""
    from agent.checkpoint import load_policy
    return load_policy(name, **({"mode": config.mode} if config.mode else {})).to(config.device)


def _eval_worlds(config, name, read_meta, resolve_model, *, companion: bool = False, seeds=EVAL_SEEDS,
                 file_episodes: int = 10) -> tuple[list, int, str]:
    """The (name, World) pairs to evaluate on, episodes per world, and a description."""
    from agent.worlds import check_eval_seeds
    if config.world or config.worlds:
        from game.assets import resolve_asset
        from game.loader import load_world, load_world_folder
        if config.worlds:
            return load_world_folder(resolve_asset(config.worlds)), config.episodes or file_episodes, config.worlds
        path = resolve_asset(config.world)
        return [(path.stem, load_world(path))], config.episodes or file_episodes, config.world
    from game.generator import generate
    seeds = config.seeds or seeds
    where = resolve_model(name) if name is not None else None
    trained = read_meta(where).get("trained_on", {}) if isinstance(where, Path) else {}
    check_eval_seeds(seeds, tuple(trained["seeds"]) if "seeds" in trained else None)
    worlds = [(f"d{config.difficulty}-s{s}", generate(config.difficulty, s, companion=companion, vocabulary=config.vocabulary,
                                                      mechanics=config.mechanics))
              for s in range(*seeds)]
    words = "" if config.vocabulary == "plain" else f", {config.vocabulary} vocabulary"
    words += "" if config.mechanics == "level" else f", {config.mechanics} mechanics"
    return worlds, config.episodes or 1, (f"difficulty {config.difficulty}{' with a companion' if companion else ''} "
                                        f"seeds {seeds[0]}:{seeds[1]}{words}")
