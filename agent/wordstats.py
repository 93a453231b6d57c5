"""``python main.py bench vocabulary``: how much language generated worlds hold, as the NPC reads it.

For the same (difficulty, seed) worlds in the plain and the wide vocabulary (a wide world is
the plain one renamed, so only the words differ), counts the distinct words in the names of
things (items and doors), in room names, and in all of a world's text (names, descriptions,
goal phrasings, title), and how many of those words the model's tokenizer splits into two
or more tokens (a word as it appears inside a sentence: after a space, in lower case).
"""

from __future__ import annotations

import json
from pathlib import Path

from game.errors import LanternError
from game.quests import describe_goal
from game.world import ACTOR, ROOM, words_of

DEFAULT_TOKENIZER_MODEL = "assets/models/npc"


def world_words(world) -> dict[str, set[str]]:
    """The words of a world's names of things, room names and whole text."""
    things, rooms, text = set(), set(), set(words_of(world.title))
    for ent in world.entities:
        if ent.kind == ACTOR:
            continue
        words = set(words_of(ent.name))
        (rooms if ent.kind == ROOM else things).update(words)
        text |= words | set(words_of(ent.description))
    for quest in world.quests:
        for goal in quest.goals:
            text |= set(words_of(describe_goal(world, goal)))
    return {"names_of_things": things, "room_names": rooms, "all_text": text}


def split_words(words: set[str], tokenizer) -> set[str]:
    """The words ``tokenizer`` cuts into two or more tokens when they follow a space."""
    return {w for w in words if len(tokenizer.encode(" " + w).ids) > 1}


def word_stats(words: set[str], tokenizer) -> dict:
    split = split_words(words, tokenizer)
    return {"distinct_words": len(words), "multi_token_words": len(split),
            "multi_token_share": round(len(split) / max(1, len(words)), 3)}


def load_tokenizer(model: str | None):
    """The ``tokenizers`` tokenizer of a model folder (default: the bundled NPC)."""
    from tokenizers import Tokenizer

    from agent.lm import resolve_model
    folder = resolve_model(model or DEFAULT_TOKENIZER_MODEL)
    path = Path(folder) / "tokenizer.json" if isinstance(folder, Path) else None
    if path is None or not path.is_file():
        raise LanternError(f"--model {model or DEFAULT_TOKENIZER_MODEL}: no tokenizer.json in a local model folder")
    return Tokenizer.from_file(str(path)), path


def bench_vocabulary(args) -> int:
    """Print JSON: the plain and wide vocabularies' word counts over ``--worlds`` worlds."""
    from game.generator import generate, widened
    tokenizer, path = load_tokenizer(getattr(args, "model", None))
    levels = [args.difficulty] if args.difficulty else [1, 2, 3, 4, 5]
    pools = {"plain": {}, "wide": {}}
    for i in range(args.worlds):
        level, seed = levels[i % len(levels)], args.seed + i
        plain = generate(level, seed)
        for name, world in (("plain", plain), ("wide", widened(plain, seed))):
            for part, words in world_words(world).items():
                pools[name].setdefault(part, set()).update(words)
    print(json.dumps({"worlds": args.worlds, "difficulties": levels, "seeds": [args.seed, args.seed + args.worlds],
                      "tokenizer": str(path),
                      **{name: {part: word_stats(words, tokenizer) for part, words in parts.items()}
                         for name, parts in pools.items()}}, indent=1))
    return 0
