"""Wide-vocabulary generated worlds: same puzzles as the plain ones, names drawn from game/vocabulary.py.

- Deterministic by seed; names vary with the seed; the plain output is unchanged.
- The map and puzzle are the plain world's: solvable, with the same optimal length; some
  passages take other exit words (up/down, in/out, diagonals), always in pairs; a quest may
  warn off a food (a lose condition the guide's walkthrough keeps clear of); some things to
  be delivered are foods, and eating one loses the quest; some goals are of kinds
  the plain generator lacks (keep a thing in hand, end in a room), and the guide wins those too.
- Every name is unique; the parser resolves every door and thing by its name and by
  each of its synonyms; no name uses a word the parser reads as grammar or a verb.
- Any wide world round-trips through a world file and loads (hypothesis).
"""

from __future__ import annotations

import copy
import random
import tomllib
from functools import lru_cache

import pytest

import main
from agent.worlds import WorldSource
from hypothesis import given, settings
from hypothesis import strategies as st

from game import lexicon as L
from game import vocabulary as V
from game.env import LanternEnv
from game.generator import generate, world_to_toml
from game.loader import load_world, world_from_dict
from game.parser import ParserContext
from game.solver import solve
from game.wide import RESERVED_WORDS, plain_puzzle, widen
from game.world import ACTOR, OPPOSITE, ROOM, words_of


@lru_cache(maxsize=None)
def _world(difficulty: int, seed: int, vocabulary: str = "wide"):
    return generate(difficulty, seed, vocabulary=vocabulary)


def test_same_seed_same_wide_world_and_seeds_differ():
    assert world_to_toml(_world(2, 5)) == world_to_toml(generate(2, 5, vocabulary="wide"))
    names = {tuple(sorted(e.name for e in _world(2, s).entities)) for s in range(6)}
    assert len(names) == 6
    assert len({_world(2, s).title for s in range(6)}) > 2


def test_plain_output_is_the_default_and_wide_differs_from_it():
    for seed in range(3):
        plain = world_to_toml(generate(1, seed))
        assert plain == world_to_toml(_world(1, seed, "plain"))
        assert plain != world_to_toml(_world(1, seed))


def test_mixed_vocabulary_is_wide_on_odd_seeds_only():
    assert world_to_toml(generate(1, 3, vocabulary="mixed")) == world_to_toml(_world(1, 3))
    assert world_to_toml(generate(1, 4, vocabulary="mixed")) == world_to_toml(_world(1, 4, "plain"))
    with pytest.raises(ValueError, match="vocabulary"):
        generate(1, 0, vocabulary="huge")


@pytest.mark.parametrize("difficulty,seeds", [(1, range(4)), (2, range(4)), (3, range(3)), (4, range(2)), (5, range(2))])
def test_wide_worlds_are_the_plain_puzzles_and_are_won_by_their_walkthroughs(difficulty, seeds):
    for seed in seeds:
        wide, plain = _world(difficulty, seed), _world(difficulty, seed, "plain")
        solution = solve(wide)
        assert len(wide.rooms) == len(plain.rooms)
        if plain_puzzle(wide.data):
            assert len(solution) == len(solve(plain)) and wide.max_steps == plain.max_steps
        else:  # goals of other kinds: its own walkthrough sets its step limit
            assert wide.max_steps == max(20, 3 * len(solution) + 10)
        env = LanternEnv(wide)
        env.reset(seed=0)
        for actor, command in solution.steps:
            *_, info = env.step(command, actor)
        assert info["won"], (difficulty, seed)


def test_some_passages_take_other_exit_words_and_every_exit_leads_back():
    seen = set()
    for seed in range(12):
        wide, plain = _world(3, seed).data, _world(3, seed, "plain").data
        assert len(_joins(wide)) == len(_joins(plain)) == sum(len(r["exits"]) for r in wide["rooms"]) // 2
        by_id = {r["id"]: r for r in wide["rooms"]}
        for room in wide["rooms"]:
            for word, exit_ in room["exits"].items():
                seen.add(word)
                assert _to(by_id[_to(exit_)]["exits"][OPPOSITE[word]]) == room["id"]
    assert {"north", "east"} <= seen and seen & {"up", "down", "in", "out"} and seen & {"northeast", "southwest"}


