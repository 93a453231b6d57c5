"""The parser's words: verb phrases, grammar word tables, and each world's Lexicon.

Everything here is data or a pure function of words; ``game.parser`` does the
parsing. The tables are module constants (built once at import); a world's own
words (its entities' names, adjectives and synonyms, their plurals and the typos
they may be misspelt as) are a ``Lexicon``, built once per set of names and shared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from game.reactions import REACTIONS
from game.world import DIRECTION_ABBREVIATIONS, DIRECTIONS

# Verb phrases (first words of a command) -> verb. Longest match wins.
VERB_PHRASES: dict[tuple[str, ...], str] = {}
for _verb, _phrases in {
    "go": ["go", "walk", "run", "head", "travel", "go to the", "go to",
           "go through", "walk through", "go into", "step"],
    "look": ["look", "l", "look around"],
    "inventory": ["inventory", "i", "inv", "take inventory"],
    "wait": ["wait", "z"],
    "again": ["again", "g", "repeat"],
    "examine": ["examine", "x", "look at", "inspect", "check", "describe", "look in",
                "look inside", "study", "view", "look on", "l at", "look closely at", "watch"],
    "read": ["read", "peruse"],
    "take": ["take", "get", "pick up", "pick", "grab", "collect", "lift", "snatch", "carry"],
    "drop": ["drop", "put down", "discard", "throw away", "leave", "set down"],
    "put": ["put", "place", "insert", "set", "stash", "stow", "store", "hang", "lay", "hide"],
    "open": ["open", "unclose"],
    "close": ["close", "shut", "slam"],
    "lock": ["lock"],
    "unlock": ["unlock"],
    "eat": ["eat", "consume", "devour", "munch", "nibble", "swallow"],
    "taste": ["taste", "lick"],  # a sense, never eating (a taste of the toadstool is no meal)
    "turn_on": ["turn on", "switch on", "light", "ignite", "activate", "power on", "kindle"],
    "turn_off": ["turn off", "switch off", "extinguish", "douse", "deactivate", "power off",
                 "snuff", "blow out", "put out"],
    "turn": ["turn", "switch", "flip", "power", "rotate", "adjust", "spin", "twist", "tune"],
    "wear": ["wear", "don", "put on", "try on", "slip on", "dress in", "pull on"],
    "take_off": ["take off", "doff", "remove", "slip off", "strip off"],
    "board": ["get in", "get into", "get on", "get onto", "get inside", "sit on", "sit in", "sit",
              "sit down on", "sit down in", "lie on", "lie in", "lie down on", "lie down in",
              "stand on", "board", "mount", "climb in", "climb into", "hop in", "hop on", "hop into",
              "step on", "step onto", "step into", "ride", "get aboard", "embark"],
    "unboard": ["get off", "get up", "stand up", "stand", "get out of", "climb out", "climb out of",
                "climb off", "dismount", "disembark", "get down from", "step off", "step out of",
                "hop off", "hop out", "jump off", "get up from"],
    "consult": ["look up", "consult", "read about", "look it up"],
    "talk": ["talk to", "talk with", "speak to", "speak with", "chat with", "converse with", "greet",
             "say hello to", "say hi to", "say", "answer", "reply", "shout", "yell", "talk", "speak",
             "hello", "hi", "yes", "no"],
    "give": ["give", "hand", "offer", "pass", "present"],
    "tell": ["tell", "ask", "order", "command"],
    "enter": ["enter"],
    "exit": ["exit", "leave the room", "get out", "go out"],
    **{_verb: list(_r.phrases) for _verb, _r in REACTIONS.items()},
}.items():
    for _p in _phrases:
        VERB_PHRASES[tuple(_p.split())] = _verb

MOVE_VERBS = frozenset({"go", "enter", "exit"})  # the verbs that walk the actor somewhere
# Requests with no verb the parser knows, said to another actor ('Ada, follow me'; see
# game/requests.py). Said to no one, a stop phrase goes to the only other actor there is.
STOP_PHRASES = frozenset({("stop",), ("never", "mind"), ("nevermind",), ("cancel",), ("cancel", "that"),
                          ("forget", "it"), ("forget", "that"), ("stop", "that"), ("stop", "it"), ("halt",)})
COME_PHRASES = frozenset({("come",), ("come", "here"), ("come", "to", "me"), ("come", "back"),
                          ("come", "over", "here"), ("over", "here"), ("join", "me")})
FOLLOW_PHRASES = frozenset({("follow", "me"), ("follow",), ("come", "with", "me"), ("stay", "with", "me"),
                            ("stick", "with", "me"), ("keep", "up")})
WAIT_PHRASES = frozenset({("wait", "here"), ("stay",), ("stay", "here"), ("stay", "put"),
                          ("hold", "on"), ("wait", "for", "me"), ("stay", "there"), ("wait", "there")})
# First words of a request the parser has no verb for ('Ada, bring me the lamp').
REQUEST_WORDS = frozenset(p[0] for p in STOP_PHRASES | COME_PHRASES | FOLLOW_PHRASES | WAIT_PHRASES) \
    | {"bring", "fetch"}

# Whole commands that mean something else when nothing follows the verb.
ALONE: dict[tuple[str, ...], str] = {("leave",): "exit", ("get", "in"): "enter", ("inside",): "enter",
                                     ("outside",): "exit"}
for _verb, _lines in {
    "look": ["where am i", "where am i now", "where are we", "take a look", "have a look",
             "look about", "look around me", "what is here", "what can i see", "describe room"],
    "inventory": ["what am i carrying", "what am i holding", "what do i have", "what have i got",
                  "check inventory", "show inventory", "list inventory", "what do i carry",
                  "check my inventory", "look at inventory", "my inventory", "invent"],
    "exits": ["exits", "list exits", "show exits", "where can i go", "which way", "what exits",
              "which exits", "ways out", "exit list"],
}.items():
    for _line in _lines:
        ALONE[tuple(_line.split())] = _verb

# Words that name a direction after 'go' (besides the directions and n/s/e/w/...).
DIRECTION_WORDS = {**{d: d for d in DIRECTIONS}, **DIRECTION_ABBREVIATIONS,
                   "inside": "in", "outside": "out", "upstairs": "up", "downstairs": "down",
                   "northward": "north", "southward": "south", "eastward": "east",
                   "westward": "west", "upward": "up", "downward": "down"}

ARTICLES = frozenset({"the", "a", "an", "some", "my", "your", "his", "her", "its", "their", "this",
                      "that", "these", "those", "any"})
INDEFINITE = frozenset({"a", "an", "any", "some"})  # "take a key": any key will do
PREPOSITIONS = {
    "put": ("in", "into", "inside", "on", "onto", "upon", "in to", "on to", "under", "underneath",
            "beneath", "behind", "below", "next to", "beside", "near", "against"),
    "drop": ("in", "into", "inside", "on", "onto", "upon", "in to", "on to"),
    "take": ("from", "off", "out of", "out"),
    "unlock": ("with", "using"), "lock": ("with", "using"), "open": ("with", "using"),
    "give": ("to",),
}
PREP_WORDS = frozenset(w for preps in PREPOSITIONS.values() for p in preps for w in p.split())
ON_SIDE = frozenset({"on", "onto", "upon", "on to"})
# 'put X under Y': a place the game has no room for (only in and on hold things).
ASIDE = frozenset({"under", "underneath", "beneath", "behind", "below", "next to", "beside", "near", "against"})
# Verbs for switches, dials, clothes, enterables and reference books (see _device).
SET_WORDS = frozenset({"to", "at"})
DEVICE_VERBS = frozenset({"wear", "take_off", "board", "unboard", "consult"})
NUMBER_WORDS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}
ALL_WORDS = frozenset({"all", "everything", "every", "each", "both"})
EXCEPT_WORDS = frozenset({"but", "except", "apart", "excluding", "besides", "other", "than"})
LIST_WORDS = frozenset({"and", "or", ","})
PRONOUNS = frozenset({"it", "them"})
PERSON_PRONOUNS = frozenset({"him", "her"})
SELF_WORDS = frozenset({"me", "myself", "self", "yourself"})
PEOPLE_WORDS = PERSON_PRONOUNS | SELF_WORDS
PUNCTUATION = frozenset({",", ".", ";", "!", "?"})
# Politeness and connectives dropped from the start of a command ("please take lamp").
LEADING = frozenset({"please", "kindly", "then", "now", "and", "just", "ok", "okay"}) | PUNCTUATION
# Words that say nothing about where to go ("go to the kitchen", "walk towards north").
GO_FILLER = frozenset({"to", "towards", "toward", "through", "go", "please", "now", "room", ","})
SENTENCE_BREAKS = frozenset({".", ";", "!", "?", "then"})
FILLER = frozenset({"please", "now", "then", "and", "from", "for", "with", "using", "to", "of",
                    "out", "off", "up", "down", "on", "in", "into", "onto", "inside", "upon",
                    "around", "at", "away", "room", "thing", "things", "one", "ones", "single",
                    "that", "which", "is", "under", "behind", "through", "towards", "toward",
                    "kindly", "just", ","})
# Verbs that take a list of objects ("take the lamp and the key", "drop all").
MULTI_VERBS = frozenset({"take", "drop", "put_in", "put_on"})
FLOOR_WORDS = frozenset({"floor", "ground"})  # "put the lamp on the floor" is dropping it
HERE_WORDS = frozenset({"here", "surroundings", "room", "around"})  # "look at the room" is look
KNOWN_WORDS = (frozenset(w for phrase in [*VERB_PHRASES, *ALONE] for w in phrase) | ARTICLES | ALL_WORDS
               | EXCEPT_WORDS | LIST_WORDS | PRONOUNS | PERSON_PRONOUNS | SELF_WORDS | FILLER
               | LEADING | FLOOR_WORDS | HERE_WORDS | frozenset(DIRECTION_WORDS))
# Known words worth offering for a typo (not grammar words like 'the' or 'ones').
SUGGESTIBLE = KNOWN_WORDS - ARTICLES - FILLER - LEADING - EXCEPT_WORDS
KNOWN_WORDS |= PREP_WORDS  # 'put the apple beside the basket' (never offered for a typo)
# Numbers a dial may be set to ('twelve', '12'): known words, but never offered for a typo.
DIAL_FILLER = frozenset({"position", "setting", "number", "o", "clock", "oclock", "notch", "mark"})
KNOWN_WORDS |= frozenset(NUMBER_WORDS) | frozenset(NUMBER_WORDS.values()) | DIAL_FILLER
IRREGULAR_PLURALS = {"knife": "knives", "leaf": "leaves", "loaf": "loaves", "shelf": "shelves",
                     "scarf": "scarves", "wolf": "wolves", "half": "halves",
                     "die": "dice", "mouse": "mice", "tooth": "teeth", "foot": "feet",
                     "goose": "geese", "man": "men", "woman": "women", "person": "people",
                     "child": "children"}

# Letters and digits of any alphabet (so 'café' is named back whole), and the
# punctuation that separates list items and sentences.
_TOKEN = re.compile(r"[^\W_]+|[,.;!?]")


def tokens_of(text: str) -> list[str]:
    """Lower-case words (any alphabet) and the punctuation marks , . ; ! ?"""
    return _TOKEN.findall(text.lower())


def name_tokens(name: str) -> list[str]:
    """The words of a name ('Mr. Smith' -> ['mr', 'smith'])."""
    return [w for w in tokens_of(name) if w not in PUNCTUATION]


def deletions(word: str) -> list[str]:
    """The word less one letter, each way ('take' -> 'ake', 'tke', 'tae', 'tak')."""
    return [word[:i] + word[i + 1:] for i in range(len(word))]


def plural_of(word: str) -> str:
    """The English plural of a noun: 'key' -> 'keys', 'box' -> 'boxes', 'berry' -> 'berries'."""
    if word in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[word]
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        return word[:-1] + "ies"
    return word + "s"


def content_words(words: list[str]) -> list[str]:
    """The words that can name something (no articles, prepositions or filler)."""
    return [w for w in words if w not in ARTICLES and w not in FILLER and w not in LIST_WORDS
            and w not in PUNCTUATION]


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The words of one world's entities, built once and shared by every Parser of it.

    Attributes:
        words: per entity, every word that can name it (name, adjectives, synonyms).
        name_words: per entity, the content words of its name (to prefer exact names).
        singular: plural form -> the entity word it is the plural of.
        entity_words: every word of every entity.
        vocabulary: every word the parser knows (verbs, grammar, entity words, plurals).
        near: a word, or the word less one letter -> known words it may be a typo of.
    """

    words: tuple[frozenset[str], ...]
    name_words: tuple[list[str], ...]
    singular: dict[str, str]
    entity_words: frozenset[str]
    vocabulary: frozenset[str]
    near: dict[str, tuple[str, ...]]


