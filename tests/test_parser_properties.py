"""Parser properties (hypothesis, derandomised by the profile in conftest.py).

- No text of any length or alphabet makes the parser raise.
- Text that parses to no command leaves the world exactly as it was, even
  after ``env.step``; parsing alone never changes the world. ``env.not_understood``
  answers exactly such text (unless it asks a question back), without a step.
- Every admissible command's canonical text parses back to the same Command,
  in random reachable states of the tutorial world and of generated worlds;
  common paraphrases of it parse to it too, or to a question that names it.
"""

from __future__ import annotations

import random
from functools import lru_cache

from hypothesis import given, settings
from hypothesis import strategies as st

from game.env import LanternEnv
from game.generator import generate
from game.loader import load_world
from game.parser import MAX_CHARS, ParserContext
from tests.conftest import WORLDS

TUTORIAL = WORLDS / "tutorial.toml"


@lru_cache(maxsize=None)
def _generated(difficulty: int, seed: int):
    return generate(difficulty, seed)


def make_env(name: str) -> LanternEnv:
    """A fresh env on the tutorial ('tutorial') or a generated world ('gen:<level>:<seed>')."""
    if name == "tutorial":
        world = load_world(TUTORIAL)
    else:
        _, level, seed = name.split(":")
        world = _generated(int(level), int(seed))
    return LanternEnv(world, include_info_commands=True)


WORLD_NAMES = ["tutorial", "gen:2:1", "gen:3:2", "gen:4:3", "gen:5:4"]  # quick to generate


def walk(env: LanternEnv, seed: int, steps: int) -> None:
    """Put ``env`` in a random reachable state: ``steps`` random admissible commands."""
    rng = random.Random(seed)
    env.reset(seed=seed)
    for _ in range(steps):
        actor = rng.choice(env.world.actors)
        options = env.admissible(actor)
        if not options:
            break
        _, _, terminated, truncated, _ = env.step(rng.choice(options), actor=actor)
        if terminated or truncated:
            break


# -- strategies -----------------------------------------------------------------------------

# Words the parser knows, so that random commands reach its deeper paths.
SOME_WORDS = sorted(make_env("tutorial").parser.vocabulary | {"ada", "xyzzy", "café", "日本"})

word_salad = st.lists(st.sampled_from(SOME_WORDS), max_size=12).map(" ".join)
any_text = st.text(max_size=200)  # any code point but surrogates, control characters included
huge_text = st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=8),
                      st.integers(1, 3 * MAX_CHARS))
texts = st.one_of(word_salad, any_text, huge_text)


# -- never raises; no command, no change --------------------------------------------------------


@settings(max_examples=150)
@given(name=st.sampled_from(WORLD_NAMES), seed=st.integers(0, 1000), steps=st.integers(0, 25),
       lines=st.lists(texts, min_size=1, max_size=4))
def test_any_text_is_safe_and_changes_nothing_unless_understood(name, seed, steps, lines):
    env = make_env(name)
    walk(env, seed, steps)
    actor = env.world.player
    for text in lines:
        context = env.contexts[actor]
        preview = env.parser.parse(text, actor, ParserContext(
            context.pending, context.last_objects, context.last_commands))
        before = env.state_hash()
        env.step(text)
        if not preview.commands:
            assert preview.reply, f"no command and no reply for {text!r}"
            assert env.state_hash() == before, f"{text!r} changed the world without a command"


@settings(max_examples=100)
@given(name=st.sampled_from(WORLD_NAMES), seed=st.integers(0, 1000), steps=st.integers(0, 25), text=texts)
def test_not_understood_answers_exactly_the_lines_that_make_no_command_and_takes_no_step(name, seed, steps, text):
    env = make_env(name)
    walk(env, seed, steps)
    actor = env.world.player
    context = env.contexts[actor]
    preview = env.parser.parse(text, actor, ParserContext(context.pending, context.last_objects,
                                                          context.last_commands))
    before, taken = env.state_hash(), env.steps
    reply = env.not_understood(text)
    assert (reply is not None) == (not preview.commands and preview.pending is None)
    assert reply is None or reply == preview.reply
    assert env.state_hash() == before and env.steps == taken


@settings(max_examples=100)
@given(name=st.sampled_from(WORLD_NAMES), seed=st.integers(0, 1000), steps=st.integers(0, 25),
       text=texts)
def test_parse_never_mutates_the_world(name, seed, steps, text):
    env = make_env(name)
    walk(env, seed, steps)
    state = env.world.state
    key, digest = state.key(), state.digest()
    for actor in env.world.actors:
        result = env.parser.parse(text, actor, ParserContext())
        assert isinstance(result.reply, str) and isinstance(result.commands, tuple)
    assert env.world.state is state and (state.key(), state.digest()) == (key, digest)


# -- canonical texts round-trip ------------------------------------------------------------------


@settings(max_examples=30)
@given(name=st.sampled_from(WORLD_NAMES + ["gen:1:0", "gen:6:2"]), seed=st.integers(0, 1000),
       steps=st.integers(0, 40))
def test_admissible_texts_parse_back_to_their_commands(name, seed, steps):
    env = make_env(name)
    walk(env, seed, steps)
    for actor in env.world.actors:
        for text in env.admissible(actor):
            expected = env.table.lookup(text)
            result = env.parser.parse(text, actor, ParserContext())
            assert result.commands == (expected,), f"{text!r} in {name}: {result.reply}"
            shouted = env.parser.parse(text.upper() + "!", actor, ParserContext())
            assert shouted.commands == (expected,), f"{text.upper()!r} in {name}: {shouted.reply}"


