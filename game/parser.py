"""English command -> Command(s), or a reply saying why not.

The parser never changes the world. It knows the world's vocabulary (every word
of every entity's name, adjectives and synonyms) and the verb phrases below, and
resolves noun phrases against what the actor can reach. Ambiguity becomes a
question whose answer the next command may give.
"""

from __future__ import annotations

from dataclasses import dataclass

from game.commands import Command
from game.narration import join_words, the
from game.world import ACTOR, DIRECTION_ABBREVIATIONS, DIRECTIONS, LIT, LOCKED, OPEN, World, words_of

MAX_WORDS = 60

# Verb phrases (first words of a command) -> verb. Longest match wins.
VERB_PHRASES: dict[tuple[str, ...], str] = {}
for _verb, _phrases in {
    "go": ["go", "walk", "run", "head", "move", "travel", "climb", "go to the", "go to"],
    "look": ["look", "l", "look around"],
    "inventory": ["inventory", "i", "inv", "take inventory"],
    "wait": ["wait", "z"],
    "again": ["again", "g"],
    "examine": ["examine", "x", "look at", "inspect", "check", "describe", "look in",
                "look inside", "search", "study", "view", "look on"],
    "read": ["read", "peruse"],
    "take": ["take", "get", "pick up", "pick", "grab", "collect", "lift", "snatch", "carry", "remove"],
    "drop": ["drop", "put down", "discard", "throw away", "throw", "leave"],
    "put": ["put", "place", "insert", "set", "stash", "stow", "store", "hang", "lay"],
    "open": ["open", "unclose"],
    "close": ["close", "shut", "slam"],
    "lock": ["lock"],
    "unlock": ["unlock"],
    "eat": ["eat", "consume", "devour", "munch", "nibble", "swallow", "taste"],
    "turn_on": ["turn on", "switch on", "light", "ignite", "activate", "power on", "kindle"],
    "turn_off": ["turn off", "switch off", "extinguish", "douse", "deactivate", "power off",
                 "snuff", "blow out"],
    "turn": ["turn", "switch", "flip", "power"],
    "give": ["give", "hand", "offer", "pass", "present"],
    "tell": ["tell", "ask", "order", "command"],
    "enter": ["enter"],
    "exit": ["exit", "leave the room", "get out"],
}.items():
    for _p in _phrases:
        VERB_PHRASES[tuple(_p.split())] = _verb

ARTICLES = frozenset({"the", "a", "an", "some", "my", "your", "his", "her", "its", "their", "this", "that"})
PREPOSITIONS = {
    "put": ("in", "into", "inside", "on", "onto", "upon", "in to", "on to"),
    "take": ("from", "off", "out of", "out"),
    "unlock": ("with", "using"), "lock": ("with", "using"), "open": ("with", "using"),
    "give": ("to",),
}
ALL_WORDS = frozenset({"all", "everything", "every", "each"})
EXCEPT_WORDS = frozenset({"but", "except", "apart", "excluding", "besides"})
PRONOUNS = frozenset({"it", "them", "him", "her"})
FILLER = frozenset({"please", "now", "then", "and", "from", "for", "with", "using", "to", "of",
                    "out", "off", "up", "down", "on", "in", "into", "onto", "inside", "upon",
                    "around", "at", "away", "room", "thing", "things", "one", "ones", "single",
                    "that", "which", "is"})
ON_SIDE = frozenset({"on", "onto", "upon", "on to"})
KNOWN_WORDS = (frozenset(w for phrase in VERB_PHRASES for w in phrase) | ARTICLES | ALL_WORDS
               | EXCEPT_WORDS | PRONOUNS | FILLER | frozenset(DIRECTIONS)
               | frozenset(DIRECTION_ABBREVIATIONS) | {"inventory", "exit", "enter"})


PLACEHOLDER = "{}"


