"""The agent's subcommands: ``train``, ``eval``, ``pretrain`` and ``imitate`` (registered by main.py).

torch and transformers are imported inside the run functions, so ``--help`` and
the game-only commands stay fast and work without them.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from game.cli import add_vocabulary_argument, check_vocabulary, difficulty, positive_int
from game.errors import LanternError

EVAL_SEEDS = "1000000:1000020"
REQUEST_EVAL_SEEDS = "1000000:1000010"  # held-out worlds, as EVAL_SEEDS; fewer, as each plays ~40 requests
# train flags that may change when resuming a run (all others come from the run's saved config)
RESUME_OVERRIDES = ("steps", "updates", "progress", "device", "workers", "export")


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``train``, ``eval``, ``pretrain`` and ``imitate`` to main.py's subcommands."""
    _register_train(sub)
    _register_eval(sub)
    _register_pretrain(sub)
    _register_imitate(sub)


def _register_train(sub: argparse._SubParsersAction) -> None:
    t = sub.add_parser("train", help="train the NPC by policy gradient (headless)",
                       description="Train an LM policy by REINFORCE or PPO on a world file or on "
                                   "generated worlds. Writes checkpoints, metrics.jsonl, episodes/ "
                                   "and learning_curve.png under --out.")
    where = t.add_argument_group("worlds")
    where.add_argument("--world", metavar="PATH", help="train on this world file")
    where.add_argument("--difficulty", type=difficulty, metavar="D", help="train on generated worlds of difficulty D")
    where.add_argument("--max-difficulty", type=difficulty, metavar="D",
                       help="curriculum: move up one level (to at most D) when the mean success "
                            "rate of the last --promote-window updates reaches --promote-at")
    where.add_argument("--promote-at", type=_fraction, metavar="P",
                       help="curriculum threshold: mean success over --promote-window updates (default 0.8)")
    where.add_argument("--promote-window", type=positive_int, metavar="N",
                       help="updates the curriculum averages over before moving up (default 3)")
    where.add_argument("--bundled-share", type=_fraction, metavar="F",
                       help="with --difficulty: chance that a group of envs plays a bundled world instead "
                            "(each world's whole team driven in turn; 0 = off)")
    where.add_argument("--train-seeds", metavar="A:B", help="generated-world seeds A <= s < B (default 0:1000; "
                                                             "eval seeds start at 1000000)")
    where.add_argument("--companion", action="store_true", default=None,
                       help="with --difficulty: generated worlds get a companion (Ada, sharing the quest); "
                            "the policy drives the whole team in turn")
    _add_request_flags(where)
    add_vocabulary_argument(where, None)
    where.add_argument("--max-episode-steps", type=positive_int, metavar="N", help="cap on episode length")
    run = t.add_argument_group("run")
    run.add_argument("--model", metavar="M", help="starting model: folder or hub id (default: the bundled model)")
    run.add_argument("--algo", choices=("reinforce", "ppo"), help="algorithm (default ppo)")
    run.add_argument("--mode", choices=("choose", "generate"), help="choose among admissible commands "
                                                                    "(default) or generate commands")
    run.add_argument("--envs", type=positive_int, metavar="N", help="environments per update (default 8)")
    run.add_argument("--group-size", type=positive_int, metavar="G", help="envs sharing a world and seed (default 1)")
    run.add_argument("--steps", type=positive_int, metavar="N", help="total environment steps (default 50000)")
    run.add_argument("--updates", type=positive_int, metavar="N", help="stop after N updates")
    run.add_argument("--seed", type=int, help="run seed (default 0)")
    run.add_argument("--out", metavar="DIR", help="run folder (default runs/<algo>-<world>-s<seed>)")
    run.add_argument("--resume", action="store_true", help="continue the run in --out from its last checkpoint")
    run.add_argument("--export", metavar="DIR", help="when done, also write the final policy to this model folder "
                                                     "(e.g. assets/models/npc)")
    run.add_argument("--checkpoint-every", type=positive_int, metavar="K", help="updates between checkpoints (10)")
    run.add_argument("--record-every", type=int, metavar="K", help="updates between saved episodes (10; 0 = none)")
    run.add_argument("--threads", type=positive_int, metavar="N", help="torch CPU threads (default: torch's)")
    run.add_argument("--device", metavar="D", help="torch device: cpu (default), cuda, cuda:N, mps")
    run.add_argument("--workers", type=positive_int, metavar="N",
                     help="CPU processes (1); 2 scores the --kl-coef reference model on another core "
                          "(same weights, sooner)")
    run.add_argument("--no-progress", dest="progress", action="store_false", default=None,
                     help="no progress bar")
    _add_kernels(run, None)
    hp = t.add_argument_group("learning")
    for flag, kind, text in (
            ("--lr", float, "Adam learning rate (1e-4)"), ("--gamma", float, "discount (0.99)"),
            ("--gae-lambda", float, "PPO GAE lambda (0.95)"), ("--step-penalty", float, "reward subtracted per step (0)"),
            ("--progress-reward", float, "reward per move a step takes off the solver's shortest walkthrough "
                                         "(training-only shaping from the whole map; 0 = off)"),
            ("--reward-scale", float, "reward multiplier (1)"), ("--clip", float, "PPO clip (0.2)"),
            ("--ppo-epochs", positive_int, "PPO epochs per update (4)"),
            ("--minibatch", positive_int, "states per gradient chunk (64)"),
            ("--value-coef", float, "value loss weight (0.5)"), ("--entropy-coef", float, "entropy bonus (0.01)"),
            ("--kl-coef", float, "KL penalty to the starting model (0 = off)"),
            ("--target-kl", float, "PPO: stop epochs above this approx KL (0.05)"),
            ("--max-grad-norm", float, "gradient clipping (1.0)"),
            ("--temperature", float, "policy temperature (1.0)"), ("--top-k", int, "generate: top-k (0 = off)"),
            ("--prompt-tokens", positive_int, "prompt token budget (default: as the starting model; 384)"),
            ("--history", int, "earlier (observation, command) pairs in the prompt (default: as the starting "
                               "model; 4)")):
        hp.add_argument(flag, type=kind, metavar="X", help=text)
    hp.add_argument("--journal", action=argparse.BooleanOptionalAction, default=None,
                    help="show the NPC its journal (rooms, exits, where it saw things) in the prompt "
                         "(default: as the starting model)")
    _add_reading_flags(hp, None, None)
    hp.add_argument("--baseline", choices=("value", "group", "none"), help="REINFORCE baseline (value)")
    hp.add_argument("--length-norm", choices=("none", "token", "word"),
                    help="choose-mode score normalisation (default: as the starting model; none)")
    _add_lora(hp, None)
    hp.add_argument("--no-normalize-advantages", dest="normalize_advantages", action="store_false", default=None,
                    help="keep raw advantages")
    t.set_defaults(run=run_train)


