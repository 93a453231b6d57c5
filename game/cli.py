"""Game-only subcommands: generate, solve (and the helpers play/bench use)."""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from pathlib import Path

from game.assets import resolve_asset
from game.errors import LanternError
from game.files import check_output_file, write_text
from game.world import World


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1, with a message that says so."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def positive_float(text: str) -> float:
    """argparse type: a finite number > 0 (inf and nan are refused: they would never end)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {text}")
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, got {text}")
    return value


def window_size(text: str) -> tuple[int, int]:
    """argparse type: a window size ``WxH`` in pixels (at least 960x600, the smallest layout)."""
    match = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", text)
    if match is None:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 1280x800, got {text!r}")
    size = int(match.group(1)), int(match.group(2))
    if size[0] < 960 or size[1] < 600:
        raise argparse.ArgumentTypeError(f"the window needs at least 960x600, got {text}")
    return size


def difficulty(text: str) -> int:
    from game.generator import MAX_DIFFICULTY
    value = positive_int(text)
    if value > MAX_DIFFICULTY:
        raise argparse.ArgumentTypeError(f"difficulty goes from 1 to {MAX_DIFFICULTY}, got {value}")
    return value


# The world play and watch open: the bundled one where the NPC has a part (Ada, beside
# the player's Wren), so the first thing a new user sees is the NPC at work.
DEFAULT_WORLD = "assets/worlds/lighthouse.toml"
EPISODES_DIR = "runs/episodes"  # where play and watch save episodes unless --episodes says otherwise


def add_world_arguments(p: argparse.ArgumentParser, default: str | None = None) -> None:
    """--world PATH | --difficulty D (with --world-seed), shared by play/watch/train/eval."""
    p.add_argument("--world", metavar="PATH",
                   help="a world file (.toml)" + (f"; default {default}" if default else ""))
    p.add_argument("--difficulty", type=difficulty, metavar="D",
                   help="play a generated world of this difficulty instead (1-6)")
    p.add_argument("--world-seed", type=int, default=0, metavar="N",
                   help="seed of the generated world (with --difficulty; default 0)")
    add_companion_argument(p)
    add_vocabulary_argument(p)


def add_companion_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("--companion", action="store_true",
                   help="give a generated world (--difficulty) a companion, Ada, who shares your quest")


VOCABULARY_HELP = ("names of generated worlds: plain (the generator's own few dozen words), wide (hundreds of "
                   "rooms and things, varied prose and goal phrasings; the same maps and puzzles) or mixed (wide "
                   "on odd seeds)")
MECHANICS_HELP = ("puzzle pieces of generated worlds: level (the difficulty's own; the worlds evaluation uses) or "
                  "mixed (for training: those of bigger levels drawn in by the seed, such as dark rooms and "
                  "lights, closed doors and locked boxes, in worlds of the difficulty's size)")


def add_vocabulary_argument(p: argparse.ArgumentParser, default: str | None = "plain") -> None:
    """--vocabulary plain|wide|mixed: where generated worlds' names come from."""
    from game.generator import VOCABULARIES
    p.add_argument("--vocabulary", choices=VOCABULARIES, default=default, help=f"{VOCABULARY_HELP} (default {default})")


def check_vocabulary(vocabulary: str, world: object | None = None) -> None:
    """Refuse an unknown vocabulary, or a wide one for a world file (which names its own things)."""
    from game.generator import VOCABULARIES
    if vocabulary not in VOCABULARIES:
        raise LanternError(f"--vocabulary {vocabulary!r}: use one of {', '.join(VOCABULARIES)}")
    if world is not None and vocabulary != "plain":
        raise LanternError(f"--vocabulary {vocabulary} goes with --difficulty: a world file names its own things")


