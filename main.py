"""Lantern: one command line for playing, watching, replaying, training and measuring.

Each subcommand is registered by the module that owns it (``register(subparsers)``
sets ``run`` on its parser). Modules import their heavy dependencies (pygame, torch)
inside ``run``, so ``python main.py --help`` and the game-only commands stay fast
and work without them.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import io
import sys
from pathlib import Path

from game.errors import LanternError

# Modules that register single-package subcommands, in the order shown by --help.
COMMAND_MODULES = ("game.cli", "agent.cli", "agent.baseline_cli")
BUNDLED_NPC = "assets/models/npc"


# -- composite commands: they join game/ and agent/, so they live here ---------------------

def make_npc(model: str | None, seed: int | None = 0):
    """The NPC for play/watch: an LM policy from agent/ if one loads, else random.

    With --model unset, the bundled model is used when it (and torch) is present.
    """
    from game.npc import RandomNPC
    try:
        from agent.npc import load_npc
    except ModuleNotFoundError as exc:
        if model:
            raise LanternError(f"--model {model}: the agent could not be loaded ({exc.name} is "
                               f"not installed); run pip install -r requirements.txt") from None
        return RandomNPC(seed)
    return load_npc(model, seed=seed) or RandomNPC(seed)


def check_first(args: argparse.Namespace, window: bool = True) -> None:
    """Before anything slow loads: stop with one line when no window could be seen, or
    the episodes could not be saved."""
    from game.files import check_output_folder
    if getattr(args, "commands", None) and not getattr(args, "screenshot", None):
        raise LanternError("--commands goes with --screenshot: when you play, type the commands yourself")
    if window:
        from game.view.display import check_display
        check_display(bool(getattr(args, "screenshot", None)))
    if getattr(args, "episodes", None) and not getattr(args, "screenshot", None):
        check_output_folder(args.episodes, "--episodes")


def run_play(args: argparse.Namespace) -> int:
    check_first(args, window=not args.text)
    from game.cli import world_from_args
    from game.env import LanternEnv
    world = world_from_args(args)
    env = LanternEnv(world, max_steps=args.max_steps)
    if args.text:
        return run_play_text(env, args)
    from game.view.app import run_play_window
    return run_play_window(env, args, make_npc(args.model, args.seed))


def run_play_text(env, args: argparse.Namespace) -> int:
    """``play --text``: the NPC (loaded only when the world has a companion) acts after each command."""
    from game.play_text import play_text
    from game.turns import first_npc
    player = env.info(args.actor)["actor"]  # an unknown --actor fails here, before the model loads
    npc = None
    companion = first_npc(env, player)
    if companion is not None:
        name = env.world.entity(companion).name
        print(f"Loading the NPC that plays {name} ({args.model or BUNDLED_NPC}) ...", file=sys.stderr, flush=True)
        npc = make_npc(args.model, args.seed)
    return play_text(env, args.seed, sys.stdin, sys.stdout, actor=args.actor, npc=npc,
                     episodes=Path(args.episodes), meta={"model_arg": args.model})


def run_watch(args: argparse.Namespace) -> int:
    check_first(args)
    from game.cli import world_from_args
    from game.env import LanternEnv
    env = LanternEnv(world_from_args(args), max_steps=args.max_steps)
    from game.view.app import run_watch_window
    return run_watch_window(env, args, make_npc(args.model, args.seed))


def run_replay(args: argparse.Namespace) -> int:
    if not args.text:
        check_first(args)
    from game.record import read_episode
    episode = read_episode(args.file)
    if args.text:
        from game.play_text import replay_text
        return replay_text(episode)
    from game.view.app import run_replay_window
    return run_replay_window(episode, args, make_npc)


def run_bench(args: argparse.Namespace) -> int:
    if args.target == "engine":
        from game.bench import bench_engine
        return bench_engine(args)
    try:
        if args.target == "vocabulary":
            from agent.wordstats import bench_vocabulary
            return bench_vocabulary(args)
        from agent.bench import bench_imitate, bench_npc, bench_train
    except ModuleNotFoundError as exc:
        raise LanternError(f"bench {args.target} needs the agent's packages ({exc.name} is missing); "
                           f"run pip install -r requirements.txt") from None
    if args.target == "train" and args.ray:
        from agent.bench import bench_train_ray
        return bench_train_ray(args)
    return {"npc": bench_npc, "imitate": bench_imitate}.get(args.target, bench_train)(args)


def epilogs(world: str, episodes: str) -> tuple[str, str]:
    """What play --help and watch --help say about the default world, the keys and the episodes."""
    saved = f"Every episode is saved in {episodes}/ (--episodes changes it); python main.py replay FILE " \
            f"shows it again."
    play = (f"With no --world or --difficulty: the lighthouse ({world}), where you are Wren and the NPC plays "
            f"Ada; neither can win alone. In the window F1 lists the keys: Enter sends, Tab completes, F2 lets "
            f"the NPC act on a timer, F3 tells it what to do, Ctrl+N starts a new episode, Esc quits. In the "
            f"terminal (--text) type help. {saved}")
    watch = (f"With no --world or --difficulty: the lighthouse ({world}), where the NPC plays Ada. F1 lists "
             f"the keys: Space pauses, the right arrow steps, + and - change the speed, N starts the next "
             f"episode, Esc quits. {saved}")
    return play, watch


def register_composite(sub: argparse._SubParsersAction) -> None:
    from game.cli import (DEFAULT_WORLD, EPISODES_DIR, add_world_arguments, difficulty, positive_float, positive_int,
                          window_size)
    play_epilog, watch_epilog = epilogs(DEFAULT_WORLD, EPISODES_DIR)
    for name, run, help_text, epilog in (
            ("play", run_play, "play a world alongside the NPC (window, or --text in the terminal)", play_epilog),
            ("watch", run_watch, "watch the NPC play alone in the window", watch_epilog)):
        p = sub.add_parser(name, help=help_text, description=help_text, epilog=epilog)
        add_world_arguments(p, DEFAULT_WORLD)
        p.add_argument("--model", metavar="M", help=f"NPC model: a local folder or hub id "
                                                     f"(default: {BUNDLED_NPC} if present, else random)")
        p.add_argument("--seed", type=int, default=0, help="episode seed (default 0)")
        p.add_argument("--max-steps", type=positive_int, metavar="N",
                       help="end the episode after N steps (default: the world's)")
        p.add_argument("--screenshot", metavar="PNG", help="save a screenshot after --after steps and exit")
        p.add_argument("--after", type=int, default=0, metavar="N", help="steps before --screenshot")
        p.add_argument("--episodes", metavar="DIR", default=EPISODES_DIR,
                       help=f"folder the episode files are saved in (default {EPISODES_DIR})")
        p.add_argument("--size", type=window_size, default=(1280, 800), metavar="WxH",
                       help="window (and screenshot) size in pixels (default 1280x800)")
        if name == "play":
            p.add_argument("--text", action="store_true", help="play in the terminal (reads stdin)")
            p.add_argument("--actor", metavar="ID", help="play as this actor (default: the world's player)")
            p.add_argument("--commands", metavar="'C1; C2'",
                           help="with --screenshot: play these commands (separated by ';') as the person, the "
                                "NPC taking its turn after each, before the picture is taken")
        p.set_defaults(run=run)
    r = sub.add_parser("replay", help="replay a saved episode (window, or --text)",
                       description="Re-simulate a saved episode, checking every state hash.")
    r.add_argument("file", metavar="FILE", help="an episode file (.jsonl)")
    r.add_argument("--text", action="store_true", help="print the replay in the terminal")
    r.add_argument("--screenshot", metavar="PNG", help="save a screenshot after --after steps and exit")
    r.add_argument("--after", type=int, default=0, metavar="N", help="steps before --screenshot")
    r.add_argument("--size", type=window_size, default=(1280, 800), metavar="WxH",
                   help="window (and screenshot) size in pixels (default 1280x800)")
    r.set_defaults(run=run_replay)
    b = sub.add_parser("bench", help="measure speed: engine steps/s, training throughput, NPC choice time",
                       description="Print benchmark figures as JSON.")
    b.add_argument("target", choices=("engine", "train", "npc", "imitate", "vocabulary"),
                   help="what to measure (vocabulary: distinct and multi-token words in plain vs. wide "
                        "generated worlds, by the --model's tokenizer, default the bundled NPC)")
    b.add_argument("--seconds", type=positive_float, default=3.0, help="how long to measure each figure")
    b.add_argument("--seed", type=int, default=0, help="seed for worlds and agents")
    b.add_argument("--difficulty", type=difficulty, default=None,
                   help="world difficulty (default: 10-room benchmark worlds)")
    b.add_argument("--model", metavar="M", help="model for bench train (default: a small local GPT-2), bench npc "
                                                 "(default: the bundled NPC) or bench imitate (the bundled base)")
    b.add_argument("--world", metavar="PATH", help="world for bench npc (default assets/worlds/manor.toml)")
    b.add_argument("--envs", type=positive_int, default=8, help="parallel environments (bench train)")
    b.add_argument("--threads", type=positive_int, metavar="N",
                   help="torch CPU threads (bench train; bench npc and bench imitate: 1)")
    b.add_argument("--max-steps", type=positive_int, default=8, metavar="N",
                   help="bench train: steps per episode at most (default 8)")
    b.add_argument("--bundled-share", type=float, default=0.0, metavar="F",
                   help="bench train: chance that a group of envs plays a bundled world, as train's flag (default 0)")
    b.add_argument("--progress-here", action="store_true",
                   help="bench train: search progress shaping's moves left in this process, not in a helper "
                        "process beside it (train's way with --cpu pinned on a machine with a second core)")
    b.add_argument("--worlds-here", action="store_true",
                   help="bench train: generate each update's worlds in the rollout, not the next update's in a "
                        "helper process while this one plays (train's way where progress searches have a helper)")
    b.add_argument("--ray", nargs="?", const="local", metavar="ADDRESS",
                   help="bench train: training steps/s with rollouts in this process against rollouts on Ray "
                        "workers (a local Ray, or the cluster at ADDRESS), in one run")
    b.add_argument("--rollout-workers", type=positive_int, default=2, metavar="N",
                   help="bench train --ray: Ray rollout workers (default 2)")
    b.add_argument("--group-size", type=positive_int, default=1, metavar="G",
                   help="bench train --ray: envs per group, the unit a worker plays (default 1)")
    b.add_argument("--worlds", type=positive_int, default=1000, metavar="N",
                   help="bench vocabulary: worlds of each vocabulary (default 1000; difficulties 1-5 in turn "
                        "unless --difficulty)")
    b.add_argument("--history", type=int, nargs="+", default=[4, 1], metavar="N",
                   help="bench imitate: prompt history lengths to compare (default 4 1)")
    b.set_defaults(run=run_bench)


class OneLineErrors(argparse.ArgumentParser):
    """Argument errors as one line naming the command and what to do, exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        runner = self.prog if self.prog.startswith("lantern") else f"python {self.prog}"
        self.exit(2, f"error: {self.prog}: {message} (see: {runner} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineErrors(
        prog="lantern" if Path(sys.argv[0]).name == "lantern" else "main.py",
        description="Lantern: a text-adventure world where a language-model NPC learns to act. "
                    "With no command, opens the game window (play) in the lighthouse, where the NPC "
                    "plays Ada beside you.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    register_composite(sub)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a terminal that cannot show a character shows "?", not a traceback
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        argv = ["play"]
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except LanternError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except OSError as exc:  # a path argument the OS refuses to even look at
        if exc.errno != errno.ENAMETOOLONG:
            raise
        print(f"error: {exc.filename}: a name in this path is too long (at most 255 bytes each); "
              f"choose a shorter one", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