# Other ways to say each admissible command; {o}/{o2} become a name, a synonym or
# adjective + synonym, so the parse must be that command or a question naming it.
PARAPHRASES = {
    "take": ["pick up the {o}", "pick the {o} up", "get {o}"],
    "drop": ["put down the {o}", "put the {o} down"],
    "put_in": ["put the {o} into the {o2}", "place {o} inside the {o2}"],
    "put_on": ["put the {o} onto the {o2}", "set the {o} on {o2}"],
    "open": ["open the {o}"],
    "close": ["shut the {o}"],
    "unlock": ["unlock the {o} using the {o2}", "open the {o} with the {o2}"],
    "lock": ["lock the {o} with the {o2}"],
    "turn_on": ["switch on the {o}", "turn the {o} on", "light the {o}"],
    "turn_off": ["switch the {o} off", "extinguish the {o}"],
    "eat": ["eat the {o}"],
    "give": ["give {o2} the {o}", "hand the {o} to {o2}"],
    "go": ["walk {d}", "go to the {d}", "{d}"],
    "examine": ["look at the {o}", "x the {o}"],
    "read": ["read the {o}"],
}


def _a_name(env: LanternEnv, e: int | None, rng: random.Random) -> str:
    if e is None:
        return ""
    ent = env.world.entities[e]
    return rng.choice([ent.lower_name, *ent.synonyms,
                       *(f"{a} {s}" for a in ent.adjectives for s in ent.synonyms)])


@settings(max_examples=40)
@given(name=st.sampled_from(WORLD_NAMES), seed=st.integers(0, 1000), steps=st.integers(0, 40))
def test_paraphrases_parse_to_the_command_or_ask_about_it(name, seed, steps):
    env = make_env(name)
    walk(env, seed, steps)
    rng = random.Random(seed)
    for actor in env.world.actors:
        for text in env.admissible(actor):
            cmd = env.table.lookup(text)
            for template in PARAPHRASES.get(cmd.verb, ()):
                said = template.format(o=_a_name(env, cmd.obj, rng), o2=_a_name(env, cmd.obj2, rng),
                                       d=cmd.direction)
                result = env.parser.parse(said, actor, ParserContext())
                asked = result.pending is not None and {cmd.obj, cmd.obj2} & set(result.pending.candidates)
                assert result.commands == (cmd,) or asked, f"{said!r} for {text!r}: {result.reply}"


def test_every_bundled_world_round_trips_from_its_start():
    for path in sorted(WORLDS.glob("*.toml")):
        env = LanternEnv(path, include_info_commands=True)
        for actor in env.world.actors:
            for text in env.admissible(actor):
                result = env.parser.parse(text, actor, ParserContext())
                assert result.commands == (env.table.lookup(text),), f"{path.name}: {text!r}"


_MOVE_WORDS = sorted({"exit", "exits", "enter", "leave", "north", "south", "east", "west", "northeast",
                      "southwest", "inside", "outside", "upstairs", "downstairs", "walk", "north tower"})
_TYPO_ENV = make_env("tutorial")


@settings(max_examples=150)
@given(word=st.sampled_from(_MOVE_WORDS), at=st.integers(0, 20), letter=st.sampled_from("aeiounrstx"),
       how=st.sampled_from(["drop", "add", "swap", "change"]), before=st.sampled_from(["", "please ", "now, "]))
def test_a_typo_hint_never_walks_a_player_off_who_did_not_ask_to_move(word, at, letter, how, before):
    i = at % len(word)
    typo = {"drop": word[:i] + word[i + 1:], "add": word[:i] + letter + word[i:],
            "swap": word[:i] + word[i + 1:i + 2] + word[i:i + 1] + word[i + 2:],
            "change": word[:i] + letter + word[i + 1:]}[how]
    player = _TYPO_ENV.world.player
    result = _TYPO_ENV.parser.parse(before + typo, player, ParserContext())
    if result.commands or "Did you mean '" not in result.reply:
        return
    hint = result.reply.split("Did you mean '")[1].split("'")[0]
    unknown = result.reply.split("word '")[1].split("'")[0]
    fixed = _TYPO_ENV.parser.parse((before + typo).replace(unknown, hint, 1), player, ParserContext())
    assert not any(c.verb == "go" for c in fixed.commands), (typo, hint)


_WORD = st.text(alphabet="abcdeilmnorstuy", min_size=1, max_size=9)


@settings(max_examples=30)
@given(st.lists(st.tuples(_WORD, st.lists(_WORD, max_size=2), st.lists(_WORD, max_size=2)), min_size=1, max_size=6),
       st.frozensets(_WORD, max_size=4))
def test_the_typo_map_holds_every_known_and_named_word_under_each_of_its_deletions(names, scenery):
    from game.lexicon import SUGGESTIBLE, deletions, lexicon_of
    names = tuple((name, tuple(adjectives), tuple(synonyms)) for name, adjectives, synonyms in names)
    lexicon = lexicon_of(names, scenery)
    words = sorted(SUGGESTIBLE | lexicon.entity_words | scenery)
    expected: dict[str, list[str]] = {}
    for w in (w for w in words if len(w) >= 3):
        for key in {w, *deletions(w)}:
            expected.setdefault(key, []).append(w)
    assert lexicon.near == {k: tuple(v) for k, v in expected.items()}