def world_from_args(args: argparse.Namespace, default: str | None = DEFAULT_WORLD) -> World:
    from game.generator import generate
    from game.loader import load_world
    if getattr(args, "world", None) and getattr(args, "difficulty", None):
        raise LanternError("give either --world or --difficulty, not both")
    companion = getattr(args, "companion", False)
    vocabulary = getattr(args, "vocabulary", None) or "plain"
    if getattr(args, "difficulty", None):
        return generate(args.difficulty, args.world_seed, companion=companion, vocabulary=vocabulary)
    if companion:
        raise LanternError("--companion goes with --difficulty: a world file names its own actors")
    check_vocabulary(vocabulary, getattr(args, "world", None) or default)
    path = getattr(args, "world", None) or default
    if path is None:
        raise LanternError("give --world PATH or --difficulty D")
    return load_world(resolve_asset(path))


def register(sub: argparse._SubParsersAction) -> None:
    g = sub.add_parser("generate", help="write a procedurally generated world file",
                       description="Generate a solvable world and write it as a world file.")
    g.add_argument("--difficulty", type=difficulty, required=True, metavar="D", help="1 (easy) to 6")
    g.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    g.add_argument("--out", metavar="PATH", help="file to write (default: print to stdout)")
    g.add_argument("--force", action="store_true", help="overwrite an existing --out file")
    add_companion_argument(g)
    add_vocabulary_argument(g)
    from game.generator import MECHANICS
    g.add_argument("--mechanics", choices=MECHANICS, default="level", help=f"{MECHANICS_HELP} (default level)")
    g.set_defaults(run=run_generate)

    s = sub.add_parser("solve", help="print an optimal walkthrough of a world",
                       description="Find the fewest commands that win a world (exit 1 if none "
                                   "within the limit).")
    s.add_argument("world", metavar="WORLD", help="a world file (.toml)")
    s.add_argument("--max-nodes", type=positive_int, default=2_000_000, metavar="N",
                   help="give up after expanding N states (default 2000000)")
    s.add_argument("--guide", action="store_true",
                   help="print the guide's walkthrough instead: the solver's plan where the actor could "
                        "know the way, else the nearest unexplored exit (what imitate --expert guide teaches)")
    s.add_argument("--json", action="store_true", help="print JSON instead of text")
    s.set_defaults(run=run_solve)

    t = sub.add_parser("import-textworld", help="turn a TextWorld game (tw-make's .json) into a world file",
                       description="Read the .json that TextWorld's tw-make writes beside a game and write a "
                                   "Lantern world with TextWorld's rooms, things, names, text and quest. "
                                   "TextWorld itself is not needed.")
    t.add_argument("game", metavar="GAME.json", help="the game's .json file")
    t.add_argument("--out", metavar="PATH", required=True, help="world file to write (.toml)")
    t.add_argument("--force", action="store_true", help="overwrite an existing --out file")
    t.add_argument("--max-steps", type=positive_int, metavar="N",
                   help="the world's step limit (default: 4 x the walkthrough + 20, at least 50)")
    t.set_defaults(run=run_import_textworld)

    r = sub.add_parser("reskin", help="write a world in other words and another compass (does the NPC read it?)",
                       description="Write a copy of a world with every room, door and thing renamed from the wide "
                                   "word lists, the compass turned or mirrored, and the prose, goals and notes "
                                   "rewritten to match: the same world to play, which a model that learnt its "
                                   "walkthrough by heart will not recognise.")
    r.add_argument("world", metavar="WORLD", help="a world file (.toml)")
    r.add_argument("--seed", type=int, default=0, help="which reskin (default 0)")
    r.add_argument("--out", metavar="PATH", required=True, help="world file to write (.toml)")
    r.add_argument("--force", action="store_true", help="overwrite an existing --out file")
    r.set_defaults(run=run_reskin)


def run_generate(args: argparse.Namespace) -> int:
    from game.generator import generate, world_to_toml
    out = Path(args.out) if args.out else None
    if out is not None:
        if out.exists() and not args.force:
            raise LanternError(f"{out}: already exists; choose another --out or add --force")
        check_output_file(out, "--out")
    world = generate(args.difficulty, args.seed, companion=args.companion, vocabulary=args.vocabulary,
                     mechanics=args.mechanics)
    text = world_to_toml(world)
    if out is None:
        sys.stdout.write(text)
        return 0
    write_text(out, text)
    print(f"wrote {out}: {world.title} ({len(world.rooms)} rooms, {len(world.items)} items, "
          f"{sum(len(q.goals) for q in world.quests)} goals)")
    return 0