@lru_cache(maxsize=64)
def lexicon_of(names: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...],
               scenery: frozenset[str] = frozenset()) -> Lexicon:
    """The Lexicon for entities given as (name, adjectives, synonyms) and the words of the rooms'
    scenery; cached, so clones are cheap."""
    # Names go through the same tokeniser as commands, so any name round-trips.
    words = tuple(frozenset(name_tokens(name)) | frozenset(adjectives) | frozenset(synonyms)
                  for name, adjectives, synonyms in names)
    entity_words = frozenset(w for ws in words for w in ws)
    singular = {plural_of(w): w for w in entity_words if plural_of(w) not in entity_words}
    near = dict(_known_near())
    for key, found in _near((entity_words | scenery) - SUGGESTIBLE).items():
        near[key] = tuple(sorted(near.get(key, ()) + found))
    return Lexicon(words, tuple(content_words(name_tokens(name)) for name, _, _ in names), singular,
                   entity_words, KNOWN_WORDS | entity_words | frozenset(singular) | scenery, near)


def _near(words: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """Each word of three letters or more, and each of its deletions -> the words it may be a typo
    of (sorted)."""
    near: dict[str, list[str]] = {}
    for w in sorted(words):
        if len(w) >= 3:
            for key in {w, *deletions(w)}:
                near.setdefault(key, []).append(w)
    return {k: tuple(v) for k, v in near.items()}


@lru_cache(maxsize=1)
def _known_near() -> dict[str, tuple[str, ...]]:
    """``_near`` of the words every world knows (built once: most of a new world's near-map)."""
    return _near(SUGGESTIBLE)