def _register_eval(sub: argparse._SubParsersAction) -> None:
    e = sub.add_parser("eval", help="evaluate a model against the random agent and the solver",
                       description="Success rate, mean score, mean moves and moves/optimal on a world "
                                   "file, on each world file of a folder (per world and on average), or on "
                                   "held-out generated worlds (seeds >= 1000000).")
    e.add_argument("--model", metavar="M", help="model folder, run folder or hub id (default: the bundled model)")
    e.add_argument("--world", metavar="PATH", help="a world file")
    e.add_argument("--worlds", metavar="DIR", help="every *.toml world file in a folder, one row per world and "
                                                  "their average (e.g. assets/heldout)")
    e.add_argument("--difficulty", type=difficulty, metavar="D", help="generated worlds of difficulty D")
    e.add_argument("--seeds", metavar="A:B", default=None, help=f"generated-world seeds (default {EVAL_SEEDS})")
    e.add_argument("--companion", action="store_true",
                   help="with --difficulty: generated worlds get a companion (Ada, sharing the quest); each agent "
                        "drives the whole team in turn (--requests always gives one)")
    add_vocabulary_argument(e)
    e.add_argument("--episodes", type=positive_int, metavar="K", help="episodes per world (default: 1 per "
                                                                      "generated world, 10 per world file)")
    e.add_argument("--max-steps", type=positive_int, metavar="N", help="episode step limit (default: the world's)")
    e.add_argument("--mode", choices=("choose", "generate"), help="how the model acts (default: as it was trained)")
    e.add_argument("--greedy", action="store_true",
                   help="take the likeliest command (default: sample from the policy, as the NPC plays)")
    e.add_argument("--seed", type=int, default=0, help="sampling seed (default 0)")
    e.add_argument("--threads", type=positive_int, metavar="N", help="torch CPU threads")
    e.add_argument("--device", default="cpu", metavar="D", help="torch device: cpu (default), cuda, cuda:N, mps")
    e.add_argument("--json", action="store_true", help="print JSON instead of a table")
    e.add_argument("--requests", action="store_true",
                   help="measure requests instead: the share of generated requests (held-out phrasings) the NPC "
                        f"fulfils within 10 moves, told vs. untold vs. random, per kind (generated worlds get a "
                        f"companion; default seeds {REQUEST_EVAL_SEEDS})")
    e.add_argument("--per-kind", type=positive_int, default=1, metavar="N",
                   help="with --requests: requests of each kind per world and episode (default 1)")
    _add_kernels(e, "native")
    e.set_defaults(run=run_eval)