def test_a_warned_off_food_loses_when_eaten_and_the_guide_leaves_it():
    from game.guide import guided_game
    warned = []
    for seed in range(30):
        world = _world(4, seed)
        quest = world.data["quests"][0]
        assert quest["description"].endswith(".") and all(g["text"] in quest["description"] for g in quest["goals"])
        wanted = {g.get("item") for g in quest["goals"]}
        warning = [c for c in quest.get("lose", ()) if c["item"] not in wanted]
        if not warning:
            continue
        assert len(warning) == 1
        food = next(i for i in world.data["items"] if i["id"] == warning[0]["item"])
        assert food.get("food")
        assert food["name"] in quest["description"]
        env, steps, _ = guided_game(world)
        assert env.info()["won"] and not any(c.startswith("eat ") and food["name"] in c for _, c in steps)
        warned.append((world, food["name"]))
    assert 8 <= len(warned) <= 25
    world, name = warned[0]
    env = LanternEnv(world)
    env.reset(seed=0)
    plan = solve(world, from_current=True)
    for actor, command in plan.steps:
        *_, info = env.step(command, actor)
        if f"eat {name}" in info["admissible_commands"] or f"take {name}" in info["admissible_commands"]:
            break
    if f"eat {name}" not in info["admissible_commands"]:
        env.step(f"take {name}")
    *_, terminated, _, info = env.step(f"eat {name}")
    assert terminated and not info["won"]


def test_some_goals_keep_a_thing_in_hand_or_end_in_a_room_and_the_guide_wins_them():
    from game.guide import guided_game
    held = ends = 0
    for seed in range(24):
        world = _world(2, seed)
        quest = world.data["quests"][0]
        goals = quest["goals"]
        held += sum(g.get("place") == "player" for g in goals)
        at = [g for g in goals if g["type"] == "at"]
        ends += bool(at)
        assert plain_puzzle(world.data) == (not at and all(g.get("place") != "player" for g in goals))
        assert all(g["text"] in quest["description"] for g in goals)
        if at or not plain_puzzle(world.data):
            env, steps, _ = guided_game(world)
            assert env.info()["won"], seed
            if at:
                player = world.entity("player").index
                assert world.entities[world.state.parent[player]].id == at[0]["room"] != world.data["actors"][0]["location"]
    assert 2 <= ends <= 12 and held >= 2


def test_some_things_to_deliver_are_foods_and_eating_one_loses_the_quest():
    from game.guide import guided_game
    from game.solver import remaining_moves
    fed = []
    for seed in range(16):
        world = _world(3, seed)
        items = {i["id"]: i for i in world.data["items"]}
        delivered = [items[g["item"]] for g in world.data["quests"][0]["goals"] if g["type"] == "in"]
        fed += [(world, i["name"]) for i in delivered if i.get("food")]
        for food in (i for i in delivered if i.get("food")):
            env, steps, _ = guided_game(world)
            assert env.info()["won"] and not any(c == f"eat {food['name']}" for _, c in steps)
    assert 0.15 <= len(fed) / sum(1 for s in range(16) for g in _world(3, s).data["quests"][0]["goals"]
                                   if g["type"] == "in") <= 0.5
    world, name = fed[0]
    env = LanternEnv(world)
    env.reset(seed=0)
    for actor, command in solve(world).steps:
        if f"eat {name}" in env.admissible(actor):
            break
        env.step(command, actor)
    else:
        raise AssertionError("the walkthrough never reaches the food")
    *_, terminated, _, info = env.step(f"eat {name}", actor)
    assert remaining_moves(env.world) is None
    assert terminated and info["lost"] and not info["won"]


def _to(exit_) -> str:
    return exit_ if isinstance(exit_, str) else exit_["to"]


def _joins(data: dict) -> set[frozenset[str]]:
    return {frozenset((r["id"], _to(e))) for r in data["rooms"] for e in r["exits"].values()}


@pytest.mark.parametrize("difficulty,seed", [(2, 1), (3, 2), (3, 39), (4, 3), (5, 1)])
def test_names_are_unique_and_the_parser_resolves_each_by_name_and_synonym(difficulty, seed, monkeypatch):
    env = LanternEnv(_world(difficulty, seed))
    world = env.world
    things = [e.index for e in world.entities if e.kind not in (ROOM, ACTOR)]
    rooms = [e.name.lower() for e in world.entities if e.kind == ROOM]
    assert len(rooms) == len(set(rooms))
    assert len({world.entities[t].lower_name for t in things}) == len(things)
    # Resolution, not reach, is under test: let every thing be in scope.
    monkeypatch.setattr(world, "in_reach", lambda actor: things)
    monkeypatch.setattr(env.parser, "_scope", lambda actor, fit: things)
    for t in things:
        ent = world.entities[t]
        for said in [ent.lower_name, *ent.synonyms]:
            result = env.parser.parse(f"examine the {said}", world.player, ParserContext())
            assert [(c.verb, c.obj) for c in result.commands] == [("examine", t)], (said, result.reply)


def test_goal_texts_name_their_things_and_vary():
    texts = set()
    for seed in range(6):
        world = _world(2, seed)
        for goal in world.quests[0].goals:  # every thing and room it names (an actor is 'you')
            for e in (goal.subject, goal.place):
                assert e is None or world.entities[e].kind == ACTOR or world.entities[e].name in goal.text
            texts.add(goal.text.replace(world.entities[goal.subject].name, "X"))
    assert len(texts) >= 4