def run_solve(args: argparse.Namespace) -> int:
    from game.loader import load_world
    from game.solver import Unsolvable, solve
    world = load_world(resolve_asset(args.world))
    try:
        solution = solve(world, max_nodes=args.max_nodes)
    except Unsolvable as exc:
        if args.json:
            print(json.dumps({"world": args.world, "solved": False, "reason": str(exc), "nodes": exc.nodes}))
        else:
            print(f"unsolvable: {exc}")
        return 1
    steps, score, extra = list(solution.steps), solution.score, {"nodes": solution.nodes}
    if args.guide:
        from game.guide import guided_game
        env, steps, _ = guided_game(world)
        info = env.info()
        score, extra = int(info["score"]), {"optimal": len(solution), "won": bool(info["won"])}
    if args.json:
        print(json.dumps({"world": args.world, "solved": True, "length": len(steps), "score": score,
                          "max_score": solution.max_score, **extra,
                          "steps": [{"actor": a, "command": c} for a, c in steps]}))
        return 0
    multi = len({a for a, _ in steps}) > 1
    for i, (actor, command) in enumerate(steps, start=1):
        print(f"{i:3d}. {actor + ': ' if multi else ''}{command}")
    if args.guide:
        print(f"{len(steps)} commands (optimal {len(solution)}), score {score} of {solution.max_score}")
    else:
        print(f"{len(steps)} commands, score {score} of {solution.max_score} ({solution.nodes} states searched)")
    return 0


def run_import_textworld(args: argparse.Namespace) -> int:
    from game.generator import world_to_toml
    from game.loader import world_from_dict
    from game.textworld_import import import_textworld, replay_walkthrough
    out = Path(args.out)
    if out.exists() and not args.force:
        raise LanternError(f"{out}: already exists; choose another --out or add --force")
    check_output_file(out, "--out")
    data, walkthrough = import_textworld(args.game, args.max_steps)
    try:
        world = world_from_dict(data, args.game)
    except LanternError as exc:
        raise LanternError(f"{exc} (in the world imported from this TextWorld game)") from None
    if walkthrough:
        why = replay_walkthrough(world, walkthrough)
        if why:
            raise LanternError(f"{args.game}: TextWorld's walkthrough does not win the imported world: {why}")
    world = world_from_dict(data, f"TextWorld game {Path(args.game).name}")  # the file's header names it
    write_text(out, world_to_toml(world))
    checked = f"TextWorld's walkthrough of {len(walkthrough)} commands wins it" if walkthrough \
        else "the game has no walkthrough to check"
    print(f"wrote {out}: {world.title} ({len(world.rooms)} rooms, {len(world.items)} items, "
          f"{sum(len(q.goals) for q in world.quests)} goals; {checked})")
    return 0


def run_reskin(args: argparse.Namespace) -> int:
    import random
    from game.generator import world_to_toml
    from game.guide import guided_game
    from game.loader import read_world_data, world_from_dict
    from game.reskin import reskin
    out = Path(args.out)
    if out.exists() and not args.force:
        raise LanternError(f"{out}: already exists; choose another --out or add --force")
    check_output_file(out, "--out")
    path = resolve_asset(args.world)
    data = read_world_data(path)
    written = world_from_dict(data, str(path))
    world = world_from_dict(reskin(data, random.Random(args.seed)), f"{path} reskinned with seed {args.seed}")
    before, after = guided_game(written), guided_game(world)
    if before[0].info()["won"] and not after[0].info()["won"]:
        raise LanternError(f"{args.world}: reskin {args.seed} cannot be won as the world can (a new name clashes "
                           f"with a word of the world); try another --seed")
    write_text(out, world_to_toml(world))
    print(f"wrote {out}: {world.title} ({len(world.rooms)} rooms, {len(world.items)} items; the guide wins it in "
          f"{len(after[1])} commands, as written in {len(before[1])})")
    return 0