def _add_reading_flags(parser: argparse.ArgumentParser, fit: str | None, wording: int | None) -> None:
    """--prompt-fit, --read-commands and --journal-wording (None defaults: as the starting model)."""
    from agent.prompt import FITS
    from game.journal import WORDINGS
    same = "as the starting model"
    parser.add_argument("--prompt-fit", choices=FITS, default=fit,
                        help="how a prompt over its budget is cut: 'oldest' pairs, then the start of the room's "
                             "text, or 'ordered' (older pairs, repeated goals, long prose, the latest pair, ...; "
                             f"never the journal's Wanted line or the state) (default: {fit or same})")
    parser.add_argument("--read-commands", action=argparse.BooleanOptionalAction, default=False if fit else None,
                        help="offer 'read X' for readable things among the candidates (the guide reads each "
                             f"note it finds) (default: {'off' if fit else same})")
    parser.add_argument("--journal-wording", type=int, choices=WORDINGS, default=wording,
                        help="journal wording: 1 names things as written and a reach-a-room goal as 'you unseen "
                             "to Roof Leads unseen'; 2 as commands name them and 'you to Roof Leads (unexplored)' "
                             f"(default: {wording or same})")


def _register_pretrain(sub: argparse._SubParsersAction) -> None:
    from agent.lm import BASE_MODEL
    p = sub.add_parser("pretrain", help="make the small base NPC model from the game's own language",
                       description="Build a corpus of the game's language (descriptions and random exploratory "
                                   "play; no rewards, no walkthroughs), train a BPE tokenizer on it, then a "
                                   "small GPT-2 by next-token prediction. Writes a model folder with a README.")
    p.add_argument("--out", default=BASE_MODEL, metavar="DIR", help=f"model folder to write (default {BASE_MODEL})")
    p.add_argument("--seed", type=int, default=0, help="seed of corpus, initialisation and batches (default 0)")
    p.add_argument("--steps", type=positive_int, default=1200, metavar="N", help="optimizer steps (default 1200)")
    p.add_argument("--corpus-episodes", type=positive_int, default=1200, metavar="N",
                   help="exploratory episodes over generated worlds (default 1200)")
    add_vocabulary_argument(p)
    p.add_argument("--n-layer", type=positive_int, default=4, metavar="N", help="transformer blocks (default 4)")
    p.add_argument("--n-embd", type=positive_int, default=128, metavar="N", help="hidden size (default 128)")
    p.add_argument("--n-head", type=positive_int, default=4, metavar="N", help="attention heads (default 4)")
    p.add_argument("--threads", type=positive_int, metavar="N", help="torch CPU threads (default: torch's)")
    p.add_argument("--device", default="cpu", metavar="D", help="torch device: cpu (default), cuda, cuda:N, mps")
    p.add_argument("--force", action="store_true", help="replace --out if it exists")
    p.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar")
    _add_kernels(p, "native")
    p.set_defaults(run=run_pretrain)


