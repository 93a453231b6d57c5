"""Request phrasings: the training grammar's breadth, its split from both held-out sets, the engine's reading."""

import copy
import hashlib
import random
import re

import pytest

from game import phrasing
from game.env import LanternEnv
from game.generator import generate
from game.loader import world_from_dict
from game.request_gen import (GENERATED_KINDS, HELD_OUT, HELD_OUT_2, HELD_OUT_SETS, SPLITS, TRAIN,
                              generate_requests)
from game.requests import RequestGoal, understand
from tests.test_requests import HOUSE

FILL = {"thing": "brass lamp", "room": "kitchen", "place": "wooden box", "prep": "into"}

# Word sequences that carry each held-out set's style; no training form may contain one.
RESERVED = {
    HELD_OUT: {
        "go": ("make your way", "get yourself", "need you in"),
        "come": ("get over here", "find me", "need you here"),
        "follow": ("stick with", "keep close", "tag along"),
        "take": ("get hold", "pick it up", "lay your hands"),
        "drop": ("let go", "leave", "get rid"),
        "give": ("let me have", "from you", "over"),
        "bring": ("belongs", "move", "get the brass lamp into"),
        "put": ("goes", "leave", "i want the"),
        "open": ("swing", "throw open", "undo"),
        "close": ("pull the brass lamp to", "closed", "swing"),
        "unlock": ("undo", "unlocked", "turn the key"),
        "lock": ("secure", "locked", "make sure"),
        "turn_on": ("lit", "fire up", "some light"),
        "turn_off": ("douse", "snuff", "kill"),
        "eat": ("tuck into", "bite", "finish off"),
    },
    HELD_OUT_2: {kind: ("would you mind", "do you think you could", "it would really help", "wherever",
                        "somewhere", "across", "ends up", "find a spot", "burning", "polish off", "any more",
                        "by my side", "for a while", "this way", "next to", "your hands", "aside",
                        "opened up", "up tight", "behind you", "find your way", "went along", "carrying")
                 for kind in GENERATED_KINDS},
}


def norm(template: str) -> str:
    """A template filled with FILL, lower case, punctuation gone: ' words like these '."""
    return " " + " ".join(re.findall(r"[a-z0-9']+", template.format(**FILL).lower())) + " "


@pytest.mark.parametrize("kind", GENERATED_KINDS)
def test_the_grammar_never_writes_a_held_out_phrasing_nor_its_style(kind):
    train = {norm(t) for t in phrasing.forms(kind)}
    for split, templates in HELD_OUT_SETS.items():
        held = {norm(t) for ts in templates.values() for t in ts}
        assert not train & held, (split, sorted(train & held)[:3])
        for words in RESERVED[split][kind]:
            hits = [t for t in train if f" {words} " in t]
            assert not hits, (split, words, hits[:3])


def test_the_two_held_out_sets_are_apart():
    first = {norm(t) for ts in HELD_OUT_SETS[HELD_OUT].values() for t in ts}
    second = {norm(t) for ts in HELD_OUT_SETS[HELD_OUT_2].values() for t in ts}
    assert not first & second
    assert set(HELD_OUT_SETS[HELD_OUT]) == set(HELD_OUT_SETS[HELD_OUT_2]) == set(phrasing.GRAMMAR)


@pytest.mark.parametrize("kind", GENERATED_KINDS)
def test_every_kind_has_thousands_of_forms_and_keeps_its_plain_imperatives(kind):
    forms = phrasing.forms(kind)
    grammar = phrasing.GRAMMAR[kind]
    assert len(forms) >= 3000 and len(grammar.verbs) >= 8
    assert {v.replace("{the}", "the ") for v in grammar.verbs} <= forms  # 'take the {thing}' as typed
    assert {v.replace("{the}", "") for v in grammar.verbs} <= forms  # and without the article
    assert all(set(re.findall(r"{(\w+)}", f)) <= set(FILL) for f in forms)


def test_sampling_is_deterministic_draws_listed_forms_and_mostly_plain_ones():
    for kind in GENERATED_KINDS:
        first = [phrasing.sample(kind, random.Random(f"s:{kind}")) for _ in range(3)]
        assert first == [phrasing.sample(kind, random.Random(f"s:{kind}")) for _ in range(3)]
        rng = random.Random(kind)
        drawn = [phrasing.sample(kind, rng) for _ in range(2000)]
        assert set(drawn) <= phrasing.forms(kind)
        assert len(set(drawn)) >= 500
        plain = {v.replace("{the}", "the ") for v in phrasing.GRAMMAR[kind].verbs}
        assert 0.05 < sum(d in plain for d in drawn) / len(drawn) < 0.3


def test_every_kind_is_also_said_as_a_statement_not_an_order():
    """'the lamp should be on': a request that does not start with any of the kind's verbs."""
    for kind in GENERATED_KINDS:
        g = phrasing.GRAMMAR[kind]
        assert len(g.statements) >= 3
        verbs = {v.split()[0] for v in g.verbs if not v.startswith("{")}
        for st in g.statements:
            assert st.split()[0] not in verbs, (kind, st)
            assert st.replace("{the}", "the ") in phrasing.forms(kind)
        rng = random.Random(f"statements:{kind}")
        bare = {st.replace("{the}", a) for st in g.statements for a in phrasing.ARTICLES}
        drawn = [phrasing.sample(kind, rng) for _ in range(2000)]
        assert 0.03 < sum(any(d.startswith(b) for b in bare) for d in drawn) / len(drawn) < 0.2


