"""``main.py baseline``: train the bag-of-words MaskablePPO baseline and compare it with an LM policy."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from game.errors import LanternError

if TYPE_CHECKING:
    from agent.baseline import Baseline

EVAL_SEEDS = "1000000:1000050"


def register(sub: argparse._SubParsersAction) -> None:
    from game.cli import difficulty, positive_int
    b = sub.add_parser("baseline", help="train a non-LM baseline (MaskablePPO on bag-of-words features)",
                       description="Train sb3-contrib's MaskablePPO on bag-of-words features of the same generated "
                                   "worlds and training seeds as train, then evaluate it on held-out seeds beside "
                                   "an LM policy, the random agent, the guide and the solver. Needs the baselines "
                                   "extra: pip install -e '.[baselines]'.")
    b.add_argument("--out", required=True, metavar="DIR", help="run folder to create (metrics.jsonl, policy/)")
    b.add_argument("--difficulty", type=difficulty, default=1, metavar="D", help="generated-world difficulty (1-6)")
    b.add_argument("--steps", type=positive_int, default=20_000, help="environment steps to train for")
    b.add_argument("--train-seeds", default="0:1000", metavar="A:B", help="training world seeds (default 0:1000)")
    b.add_argument("--seeds", default=EVAL_SEEDS, metavar="A:B",
                   help=f"held-out evaluation seeds (default {EVAL_SEEDS})")
    b.add_argument("--seed", type=int, default=0, help="seed of the worlds drawn, the network and its sampling")
    b.add_argument("--model", metavar="M", help="an LM policy to evaluate beside it (default: the bundled NPC)")
    b.add_argument("--no-model", action="store_true", help="evaluate the baseline alone")
    b.add_argument("--compare", metavar="RUN", help="a train run folder: plot its success curve with the "
                                                     "baseline's in learning_curves.png")
    b.add_argument("--json", action="store_true", help="print JSON instead of a table")
    b.set_defaults(run=run_baseline)


def run_baseline(args: argparse.Namespace) -> int:
    import torch

    from agent.baseline import BaselineConfig, BaselineNPC, load_baseline, train_baseline
    from agent.evaluate import evaluate, format_table, rows_as_dicts
    from agent.worlds import check_eval_seeds, parse_range
    from game.generator import generate
    torch.set_num_threads(1)
    seeds = parse_range(args.seeds, "--seeds")
    check_eval_seeds(seeds, parse_range(args.train_seeds, "--train-seeds"))
    compare = Path(args.compare) / "metrics.jsonl" if args.compare else None
    if compare is not None and not compare.is_file():
        raise LanternError(f"--compare {args.compare}: no metrics.jsonl there (give a train run folder)")
    config = BaselineConfig(out=args.out, difficulty=args.difficulty, steps=args.steps, seed=args.seed,
                            train_seeds=parse_range(args.train_seeds, "--train-seeds"))
    out = train_baseline(config)
    worlds = [generate(args.difficulty, s) for s in range(*seeds)]
    policy, name = None, None
    if not args.no_model:
        from agent.checkpoint import load_policy
        from agent.lm import default_model
        name = args.model or default_model(include_base=False)
        if name is None:
            raise LanternError("no --model given and no bundled NPC (assets/models/npc); pass --model or --no-model")
        policy = load_policy(name)
    baseline = load_baseline(out)
    rows = evaluate(policy, worlds, 1, seed=args.seed, label=Path(name or "model").name,
                    npcs=(BaselineNPC(baseline, seed=args.seed),))
    if compare is not None:
        plot_curves(out, compare)
    described = f"difficulty {args.difficulty} seeds {seeds[0]}:{seeds[1]}"
    steps, line = steps_compared(name, baseline)
    if args.json:
        print(json.dumps({"worlds": described, "steps": args.steps, "env_steps": steps,
                          "rows": rows_as_dicts(rows)}))
    else:
        print(f"baseline trained at difficulty {args.difficulty}; evaluated on {described}\n{line}")
        print(format_table(rows))
    return 0


def eval_baseline(config) -> Baseline | None:
    """The baseline ``eval --baseline RUN`` names (None without the flag); ``config`` (an
    ``EvalConfig``) has checked which flags go together.

    Raises:
        LanternError: not a baseline folder (one line).
    """
    if not config.baseline:
        return None
    from agent.baseline import load_baseline
    return load_baseline(config.baseline)


def baseline_row(args: argparse.Namespace, name: str | None, baseline: Baseline | None) -> tuple[tuple, dict, str]:
    """What ``eval --baseline`` adds: the baseline as an NPC (sampling unless --greedy, as the
    model), its JSON fields, and the line under the title saying the steps each trained for;
    nothing without a baseline."""
    if baseline is None:
        return (), {}, ""
    from agent.baseline import BaselineNPC
    steps, line = steps_compared(name, baseline)
    npc = BaselineNPC(baseline, seed=args.seed, greedy=args.greedy)
    return (npc,), {"baseline": args.baseline, "env_steps": steps}, f"\n{line}"


def steps_compared(name: str | None, baseline: Baseline) -> tuple[dict, str]:
    """The environment steps the LM policy (``train``'s record; None when it has none) and the
    baseline trained for: as JSON, and as the line that says so under the table's title."""
    from agent.checkpoint import trained_env_steps
    from agent.lm import resolve_model
    steps = {"baseline": baseline.global_step}
    said = f"baseline {baseline.global_step:,} (difficulty {baseline.config.difficulty})"
    if name is not None:
        where = resolve_model(name)
        steps["model"] = trained_env_steps(where) if isinstance(where, Path) else None
        said = (f"model {steps['model']:,} in train (pretraining and imitation not counted), "
                if steps["model"] is not None else "model: none in train (no train record), ") + said
        if steps["model"] is not None and steps["model"] != baseline.global_step:  # train ends on whole episodes
            said += f"; the model trained {steps['model'] / baseline.global_step:.2f}x the baseline's steps"
    return steps, f"environment steps trained: {said}"


def plot_curves(run: Path, lm_metrics: Path) -> Path:
    """learning_curves.png in ``run``: training success against environment steps, baseline and LM."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from agent.metrics import read_metrics, save_figure
    fig, ax = plt.subplots(figsize=(6, 3.4))
    for path, label in ((run / "metrics.jsonl", "bag-of-words MaskablePPO"), (lm_metrics, "LM policy (train)")):
        rows, _ = read_metrics(path)
        points = [(r["global_step"], r["charts/success_rate"]) for r in rows
                  if r.get("charts/success_rate") is not None]
        ax.plot([p[0] for p in points], [p[1] for p in points], marker=".", label=label)
    ax.set(xlabel="environment steps", ylabel="training success rate", ylim=(-0.02, 1.02))
    ax.legend(loc="lower right")
    return save_figure(fig, run / "learning_curves.png", dpi=110)