def _register_imitate(sub: argparse._SubParsersAction) -> None:
    i = sub.add_parser("imitate", help="warm-start a model by cloning the solver's walkthroughs",
                       description="Behaviour cloning: solve generated worlds on training seeds and train "
                                   "the policy to choose each walkthrough command among the admissible "
                                   "ones (cross-entropy over the choose-mode distribution). Writes a "
                                   "model folder that train --model can start from.")
    i.add_argument("--model", metavar="M", help="starting model (default: the bundled base model, npc-base)")
    i.add_argument("--out", required=True, metavar="DIR", help="model folder to write")
    i.add_argument("--difficulty", type=difficulty, default=1, metavar="D", help="lowest difficulty (default 1)")
    i.add_argument("--max-difficulty", type=difficulty, metavar="D", help="highest difficulty (default --difficulty)")
    i.add_argument("--worlds", type=positive_int, default=200, metavar="N", help="walkthroughs per difficulty (200)")
    i.add_argument("--train-seeds", metavar="A:B", help="generated-world seeds A <= s < B (default 0:1000)")
    add_vocabulary_argument(i)
    i.add_argument("--epochs", type=int, default=3, metavar="N", help="passes over the walkthrough states (3)")
    i.add_argument("--dagger-rounds", type=int, default=0, metavar="N",
                   help="rounds of playing, labelling by the solver and training after cloning (0)")
    i.add_argument("--dagger-worlds", type=positive_int, default=50, metavar="N",
                   help="worlds per difficulty the model plays in each round (50)")
    i.add_argument("--settle-epochs", type=int, default=0, metavar="N",
                   help="end with N passes over every gathered state (walkthroughs and DAgger labels) while "
                        "the learning rate falls linearly to zero: steadier weights (0)")
    i.add_argument("--bundled", type=int, default=0, metavar="N",
                   help="add each bundled world's walkthrough N times to the training states (0)")
    i.add_argument("--request-worlds", type=int, default=0, metavar="N",
                   help="companion worlds per difficulty whose NPC is shown the shortest plan of one generated "
                        "request (training phrasings only, the words in its prompt); DAgger rounds then also "
                        "label the request episodes the model plays (0)")
    i.add_argument("--request-kinds", type=_kinds, default=(), metavar="K,K",
                   help="request kinds to draw, e.g. go,take (default: every kind)")
    i.add_argument("--request-moves", type=positive_int, default=10, metavar="N",
                   help="NPC commands a DAgger request episode may take (10)")
    i.add_argument("--batch", type=positive_int, default=16, metavar="N", help="states per step (16)")
    i.add_argument("--lr", type=float, default=3e-4, metavar="X", help="Adam learning rate (3e-4)")
    i.add_argument("--length-norm", choices=("none", "token", "word"), default="token",
                   help="choose-mode score normalisation, kept for train/eval (token)")
    i.add_argument("--history", type=int, default=4, metavar="N", help="earlier moves in the prompt (4)")
    i.add_argument("--journal", action="store_true",
                   help="show the model its journal (rooms, exits, where it saw things) in the prompt; "
                        "saved with the model, so train, eval and play keep it")
    _add_reading_flags(i, "oldest", 1)
    i.add_argument("--expert", choices=("solver", "guide"), default="solver",
                   help="who labels the states: the solver (optimal, sees the whole map) or the guide "
                        "(the solver's plan where the model could know it, else the journal's nearest "
                        "unexplored exit; use with --journal) (solver)")
    i.add_argument("--alternatives", action="store_true",
                   help="also teach every other non-walking command that starts an optimal walkthrough "
                        "from a state (the expert breaks such ties arbitrarily); generated worlds only")
    i.add_argument("--value-coef", type=float, default=0.0, metavar="X",
                   help="also train the value head on the walkthroughs' discounted returns, with this "
                        "weight (0: off; a critic for the PPO run that follows)")
    i.add_argument("--gamma", type=float, default=0.95, metavar="X",
                   help="discount of those returns; use the PPO run's --gamma (0.95)")
    i.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    i.add_argument("--threads", type=positive_int, metavar="N", help="torch CPU threads (default: torch's)")
    i.add_argument("--device", default="cpu", metavar="D", help="torch device: cpu (default), cuda, cuda:N, mps")
    i.add_argument("--workers", type=positive_int, default=1, metavar="N",
                   help="CPU processes (1); 2 measures validation on another core while training goes on "
                        "(same weights, sooner)")
    i.add_argument("--force", action="store_true", help="replace --out if it exists")
    i.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar")
    _add_kernels(i, "native")
    _add_lora(i, 0)
    i.set_defaults(run=run_imitate)


