"""Training phrasings of requests: a small compositional grammar per request kind.

A training phrasing is a template (slots ``{thing}``, ``{room}``, ``{place}``,
``{prep}``, filled by ``game.request_gen``) composed of:

- a body: a verb phrase ('grab {the}{thing}', 'carry {the}{thing} to {the}{room}'), a
  fronted object ('{the}{thing}: take it'), a terse form ('{thing} -> {room}') or a
  statement of what the player wants to hold ('{the}{thing} should be in {the}{room}'),
  not an order at all;
- for verb phrases, a head: nothing, politeness ('please', 'kindly') or a frame
  ('I need you to', 'could you', 'you should', 'how about you', 'go and');
- a tail: nothing, politeness (' please', ', thanks'), urgency (' now') or a mark ('?');
- an article or none in every ``{the}``.

``forms(kind)`` lists every template the grammar makes; ``sample(kind, rng)`` draws one
(plain imperatives most often, as players type them). The held-out phrasings in
``game.request_gen`` are written apart from this grammar and never produced by it:
tests enumerate ``forms`` and check that.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

ARTICLES = ("the ", "")
HEADS = ("", "please ", "could you ", "can you ", "would you ", "will you ", "kindly ", "now, ", "quick, ",
         "hey, ", "ok, ", "right, ", "I need you to ", "I'd like you to ", "you should ", "how about you ",
         "go and ", "try to ", "do me a favour and ", "you can ", "be a dear and ", "your job: ", "next, ",
         "first, ", "listen, ", "remember to ", "don't forget to ", "time to ", "see if you can ")
TAILS = ("", " please", " now", " thanks", ", thank you", ", quickly", " for me", " right away", ", ok?", "?",
         "!", " if you can", " asap", ", cheers", " when you get a chance", " before anything else",
         ", would you", ", will you?", " straight away", " on the double", ", go on", " if that's ok")
MOVING = frozenset({"go", "come", "follow"})  # 'go and go to the kitchen' is no request
P_PLAIN_HEAD, P_PLAIN_TAIL, P_THE = 0.35, 0.45, 0.75
P_FRONTED, P_TERSE, P_STATEMENT = 0.1, 0.1, 0.1


@dataclass(frozen=True, slots=True)
class KindGrammar:
    """The bodies of one request kind's training phrasings.

    Attributes:
        verbs: verb phrases; every head and tail may go with them.
        fronted: verb phrases about 'it', said after the thing ('{the}{thing}: grab it').
        terse: forms complete in themselves; they take tails, no heads.
        statements: what should hold, or what the player needs, said as a statement rather
            than an order ('{the}{thing} should be open'); they take tails, no heads.
        topic: the slot a fronted phrase is about.
    """

    verbs: tuple[str, ...]
    fronted: tuple[str, ...] = ()
    terse: tuple[str, ...] = ()
    topic: str = "{thing}"
    statements: tuple[str, ...] = ()

    def fronted_forms(self) -> tuple[str, ...]:
        """The fronted bodies in full ('{the}{thing}: grab it')."""
        return tuple(f"{{the}}{self.topic}: {f}" for f in self.fronted)


GRAMMAR: dict[str, KindGrammar] = {
    "go": KindGrammar(
        ("go to {the}{room}", "head to {the}{room}", "walk to {the}{room}", "go over to {the}{room}",
         "move to {the}{room}", "run to {the}{room}", "head for {the}{room}", "head over to {the}{room}",
         "hurry to {the}{room}", "go into {the}{room}", "pop over to {the}{room}", "nip to {the}{room}",
         "wander over to {the}{room}", "jog to {the}{room}", "travel to {the}{room}", "proceed to {the}{room}",
         "go back to {the}{room}", "return to {the}{room}", "visit {the}{room}", "enter {the}{room}",
         "step into {the}{room}", "go on to {the}{room}"),
        ("go there", "head there", "get going there"),
        ("{the}{room}, go there", "to {the}{room}", "off to {the}{room}", "{room}, now", "-> {room}"),
        "{room}",
        statements=("your place is in {the}{room}", "{the}{room} is where you should be", "you're wanted in {the}{room}", "{the}{room} is calling you", "be in {the}{room}", "I'd rather you were in {the}{room}")),
    "come": KindGrammar(
        ("come here", "come to me", "come over here", "join me", "come back to me", "come back here",
         "come over", "come to where I am", "return to me", "come see me", "head back to me",
         "walk over to me", "come to my side", "meet me here", "come on over", "come back"),
        (),
        ("over here", "here, now", "to me", "I'm over here, come"),
        statements=("I could use you here", "you should be here with me", "I want you beside me", "be where I am", "your place is here with me")),
    "follow": KindGrammar(
        ("follow me", "come with me", "stay with me", "follow along", "walk with me", "come along",
         "follow behind me", "keep up with me", "go where I go", "shadow me", "stay at my side",
         "follow me around", "walk behind me", "come along with me"),
        (),
        ("with me", "after me", "behind me"),
        statements=("I lead and you trail me", "don't leave my side", "you're with me", "I want you two steps behind me")),
    "take": KindGrammar(
        ("take {the}{thing}", "pick up {the}{thing}", "grab {the}{thing}", "get {the}{thing}",
         "collect {the}{thing}", "pick {the}{thing} up", "snatch {the}{thing}", "pocket {the}{thing}",
         "scoop up {the}{thing}", "nab {the}{thing}", "obtain {the}{thing}", "go get {the}{thing}",
         "go grab {the}{thing}", "pick {the}{thing} up off the floor", "take {the}{thing} with you",
         "grab hold of {the}{thing}", "carry {the}{thing}"),
        ("grab it", "take it", "get it", "pocket it", "collect it"),
        ("{thing}, grab it", "grab {thing}!", "{the}{thing}, take it"),
        statements=("you should have {the}{thing}", "I want you holding {the}{thing}", "{the}{thing} is yours to keep", "you'll need {the}{thing}", "{the}{thing} should be in your pack")),
    "drop": KindGrammar(
        ("drop {the}{thing}", "put down {the}{thing}", "put {the}{thing} down", "set down {the}{thing}",
         "set {the}{thing} down", "drop {the}{thing} on the floor", "put {the}{thing} on the ground",
         "drop {the}{thing} here", "discard {the}{thing}", "dump {the}{thing}", "lay down {the}{thing}",
         "place {the}{thing} on the floor", "toss {the}{thing} down", "stop holding {the}{thing}",
         "drop {the}{thing} where you are"),
        ("drop it", "put it down", "set it down", "dump it"),
        ("{thing} down", "{the}{thing} on the floor", "down with {the}{thing}"),
        statements=("you don't need {the}{thing}", "{the}{thing} should be on the floor", "no more {the}{thing} for you", "you can do without {the}{thing}", "{the}{thing} stays here")),
    "give": KindGrammar(
        ("give me {the}{thing}", "give {the}{thing} to me", "hand me {the}{thing}", "pass me {the}{thing}",
         "bring me {the}{thing}", "fetch me {the}{thing}", "get me {the}{thing}", "pass {the}{thing} to me",
         "bring {the}{thing} to me", "hand {the}{thing} to me", "toss me {the}{thing}",
         "bring {the}{thing} here", "fetch {the}{thing} for me", "give {the}{thing} to me now",
         "take {the}{thing} to me", "send {the}{thing} my way", "bring {the}{thing} back to me",
         "deliver {the}{thing} to me"),
        ("give it to me", "bring it to me", "hand it to me", "pass it here", "bring it here"),
        ("{thing} -> me", "{the}{thing} to me", "{thing} here", "{the}{thing}, to me"),
        statements=("I need {the}{thing}", "{the}{thing} is mine", "I should have {the}{thing}", "my hands need {the}{thing}", "{the}{thing} should be with me")),
    "bring": KindGrammar(
        ("bring {the}{thing} to {the}{room}", "take {the}{thing} to {the}{room}",
         "carry {the}{thing} to {the}{room}", "fetch {the}{thing} to {the}{room}",
         "haul {the}{thing} to {the}{room}", "lug {the}{thing} to {the}{room}",
         "deliver {the}{thing} to {the}{room}", "carry {the}{thing} into {the}{room}",
         "take {the}{thing} along to {the}{room}", "bring {the}{thing} into {the}{room}",
         "drop {the}{thing} off in {the}{room}", "transport {the}{thing} to {the}{room}",
         "walk {the}{thing} to {the}{room}",
         "pick up {the}{thing} and take it to {the}{room}", "grab {the}{thing} and bring it to {the}{room}"),
        ("bring it to {the}{room}", "take it to {the}{room}", "carry it to {the}{room}"),
        ("{the}{thing} to {the}{room}, please", "{thing} -> {room}", "{the}{thing} to {the}{room}",
         "{thing} to {room}", "{the}{thing}, {the}{room}"),
        statements=("{the}{thing} should be in {the}{room}", "{the}{thing} needs to go to {the}{room}", "{the}{room} needs {the}{thing}", "{the}{thing}'s place is {the}{room}", "{the}{room} is where {the}{thing} should be")),
    "put": KindGrammar(
        ("put {the}{thing} {prep} {the}{place}", "place {the}{thing} {prep} {the}{place}",
         "set {the}{thing} {prep} {the}{place}", "stow {the}{thing} {prep} {the}{place}",
         "pop {the}{thing} {prep} {the}{place}", "stick {the}{thing} {prep} {the}{place}",
         "stash {the}{thing} {prep} {the}{place}", "drop {the}{thing} {prep} {the}{place}",
         "lay {the}{thing} {prep} {the}{place}", "store {the}{thing} {prep} {the}{place}",
         "pick up {the}{thing} and put it {prep} {the}{place}", "slide {the}{thing} {prep} {the}{place}"),
        ("put it {prep} {the}{place}", "place it {prep} {the}{place}", "stow it {prep} {the}{place}"),
        ("{thing} {prep} {place}", "{thing} -> {place}", "{the}{thing} {prep} {the}{place}, please"),
        statements=("{the}{thing} should be {prep} {the}{place}", "{the}{thing} needs to go {prep} {the}{place}", "{the}{thing}'s place is {prep} {the}{place}", "{the}{place} should hold {the}{thing}")),
    "open": KindGrammar(
        ("open {the}{thing}", "get {the}{thing} open", "pull {the}{thing} open", "open up {the}{thing}",
         "push {the}{thing} open", "pry {the}{thing} open", "open {the}{thing} up", "crack {the}{thing} open",
         "open {the}{thing} wide"),
        ("open it", "open it up", "pull it open"),
        ("{thing}: open", "open {thing}!", "{the}{thing} open, please"),
        statements=("{the}{thing} should be open", "{the}{thing} needs opening", "{the}{thing} is shut and shouldn't be")),
    "close": KindGrammar(
        ("close {the}{thing}", "shut {the}{thing}", "close up {the}{thing}", "push {the}{thing} shut",
         "pull {the}{thing} shut", "slam {the}{thing} shut", "shut {the}{thing} tight", "close {the}{thing} up",
         "shut {the}{thing} again", "close {the}{thing} again"),
        ("close it", "shut it", "push it shut"),
        ("{thing}: shut", "close {thing}!", "{the}{thing} shut, please"),
        statements=("{the}{thing} should be shut", "{the}{thing} needs shutting", "{the}{thing} is open and shouldn't be")),
    "unlock": KindGrammar(
        ("unlock {the}{thing}", "unlock {the}{thing} with its key", "use the key to unlock {the}{thing}",
         "unlock {the}{thing} using its key", "take the key and unlock {the}{thing}", "unbolt {the}{thing}",
         "unlock {the}{thing} with the key", "find the key and unlock {the}{thing}"),
        ("unlock it", "unlock it with its key"),
        ("{thing}: unlock", "unlock {thing}!"),
        statements=("{the}{thing} needs unlocking", "the lock on {the}{thing} has to come off", "{the}{thing} shouldn't stay bolted")),
    "lock": KindGrammar(
        ("lock {the}{thing}", "lock up {the}{thing}", "lock {the}{thing} with its key",
         "lock {the}{thing} using its key", "use the key to lock {the}{thing}", "bolt {the}{thing}",
         "lock {the}{thing} up", "take the key and lock {the}{thing}"),
        ("lock it", "lock it up"),
        ("{thing}: lock", "lock {thing}!"),
        statements=("{the}{thing} needs locking", "{the}{thing} has to be bolted", "nobody should get through {the}{thing}")),
    "turn_on": KindGrammar(
        ("turn on {the}{thing}", "switch on {the}{thing}", "light {the}{thing}", "turn {the}{thing} on",
         "switch {the}{thing} on", "light up {the}{thing}", "ignite {the}{thing}", "flick on {the}{thing}",
         "flip on {the}{thing}", "power on {the}{thing}", "flick {the}{thing} on"),
        ("turn it on", "switch it on", "light it"),
        ("{thing} on", "{the}{thing} on, please", "light {thing}!"),
        statements=("{the}{thing} should be on", "we need light from {the}{thing}", "{the}{thing} is dark and shouldn't be")),
    "turn_off": KindGrammar(
        ("turn off {the}{thing}", "switch off {the}{thing}", "put out {the}{thing}", "turn {the}{thing} off",
         "switch {the}{thing} off", "extinguish {the}{thing}", "blow out {the}{thing}",
         "flick off {the}{thing}", "shut off {the}{thing}", "power off {the}{thing}",
         "put {the}{thing} out"),
        ("turn it off", "switch it off", "put it out"),
        ("{thing} off", "{the}{thing} off, please", "lights out: {thing}"),
        statements=("{the}{thing} should be off", "{the}{thing} needs switching off", "{the}{thing} is on and shouldn't be")),
    "eat": KindGrammar(
        ("eat {the}{thing}", "have {the}{thing}", "munch {the}{thing}", "eat up {the}{thing}",
         "devour {the}{thing}", "gobble up {the}{thing}", "scoff {the}{thing}", "consume {the}{thing}",
         "snack on {the}{thing}", "chow down on {the}{thing}", "eat {the}{thing} up", "wolf down {the}{thing}"),
        ("eat it", "eat it up", "munch it"),
        ("{thing}: eat it", "eat {thing}!", "{the}{thing}, eat up"),
        statements=("{the}{thing} is your dinner", "you must be hungry: {the}{thing}", "{the}{thing} is for you to eat")),
}


def heads(kind: str) -> tuple[str, ...]:
    """The heads a verb phrase of ``kind`` may take (the first is none)."""
    return tuple(h for h in HEADS if not (kind in MOVING and h == "go and "))


def _compose(head: str, body: str, tail: str, article: str) -> str:
    """One template; a tail that repeats the head's word ('now, ... now') is dropped."""
    if tail and head and tail.strip(" ,?!").lower() == head.strip(" ,").lower():
        tail = ""
    return head + body.replace("{the}", article) + tail