@dataclass(slots=True)
class Pending:
    """A question the parser asked, waiting for the next command to answer it.

    The answer is put into ``template`` (the words of the question's command, with
    ``PLACEHOLDER`` where the answer goes) and the result parsed again.

    Attributes:
        question: the text of the question.
        template: the command's words with one ``PLACEHOLDER``.
        candidates: the entities the answer must pick among (empty: any words).
    """

    question: str
    template: tuple[str, ...]
    candidates: tuple[int, ...] = ()


@dataclass(slots=True)
class ParseResult:
    """Commands to run, or a reply (and maybe a question) when there are none.

    ``note`` is a short remark to show before the result, such as "(with the key)".
    """

    commands: tuple[Command, ...] = ()
    reply: str = ""
    pending: Pending | None = None
    note: str = ""


@dataclass(slots=True)
class ParserContext:
    """What the parser remembers about one actor between commands."""

    pending: Pending | None = None
    last_objects: tuple[int, ...] = ()
    last_commands: tuple[Command, ...] = ()


class _Refusal(Exception):
    """Raised inside the parser to stop with a reply."""

    def __init__(self, reply: str) -> None:
        super().__init__(reply)
        self.reply = reply


class _Ambiguous(Exception):
    """A noun phrase (``phrase``, a slice of the typed words) matched several things."""

    def __init__(self, question: str, phrase: list[str], matches: list[int]) -> None:
        super().__init__(question)
        self.question, self.phrase, self.matches = question, phrase, matches


class _Missing(Exception):
    """An object is missing: ask, and put the answer after ``prep``."""

    def __init__(self, question: str, prep: str | None) -> None:
        super().__init__(question)
        self.question, self.prep = question, prep