def _add_request_flags(group) -> None:
    """train's request-episode flags (agent/requests_train.py)."""
    group.add_argument("--request-share", type=_fraction, metavar="F",
                       help="with --difficulty: chance that a group of envs plays a request episode instead: a "
                            "companion world whose NPC alone is given one generated request (training phrasings "
                            "only) and rewarded when it is met (0 = off)")
    group.add_argument("--request-reward", type=float, metavar="X", help="reward when a request is met (1)")
    group.add_argument("--request-moves", type=positive_int, metavar="N",
                       help="NPC commands a request episode may take (10)")
    group.add_argument("--request-kinds", type=_kinds, metavar="K,K",
                       help="request kinds to draw, e.g. go,take (default: every kind)")


def _kinds(text: str) -> tuple[str, ...]:
    from agent.requests_train import parse_kinds
    try:
        return parse_kinds(text)
    except LanternError as exc:
        raise argparse.ArgumentTypeError(str(exc).split(": ", 1)[-1]) from None


def _add_kernels(parser: argparse.ArgumentParser, default: str | None) -> None:
    from agent.kernels import KERNELS
    parser.add_argument("--kernels", choices=KERNELS, default=default,
                        help="CPU kernels: native (the fastest this CPU has) or avx2 (AVX2 paths of torch and MKL "
                             "on any x86-64 CPU with AVX2, so that a command gives the same weights on "
                             "another Intel machine; AMD CPUs still round differently) (default native)")


def _add_lora(parser, default: int | None) -> None:
    from agent.lora import parse_targets
    parser.add_argument("--lora", type=int, default=default, metavar="R",
                        help="train rank-R LoRA adapters (and the value head) on the frozen model instead of "
                             "every weight; needs peft (pip install -e .[lora]) (0 = off)")
    parser.add_argument("--lora-alpha", type=float, metavar="A", help="LoRA scale: adapters add alpha/R times "
                                                                      "their output (default 2R)")
    parser.add_argument("--lora-targets", type=parse_targets, metavar="NAMES",
                        help="modules to adapt, separated by commas (default: the attention projections, "
                             "GPT-2 c_attn,c_proj; Llama/Qwen2 q_proj,k_proj,v_proj,o_proj)")


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {value}")
    return value


# -- train -------------------------------------------------------------------------------------

def run_train(args: argparse.Namespace) -> int:
    import torch

    from agent.kernels import use_kernels
    from agent.train import Trainer, TrainConfig
    from agent.worlds import parse_range
    given = {k: v for k, v in vars(args).items()
             if v is not None and k not in ("run", "command", "resume", "threads", "train_seeds")}
    if args.train_seeds:
        given["train_seeds"] = parse_range(args.train_seeds, "--train-seeds")
    if args.resume:
        config = _resumed_config(args, given)
    else:
        given.setdefault("model", _model_or_default(args.model))
        given.setdefault("out", _default_out(args))
        config = TrainConfig(**given)
    use_kernels(config.kernels)  # before any tensor work: torch reads it once
    if args.threads:
        torch.set_num_threads(args.threads)
    return Trainer(config, resume=args.resume).train()


def _resumed_config(args: argparse.Namespace, given: dict):
    from agent.checkpoint import TRAINER, latest_checkpoint, read_trainer
    from agent.train import TrainConfig
    if not args.out:
        raise LanternError("--resume needs --out DIR: the run folder to continue")
    folder = latest_checkpoint(Path(args.out)) if Path(args.out).is_dir() else None
    if folder is None:
        raise LanternError(f"{args.out}: no checkpoint to resume from; drop --resume to start a new run")
    saved = read_trainer(folder)["config"]
    for key, value in given.items():
        if key not in RESUME_OVERRIDES and key != "out" and saved.get(key) != (list(value) if isinstance(value, tuple) else value):
            raise LanternError(f"--{key.replace('_', '-')} {value} differs from the run's saved setting "
                               f"({saved.get(key)!r}); a resumed run keeps its settings (only "
                               f"--steps, --updates, --device, --workers and --export may change)")
    saved.update({k: given[k] for k in RESUME_OVERRIDES if k in given})
    saved["out"] = args.out
    try:
        return TrainConfig.from_json(saved)
    except (TypeError, ValueError, KeyError) as exc:  # a field of the wrong kind fails in validation
        raise LanternError(f"{folder / TRAINER}: its config does not make a run ({str(exc)[:120]}); "
                           f"the checkpoint is damaged") from None