@cache
def forms(kind: str) -> frozenset[str]:
    """Every training template of ``kind`` the grammar makes."""
    g = GRAMMAR[kind]
    fronted = g.fronted_forms()
    out = set()
    for article in ARTICLES:
        for tail in TAILS:
            out.update(_compose(h, v, tail, article) for h in heads(kind) for v in g.verbs)
            out.update(_compose("", b, tail, article) for b in fronted + g.terse + g.statements)
    return frozenset(out)


def sample(kind: str, rng: random.Random) -> str:
    """One training template of ``kind``, drawn with ``rng``: one of ``forms(kind)``."""
    g = GRAMMAR[kind]
    shape = rng.random()
    article = ARTICLES[0] if rng.random() < P_THE else ARTICLES[1]
    head = ""
    if g.fronted and shape < P_FRONTED:
        body = rng.choice(g.fronted_forms())
    elif g.terse and shape < P_FRONTED + P_TERSE:
        body = rng.choice(g.terse)
    elif g.statements and shape < P_FRONTED + P_TERSE + P_STATEMENT:
        body = rng.choice(g.statements)
    else:
        body = rng.choice(g.verbs)
        head = "" if rng.random() < P_PLAIN_HEAD else rng.choice(heads(kind)[1:])
    tail = "" if rng.random() < P_PLAIN_TAIL else rng.choice(TAILS[1:])
    return _compose(head, body, tail, article)