class Parser:
    """Parses one world's commands. Holds no per-actor state (see ParserContext)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.vocabulary = KNOWN_WORDS | frozenset(w for e in world.entities for w in e.words)

    # -- entry point --------------------------------------------------------------

    def parse(self, text: str, actor: int, context: ParserContext | None = None) -> ParseResult:
        """Parse one line typed by (or for) ``actor``. Never raises, never mutates the world.

        Args:
            text: what was typed.
            actor: entity index of the actor issuing it.
            context: the actor's memory (question pending, pronouns, last command);
                updated in place when given.
        """
        context = context if context is not None else ParserContext()
        words = words_of(text)
        pending, context.pending = context.pending, None
        if pending is not None and words:
            filled = self._fill(words, pending)
            if isinstance(filled, ParseResult):
                context.pending = filled.pending
                return filled
            if filled is not None:
                words = filled
        try:
            result = self._parse(words, actor, context)
        except _Refusal as refusal:
            result = ParseResult(reply=refusal.reply)
        except _Ambiguous as amb:
            at = _find(words, amb.phrase)
            template = tuple(words[:at]) + (PLACEHOLDER,) + tuple(words[at + len(amb.phrase):])
            result = ParseResult(reply=amb.question,
                                 pending=Pending(amb.question, template, tuple(amb.matches)))
        except _Missing as missing:
            template = tuple(words) + ((missing.prep,) if missing.prep else ()) + (PLACEHOLDER,)
            result = ParseResult(reply=missing.question, pending=Pending(missing.question, template))
        context.pending = result.pending
        if result.commands:
            context.last_commands = result.commands
            objs = tuple(c.obj for c in result.commands if c.obj is not None and c.verb != "tell")
            if objs:
                context.last_objects = objs
        return result

    def _fill(self, words: list[str], pending: Pending) -> list[str] | ParseResult | None:
        """The typed words put into a pending question's command, or None if not an answer."""
        content = [w for w in words if w not in ARTICLES]
        if pending.candidates:
            matches = [e for e in pending.candidates
                       if set(content) - FILLER <= self.world.entities[e].words]
            if not matches or not set(content) - FILLER:
                return None
            if len(matches) > 1:
                names = join_words([the(self.world, e) for e in matches]).replace(" and ", " or ")
                question = f"Which do you mean, {names}?"
                return ParseResult(reply=question, pending=Pending(question, pending.template,
                                                                   tuple(matches)))
            answer = words_of(self.world.entities[matches[0]].name)
        else:
            if not content or self._verb(words)[0] is not None:
                return None
            answer = words
        template = list(pending.template)
        at = template.index(PLACEHOLDER)
        prep_words = {w for preps in PREPOSITIONS.values() for p in preps for w in p.split()}
        if answer[0] in prep_words and at > 0 and template[at - 1] in prep_words:
            at -= 1
            del template[at]
        return template[:at] + answer + template[at + 1:]

    def _parse(self, words: list[str], actor: int, context: ParserContext) -> ParseResult:
        if not words:
            raise _Refusal("I beg your pardon?")
        if len(words) > MAX_WORDS:
            raise _Refusal(f"That is too long for me: keep a command under {MAX_WORDS} words.")
        verb, rest = self._verb(words)
        if verb == "tell":
            return self._tell(rest, actor)
        for w in words:
            if w not in self.vocabulary:
                raise _Refusal(f"I don't know the word '{w}'.")
        if verb is None:
            raise _Refusal(f"I don't understand '{' '.join(words)}' as a command. "
                           "Try a verb first, like 'take lamp' or 'go north'.")
        return self._build(verb, rest, actor, context)

    # -- verbs --------------------------------------------------------------------

    @staticmethod
    def _verb(words: list[str]) -> tuple[str | None, list[str]]:
        if words[0] in DIRECTION_ABBREVIATIONS or words[0] in DIRECTIONS:
            return "go", words
        for n in (3, 2, 1):
            head = tuple(words[:n])
            if len(head) == n and head in VERB_PHRASES:
                return VERB_PHRASES[head], words[n:]
        return None, words

    def _build(self, verb: str, rest: list[str], actor: int, context: ParserContext) -> ParseResult:
        if verb == "again":
            if not context.last_commands:
                raise _Refusal("There is nothing to do again.")
            return ParseResult(context.last_commands)
        if verb in ("go", "enter", "exit"):
            return ParseResult((self._go(verb, rest),))
        if verb in ("look", "inventory", "wait"):
            meaningful = [w for w in rest if w not in FILLER and w not in ARTICLES]
            if not meaningful:
                return ParseResult((Command(verb),))
            if verb != "look":
                raise _Refusal(f"'{verb}' needs nothing more; just say '{verb}'.")
            verb = "examine"
        if verb == "turn":
            verb, rest = self._particle_switch(rest)
        if verb in ("take", "drop", "put") and rest and rest[-1] in ("up", "down"):
            if rest[-1] == "down":
                verb = "drop"
            rest = rest[:-1]
        if verb in ("turn_on", "turn_off") and rest and rest[-1] in ("on", "off"):
            rest = rest[:-1]
        return self._with_objects(verb, rest, actor, context)

    @staticmethod
    def _particle_switch(rest: list[str]) -> tuple[str, list[str]]:
        if rest and rest[-1] in ("on", "off"):
            return ("turn_on" if rest[-1] == "on" else "turn_off"), rest[:-1]
        if rest and rest[0] in ("on", "off"):
            return ("turn_on" if rest[0] == "on" else "turn_off"), rest[1:]
        raise _Refusal("Do you want to turn it on or off?")

    @staticmethod
    def _go(verb: str, rest: list[str]) -> Command:
        words = [w for w in rest if w not in ARTICLES and w not in ("to", "towards", "go")]
        if verb == "enter" and not words:
            return Command("go", direction="in")
        if verb == "exit" and not words:
            return Command("go", direction="out")
        if len(words) == 1:
            d = DIRECTION_ABBREVIATIONS.get(words[0], words[0])
            if d in DIRECTIONS:
                return Command("go", direction=d)
        if not words:
            raise _Refusal("Which way do you want to go?")
        raise _Refusal("You can go in a direction: north, south, east, west, northeast, "
                       "northwest, southeast, southwest, up, down, in or out.")

    # -- objects ------------------------------------------------------------------

    def _with_objects(self, verb: str, rest: list[str], actor: int,
                      context: ParserContext) -> ParseResult:
        first, prep, second = _split(rest, PREPOSITIONS.get(verb, ()))
        if verb == "open" and prep:
            verb = "unlock"
        if verb == "put":
            if prep is None:
                if not first:
                    raise _Missing("What do you want to put?", None)
                obj = self._noun(first, actor, context, "put")
                raise _Missing(f"Where do you want to put {the(self.world, obj)}?", "in")
            verb = "put_on" if prep in ON_SIDE else "put_in"
        if verb == "give" and prep is None and first:
            first, second = self._split_give(first, actor)
        if verb in ("take", "drop") and first and first[0] in ALL_WORDS:
            return self._all(verb, first, second, actor, context)
        if not first:
            raise _Missing(f"What do you want to {_verb_word(verb)}?", None)
        source = None
        if verb == "take" and second:
            source = self._noun(second, actor, context, "examine")
        obj = self._noun(first, actor, context, verb, source)
        if verb not in ("put_in", "put_on", "lock", "unlock", "give"):
            return ParseResult((Command(verb, obj),))
        if second:
            obj2 = self._noun(second, actor, context, verb + ":2")
            return ParseResult((Command(verb, obj, obj2),))
        return self._infer_second(verb, obj, actor)

    def _infer_second(self, verb: str, obj: int, actor: int) -> ParseResult:
        world = self.world
        if verb in ("lock", "unlock"):
            key = world.entities[obj].key
            if key is not None and world.state.parent[key] == actor:
                return ParseResult((Command(verb, obj, key),), note=f"(with {the(world, key)})")
            raise _Missing(f"What do you want to {verb} {the(world, obj)} with?", "with")
        if verb == "give":
            others = [o for o in world.actors_in(world.state.parent[actor]) if o != actor]
            if len(others) == 1:
                return ParseResult((Command(verb, obj, others[0]),), note=f"(to {the(world, others[0])})")
            raise _Missing(f"Who do you want to give {the(world, obj)} to?", "to")
        raise _Missing(f"Where do you want to put {the(world, obj)}?", "in")

    def _split_give(self, words: list[str], actor: int) -> tuple[list[str], list[str]]:
        """'give ada the apple' -> (['the', 'apple'], ['ada'])."""
        others = [o for o in self.world.actors if o != actor]
        for cut in range(1, len(words)):
            head = [w for w in words[:cut] if w not in ARTICLES]
            if head and any(set(head) <= self.world.entities[o].words for o in others):
                return words[cut:], words[:cut]
        return words, []

    def _all(self, verb: str, first: list[str], second: list[str], actor: int,
             context: ParserContext) -> ParseResult:
        world = self.world
        cut = next((i for i, w in enumerate(first) if w in EXCEPT_WORDS), len(first))
        excluded = {self._noun(phrase, actor, context, "examine") for phrase in _and_split(first[cut + 1:])}
        if verb == "take":
            source = self._noun(second, actor, context, "examine") if second else None
            pool = [e for e in world.in_reach(actor)
                    if world.entities[e].portable and world.state.parent[e] != actor
                    and (source is None or world.state.parent[e] == source)]
        else:
            pool = list(world.held(actor))
        chosen = tuple(Command(verb, e) for e in pool if e not in excluded)
        if not chosen:
            raise _Refusal("There is nothing to take." if verb == "take" else "You are carrying nothing to drop.")
        return ParseResult(chosen)

    def _noun(self, phrase: list[str], actor: int, context: ParserContext, fit: str,
              source: int | None = None) -> int:
        """Resolve a noun phrase to one entity in scope, or raise."""
        world = self.world
        words = [w for w in phrase if w not in ARTICLES and w not in FILLER]
        if not words:
            raise _Refusal(f"What do you want to {_verb_word(fit.partition(':')[0])}?")
        if len(words) == 1 and words[0] in PRONOUNS:
            scope = self._scope(actor, fit)
            for e in context.last_objects[:1]:
                if e in scope:
                    return e
            raise _Refusal(f"I'm not sure what you mean by '{words[0]}'.")
        wanted = set(words)
        scope = self._scope(actor, fit)
        if source is not None:
            scope = [e for e in scope if world.state.parent[e] == source]
        matches = [e for e in scope if wanted <= world.entities[e].words]
        if not matches:
            if any(wanted <= e.words for e in world.entities):
                if not world.is_lit(world.state.parent[actor]):
                    raise _Refusal("It is too dark to see.")
                where = f" in {the(world, source)}" if source is not None else " here"
                raise _Refusal(f"You can't see any {' '.join(words)}{where}.")
            raise _Refusal("You can't see any such thing.")
        if len(matches) > 1:
            exact = [e for e in matches if words_of(world.entities[e].name) == words]
            matches = exact or matches
        if len(matches) > 1:
            matches = [e for e in matches if self._fits(e, fit)] or matches
        if len(matches) == 1:
            return matches[0]
        names = join_words([the(world, e) for e in matches]).replace(" and ", " or ")
        raise _Ambiguous(f"Which do you mean, {names}?", phrase, matches)

    def _scope(self, actor: int, fit: str) -> list[int]:
        world = self.world
        if fit == "tell":
            return [a for a in world.actors if a != actor]
        return world.in_reach(actor)

    def _fits(self, e: int, fit: str) -> bool:
        """Does ``e`` make sense for the verb? Used only to settle ambiguity."""
        world = self.world
        ent, flags, parent = world.entities[e], world.state.flags[e], world.state.parent[e]
        held = parent >= 0 and world.entities[parent].kind == ACTOR
        return {
            "take": ent.portable and not held,
            "drop": held, "put_in": held, "put_on": held, "give": held, "put": held,
            "put_in:2": ent.container, "put_on:2": ent.supporter, "give:2": ent.kind == ACTOR,
            "open": ent.openable and not flags & OPEN, "close": ent.openable and bool(flags & OPEN),
            "unlock": bool(flags & LOCKED), "lock": ent.key is not None and not flags & LOCKED,
            "unlock:2": held, "lock:2": held,
            "eat": ent.food, "read": ent.text is not None,
            "turn_on": ent.light and not flags & LIT, "turn_off": ent.light and bool(flags & LIT),
        }.get(fit, True)

    def _tell(self, rest: list[str], actor: int) -> ParseResult:
        """'tell ada to bring the lamp to the kitchen' -> Command('tell', ada, text=...)."""
        if "to" not in rest:
            raise _Refusal("Tell whom to do what? Say: tell <name> to <what to do>.")
        cut = rest.index("to")
        target = self._noun(rest[:cut], actor, ParserContext(), "tell")
        said = " ".join(rest[cut + 1:])
        if not said:
            raise _Refusal(f"What do you want to tell {the(self.world, target)} to do?")
        return ParseResult((Command("tell", target, text=said),))


def _find(words: list[str], phrase: list[str]) -> int:
    """Index of ``phrase`` as a contiguous run inside ``words`` (0 if absent)."""
    n = len(phrase)
    for i in range(len(words) - n + 1):
        if words[i:i + n] == phrase:
            return i
    return 0


def _split(words: list[str], preps: tuple[str, ...]) -> tuple[list[str], str | None, list[str]]:
    """Split at the first preposition (one or two words) from ``preps``."""
    for i in range(len(words)):
        for p in preps:
            parts = p.split()
            if words[i:i + len(parts)] == parts and i > 0:
                return words[:i], p, words[i + len(parts):]
    return words, None, []


def _and_split(words: list[str]) -> list[list[str]]:
    """'the lamp and the key' -> [['the', 'lamp'], ['the', 'key']] (contiguous slices)."""
    phrases, current = [], []
    for w in words:
        if w in ("and", "or"):
            if current:
                phrases.append(current)
            current = []
        else:
            current.append(w)
    if current:
        phrases.append(current)
    return phrases


def _verb_word(verb: str) -> str:
    return {"put_in": "put", "put_on": "put", "turn_on": "turn on", "turn_off": "turn off"}.get(verb, verb)