GOALS = {  # kind -> (subject, place, fill) in HOUSE, Ada asked by Wren
    "go": (None, "kitchen", {"room": "kitchen"}), "come": (None, "hall", {}), "follow": (None, "wren", {}),
    "take": ("lamp", None, {"thing": "brass lamp"}), "drop": ("lamp", None, {"thing": "lamp"}),
    "give": ("lamp", "wren", {"thing": "brass lamp"}),
    "bring": ("lamp", "kitchen", {"thing": "lamp", "room": "kitchen"}),
    "put": ("coin", "box", {"thing": "gold coin", "place": "wooden box", "prep": "into"}),
    "open": ("box", None, {"thing": "wooden box"}), "close": ("box", None, {"thing": "box"}),
    "unlock": ("trapdoor", None, {"thing": "cellar door"}), "lock": ("trapdoor", None, {"thing": "trapdoor"}),
    "turn_on": ("lamp", None, {"thing": "brass lamp"}), "turn_off": ("lamp", None, {"thing": "lamp"}),
    "eat": ("apple", None, {"thing": "red apple"}),
}


@pytest.mark.parametrize("kind", GENERATED_KINDS)
def test_the_engine_reads_a_training_form_as_its_goal_or_not_at_all(kind):
    """The engine's grammar is smaller than the training grammar (the model reads the rest):
    a form it understands must mean the goal the words were written for."""
    env = LanternEnv(world_from_dict(HOUSE, "<house>"))
    ent = lambda ident: env.world.entity(ident).index if ident else None  # noqa: E731
    subject, place, fill = GOALS[kind]
    goal = RequestGoal(kind, ent("ada"), ent(subject), ent(place))
    forms = sorted(phrasing.forms(kind))
    read = [understand(env.parser, f.format(**fill), ent("ada"), ent("wren")) for f in forms[::7]]
    assert [f for f, g in zip(forms[::7], read) if g not in (None, goal)] == []
    assert sum(g == goal for g in read) >= 10  # plain forms stay understood


def test_names_may_use_the_things_adjectives_in_training_only():
    data = copy.deepcopy(HOUSE)
    next(i for i in data["items"] if i["id"] == "lamp")["adjectives"] = ["shiny"]
    env = LanternEnv(world_from_dict(data, "<house>"))
    env.reset(seed=0)
    said = {split: " ".join(r.words.lower() for seed in range(40)
                            for r in generate_requests(env, "ada", seed, split=split) if r.kind == "take")
            for split in (TRAIN, HELD_OUT)}
    assert "shiny lamp" in said[TRAIN] and "shiny lamp" not in said[HELD_OUT]
    assert understand(env.parser, "take the shiny lamp", env.world.entity("ada").index,
                      env.world.entity("wren").index) == RequestGoal("take", env.world.entity("ada").index,
                                                                    env.world.entity("lamp").index)


def test_every_split_is_deterministic_and_draws_the_same_goals():
    env = LanternEnv(generate(1, 1000003, companion=True))
    env.reset(seed=0)
    by_split = {s: generate_requests(env, "ada", 5, split=s, per_kind=2) for s in SPLITS}
    for split, reqs in by_split.items():
        assert reqs == generate_requests(env, "ada", 5, split=split, per_kind=2)
    goals = {s: [(r.kind, r.goal) for r in reqs] for s, reqs in by_split.items()}
    assert goals[TRAIN] == goals[HELD_OUT] == goals[HELD_OUT_2]


def test_the_held_out_words_are_as_they_were():
    # Measurements before and after the training grammar grew compare on these very words.
    words = []
    for world_seed in range(1000000, 1000004):
        env = LanternEnv(generate(1, world_seed, companion=True))
        env.reset(seed=0)
        for seed in range(5):
            words += [r.words for r in generate_requests(env, "ada", seed, split=HELD_OUT, per_kind=2)]
    assert len(words) == 100
    assert hashlib.sha256("\n".join(words).encode()).hexdigest()[:16] == "a506e63bda2f93a3"


def test_training_words_the_engine_cannot_read_still_carry_their_goal_to_the_npc():
    env = LanternEnv(generate(1, 1000002, companion=True))
    env.reset(seed=0)
    ada, player = env.world.entity("ada").index, env.world.player
    unread = [r for seed in range(30) for r in generate_requests(env, "ada", seed)
              if understand(env.parser, r.words, ada, player) is None]
    assert len({r.kind for r in unread}) >= 5
    for req in unread[:10]:
        env.reset(seed=0)
        env.request("ada", req.words, req.goal)
        told = env.requests[ada]
        assert (told.words, told.goal, told.state) == (req.words, req.goal, "pending")
        for command in req.plan:
            env.step(command, actor="ada")
        assert req.goal.met(env.world)