def test_names_avoid_parser_words_and_the_lists_are_large():
    thing_lists = [V.TRINKETS, V.FOODS, V.KEYS, V.CARDS, V.LIGHTS, V.CONTAINERS, V.SUPPORTERS, V.DOORS]
    adjective_lists = [*V.MATERIALS.values(), V.COLOURS, V.SIZES, V.AGES, V.CONDITIONS, V.FOOD_ADJECTIVES,
                       V.DOOR_ADJECTIVES, V.KEY_ADJECTIVES, V.CARD_ADJECTIVES, V.LIGHT_ADJECTIVES]
    # Grammar words would cut a name in two; a verb's word is fine after the verb, as in the plain
    # generator's 'torch' (the resolution test above parses such names).
    verbs = {w for phrase in L.VERB_PHRASES for w in phrase}
    grammar = (L.ARTICLES | L.ALL_WORDS | L.EXCEPT_WORDS | L.LIST_WORDS | L.PRONOUNS | L.PERSON_PRONOUNS
               | L.SELF_WORDS | L.FILLER | L.LEADING | L.FLOOR_WORDS | L.HERE_WORDS | L.PREP_WORDS
               | set(L.DIRECTION_WORDS))
    banned = (L.KNOWN_WORDS - verbs) | grammar | RESERVED_WORDS
    for nouns in thing_lists:
        for noun in nouns:
            assert noun.phrase == noun.phrase.lower() and noun.synonyms[0] == noun.head
            assert not set(words_of(noun.phrase)) & banned and not set(noun.synonyms) & banned, noun
            assert all(len(words_of(s)) == 1 for s in noun.synonyms), noun
    for words in adjective_lists:
        assert not set(words) & banned and all(len(words_of(w)) == 1 for w in words)
    portable = len(V.TRINKETS) + len(V.FOODS) + len(V.KEYS) + len(V.CARDS) + len(V.LIGHTS)
    assert portable >= 500 and len(V.ROOMS) >= 300 and len(set(V.ROOMS)) == len(V.ROOMS)
    assert sum(len(n.phrase.split()) > 1 for nouns in thing_lists for n in nouns) >= 150


def test_generate_command_writes_a_wide_world_file(tmp_path, capsys):
    out = tmp_path / "wide.toml"
    assert main.main(["generate", "--difficulty", "3", "--seed", "2", "--vocabulary", "wide", "--out", str(out)]) == 0
    assert world_to_toml(load_world(out)).split("\n", 3)[3] == world_to_toml(_world(3, 2)).split("\n", 3)[3]
    assert main.main(["play", "--world", "assets/worlds/tutorial.toml", "--vocabulary", "wide", "--text"]) == 2
    assert "--vocabulary wide goes with --difficulty" in capsys.readouterr().err


def test_training_worlds_come_in_the_vocabulary_asked_for():
    env = WorldSource(vocabulary="wide").env(2, 7)
    assert world_to_toml(env.world) == world_to_toml(_world(2, 7))
    assert world_to_toml(WorldSource().env(2, 7).world) == world_to_toml(_world(2, 7, "plain"))


# -- any wide naming of a design round-trips through a world file ---------------------------------

DESIGNS = [(1, 0), (2, 1), (3, 2), (4, 0), (6, 1)]


@settings(max_examples=40)
@given(design=st.sampled_from(DESIGNS), names=st.integers(0, 2**32))
def test_any_wide_world_round_trips_through_toml_and_loads(design, names):
    plain = _world(*design, "plain")
    data = widen(copy.deepcopy(plain.data), random.Random(names))
    world = world_from_dict(data, "<wide>")
    text = world_to_toml(world)
    again = world_from_dict(tomllib.loads(text), "<round trip>")
    assert world_to_toml(again).split("\n", 3)[3] == text.split("\n", 3)[3]  # all but the source line
    assert [e.kind for e in again.entities] == [e.kind for e in plain.entities]
    assert again.initial_state.flags == plain.initial_state.flags
    assert again.initial_state.parent == plain.initial_state.parent


# -- the measurement -----------------------------------------------------------------------------


def test_bench_vocabulary_counts_more_and_rarer_words_in_wide_worlds(capsys):
    import json
    pytest.importorskip("tokenizers")
    from agent.wordstats import load_tokenizer, split_words, world_words
    tokenizer, _ = load_tokenizer(None)
    assert split_words({"key", "astrolabe"}, tokenizer) == {"astrolabe"}  # ' key' is one token, the other is not
    words = world_words(_world(2, 1))
    assert {w for t in ("names_of_things", "room_names") for w in words[t]} <= words["all_text"]
    assert main.main(["bench", "vocabulary", "--worlds", "6"]) == 0
    report = json.loads(capsys.readouterr().out)
    plain, wide = report["plain"]["names_of_things"], report["wide"]["names_of_things"]
    assert wide["distinct_words"] > 1.5 * plain["distinct_words"]
    assert wide["multi_token_share"] > plain["multi_token_share"]