def _model_or_default(model: str | None) -> str:
    from agent.lm import default_model
    name = model or default_model()
    if name is None:
        raise LanternError("no --model given and no bundled model (assets/models/npc or assets/models/npc-base); "
                           "pass --model with a model folder or hub id")
    return name


def _default_out(args: argparse.Namespace) -> str:
    where = Path(args.world).stem if args.world else f"d{args.difficulty}"
    return f"runs/{args.algo or 'ppo'}-{where}-s{args.seed or 0}"


# -- pretrain -----------------------------------------------------------------------------------

def run_pretrain(args: argparse.Namespace) -> int:
    from agent.kernels import use_kernels
    from agent.pretrain import PretrainConfig, pretrain
    use_kernels(args.kernels)
    pretrain(PretrainConfig(out=args.out, seed=args.seed, steps=args.steps, corpus_episodes=args.corpus_episodes,
                            vocabulary=args.vocabulary,
                            n_layer=args.n_layer, n_embd=args.n_embd, n_head=args.n_head, threads=args.threads,
                            device=args.device, kernels=args.kernels, force=args.force, progress=args.progress))
    return 0


# -- imitate ----------------------------------------------------------------------------------

def run_imitate(args: argparse.Namespace) -> int:
    from agent.imitate import ImitateConfig, imitate
    from agent.kernels import use_kernels
    from agent.lm import BASE_MODEL, bundled
    from agent.worlds import parse_range
    use_kernels(args.kernels)
    model = args.model or bundled(BASE_MODEL)
    if model is None:
        raise LanternError("no --model given and no bundled base model (assets/models/npc-base); "
                           "make it with: python main.py pretrain")
    given = {k: getattr(args, k) for k in ("out", "difficulty", "max_difficulty", "worlds", "epochs", "dagger_rounds",
                                             "dagger_worlds", "settle_epochs", "bundled", "request_worlds",
                                             "request_kinds", "request_moves", "batch", "value_coef", "gamma",
                                             "lr", "length_norm", "history", "journal", "expert", "alternatives", "vocabulary",
                                             "prompt_fit", "read_commands", "journal_wording",
                                             "seed", "threads", "device", "workers", "force", "progress",
                                             "lora", "lora_alpha", "lora_targets")}
    if args.train_seeds:
        given["train_seeds"] = parse_range(args.train_seeds, "--train-seeds")
    imitate(ImitateConfig(model=model, **given))
    return 0


# -- eval ---------------------------------------------------------------------------------------

def run_eval(args: argparse.Namespace) -> int:
    import torch

    from agent.checkpoint import load_policy, read_meta
    from agent.evaluate import evaluate, format_table, rows_as_dicts
    from agent.kernels import use_kernels
    from agent.lm import resolve_model
    from agent.device import check_device
    use_kernels(args.kernels)
    if args.threads:
        torch.set_num_threads(args.threads)
    check_device(args.device)
    if args.companion and args.world:
        raise LanternError("--companion gives generated worlds a companion; use it with --difficulty, not --world")
    name = _model_or_default(args.model)
    if args.requests:
        return _run_requests_eval(args, name, read_meta, resolve_model)
    worlds, episodes, described = _eval_worlds(args, name, read_meta, resolve_model, companion=args.companion)
    policy = load_policy(name, **({"mode": args.mode} if args.mode else {})).to(args.device)
    if args.worlds:
        return _print_world_rows(args, name, policy, worlds, episodes)
    worlds = [w for _, w in worlds]
    rows = evaluate(policy, worlds, episodes, greedy=args.greedy, seed=args.seed,
                    max_steps=args.max_steps, label=Path(name).name or "model")
    return _report(args, {"model": name, "worlds": described, "episodes_per_world": episodes,
                          "rows": rows_as_dicts(rows)},
                   f"{name} on {described}, {episodes} episode(s) per world", format_table(rows))


def _report(args, payload: dict, title: str, table: str) -> int:
    """Print an eval's result: ``payload`` as JSON with --json, else the title and the table."""
    print(json.dumps(payload) if args.json else f"{title}\n{table}")
    return 0


def _print_world_rows(args, name: str, policy, worlds: list, episodes: int) -> int:
    """eval --worlds: one line per world file and their average."""
    from agent.evaluate import average_rows, evaluate_worlds, format_world_table, world_results_as_dict
    results = evaluate_worlds(policy, worlds, episodes, greedy=args.greedy, seed=args.seed,
                              max_steps=args.max_steps, label=Path(name).name or "model")
    average = average_rows(results)
    return _report(args, {"model": name, "worlds": args.worlds, "episodes_per_world": episodes,
                          **world_results_as_dict(results, average)},
                   f"{name} on {len(worlds)} worlds in {args.worlds}, {episodes} episode(s) per world "
                   f"(success rate; x opt: moves/optimal over won episodes)",
                   format_world_table(results, average))


def _run_requests_eval(args, name, read_meta, resolve_model) -> int:
    """eval --requests: requests fulfilled per kind, told vs. untold vs. random."""
    from agent.checkpoint import load_policy
    from agent.evaluate import rows_as_dicts
    from agent.requests_eval import evaluate_requests, format_request_table
    worlds, episodes, described = _eval_worlds(args, name, read_meta, resolve_model, companion=True,
                                               seeds=REQUEST_EVAL_SEEDS, file_episodes=3)
    worlds = [w for _, w in worlds]
    policy = load_policy(name, **({"mode": args.mode} if args.mode else {})).to(args.device)
    rows = evaluate_requests(policy, worlds, episodes, seed=args.seed, per_kind=args.per_kind,
                             greedy=args.greedy)
    return _report(args, {"model": name, "worlds": described, "episodes_per_world": episodes,
                          "rows": rows_as_dicts(rows)},
                   f"{name} on {described}, {episodes} episode(s) per world: requests fulfilled within 10 NPC moves",
                   format_request_table(rows))


def _eval_worlds(args, name, read_meta, resolve_model, *, companion: bool = False, seeds: str = EVAL_SEEDS,
                 file_episodes: int = 10) -> tuple[list, int, str]:
    """The (name, World) pairs to evaluate on, episodes per world, and a description."""
    from agent.worlds import check_eval_seeds, parse_range
    check_vocabulary(args.vocabulary, args.world or args.worlds)
    if sum(bool(x) for x in (args.world, args.worlds, args.difficulty)) != 1:
        raise LanternError("give one of --world PATH, --worlds DIR or --difficulty D (with --seeds A:B)")
    if args.world or args.worlds:
        if args.seeds:
            raise LanternError("--seeds goes with --difficulty; world files are fixed worlds (use --episodes)")
        from game.assets import resolve_asset
        from game.loader import load_world, load_world_folder
        if args.worlds:
            return load_world_folder(resolve_asset(args.worlds)), args.episodes or file_episodes, args.worlds
        path = resolve_asset(args.world)
        return [(path.stem, load_world(path))], args.episodes or file_episodes, args.world
    from game.generator import generate
    seeds = parse_range(args.seeds or seeds, "--seeds")
    where = resolve_model(name)
    trained = read_meta(where).get("trained_on", {}) if isinstance(where, Path) else {}
    check_eval_seeds(seeds, tuple(trained["seeds"]) if "seeds" in trained else None)
    worlds = [(f"d{args.difficulty}-s{s}", generate(args.difficulty, s, companion=companion, vocabulary=args.vocabulary))
              for s in range(*seeds)]
    words = "" if args.vocabulary == "plain" else f", {args.vocabulary} vocabulary"
    return worlds, args.episodes or 1, (f"difficulty {args.difficulty}{' with a companion' if companion else ''} "
                                        f"seeds {seeds[0]}:{seeds[1]}{words}")
