"""English command -> Command(s), or a reply saying why not.

The parser never changes the world. It knows the world's vocabulary (every word
of every entity's name, adjectives and synonyms, and their plurals) and the verb
phrases (both in ``game.lexicon``), and resolves noun phrases against what the actor can reach.
Ambiguity becomes a question whose answer the next command may give.

Pipeline: text -> tokens (words and punctuation) -> one sentence (or a refusal
asking for one command at a time) -> verb phrase -> object phrases -> entities.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher

from game.commands import TALK_VERBS, Command
from game.lexicon import (ALL_WORDS, ALONE, ARTICLES, ASIDE, DEVICE_VERBS, DIAL_FILLER, DIRECTION_WORDS,
                          EXCEPT_WORDS, FILLER, FLOOR_WORDS, GO_FILLER, HERE_WORDS, INDEFINITE, LEADING,
                          LIST_WORDS, MOVE_VERBS, MULTI_VERBS, NUMBER_WORDS, ON_SIDE, PEOPLE_WORDS,
                          PERSON_PRONOUNS, PREPOSITIONS, PREP_WORDS, PRONOUNS, PUNCTUATION, REQUEST_WORDS,
                          SELF_WORDS, SENTENCE_BREAKS, SET_WORDS, STOP_PHRASES, VERB_PHRASES, content_words,
                          deletions, lexicon_of, name_tokens, tokens_of)
from game.narration import capitalise, join_words, the
from game.reactions import REACTIONS
from game.world import ACTOR, LIT, LOCKED, OPEN, WORN, Entity, World

MAX_WORDS = 60
MAX_CHARS = 2000  # checked before tokenising, so huge pastes cost nothing

PLACEHOLDER = "{}"

# Verbs whose second object is resolved in a role of its own, 'verb:2' ('put X in Y': Y is put_in:2).
SECOND_OBJECT_VERBS = ("put_in", "put_on", "lock", "unlock", "give")
# The roles a noun phrase is resolved in: each verb the parser knows, and the second objects.
ROLES = (frozenset(VERB_PHRASES.values()) | frozenset(ALONE.values()) | {"put_in", "put_on", "set"}
         | {f"{verb}:2" for verb in SECOND_OBJECT_VERBS})
# What fits a role, to settle ambiguity ('take the key' prefers a key not yet held):
# (entity, its flags, held by an actor) -> bool. A role not listed prefers nothing.
FITS: dict[str, Callable[[Entity, int, bool], object]] = {
    "take": lambda ent, flags, held: ent.portable and not held,
    **dict.fromkeys(("drop", "put", "put_in", "put_on", "give", "unlock:2", "lock:2"),
                    lambda ent, flags, held: held),
    "put_in:2": lambda ent, flags, held: ent.container,
    "put_on:2": lambda ent, flags, held: ent.supporter,
    "give:2": lambda ent, flags, held: ent.kind == ACTOR,
    "open": lambda ent, flags, held: ent.openable and not flags & OPEN,
    "close": lambda ent, flags, held: ent.openable and flags & OPEN,
    "unlock": lambda ent, flags, held: flags & LOCKED,
    "lock": lambda ent, flags, held: ent.key is not None and not flags & LOCKED,
    "eat": lambda ent, flags, held: ent.food,
    "read": lambda ent, flags, held: ent.text is not None,
    "wear": lambda ent, flags, held: ent.wearable,
    "take_off": lambda ent, flags, held: flags & WORN,
    "board": lambda ent, flags, held: ent.enterable,
    "unboard": lambda ent, flags, held: ent.enterable,
    "set": lambda ent, flags, held: ent.dial,
    "turn": lambda ent, flags, held: ent.switch is not None or ent.dial or ent.light,
    "turn_on": lambda ent, flags, held: ent.light and not flags & LIT,
    "turn_off": lambda ent, flags, held: ent.light and flags & LIT,
}
if not FITS.keys() <= ROLES:  # a misspelt role would otherwise never be asked about
    raise ValueError(f"FITS names roles the parser never uses: {sorted(FITS.keys() - ROLES)}")


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
    ``rest`` holds the words of the commands typed after this one on the same line
    ('take the lamp. go north'): parse and run them once these have run, unless one
    of these is refused.
    """

    commands: tuple[Command, ...] = ()
    reply: str = ""
    pending: Pending | None = None
    note: str = ""
    rest: tuple[str, ...] = ()


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
    """Parses one world's commands. Holds no per-actor state (see ParserContext).

    The vocabulary is built once per world (see Lexicon), so a parse costs only
    the command's words.
    """

    def __init__(self, world: World) -> None:
        self.world = world
        scenery = frozenset(w for e in world.entities for thing in e.scenery for w in thing.words) \
            | frozenset(w for e in world.entities for value in e.dial for w in value.split())
        lexicon = lexicon_of(tuple((e.name, e.adjectives, e.synonyms) for e in world.entities), scenery)
        self.lexicon = lexicon
        self.words, self.name_words = lexicon.words, lexicon.name_words
        self.singular, self.vocabulary = lexicon.singular, lexicon.vocabulary
        self.entity_words = lexicon.entity_words

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
        if len(text) > MAX_CHARS:
            context.pending = None
            return ParseResult(reply=_too_long())
        words = _trim(tokens_of(text))
        pending, context.pending = context.pending, None
        if pending is not None and words:
            filled = self._fill(words, pending)
            if isinstance(filled, ParseResult):
                context.pending = filled.pending
                return filled
            if filled is not None:
                words = filled
        result = self._attempt(words, actor, context)
        context.pending = result.pending
        if result.commands:
            context.last_commands = result.commands
            objs = tuple(c.obj for c in result.commands if c.obj is not None and c.verb not in TALK_VERBS)
            if objs:
                context.last_objects = objs
        return result

    def _attempt(self, words: list[str], actor: int, context: ParserContext) -> ParseResult:
        """Parse ``words``, turning the parser's exceptions into replies and questions."""
        try:
            return self._parse(words, actor, context)
        except _Refusal as refusal:
            return ParseResult(reply=refusal.reply)
        except _Ambiguous as amb:
            at = _find(words, amb.phrase)
            template = tuple(words[:at]) + (PLACEHOLDER,) + tuple(words[at + len(amb.phrase):])
            return ParseResult(reply=amb.question,
                               pending=Pending(amb.question, template, tuple(amb.matches)))
        except _Missing as missing:
            template = tuple(words) + ((missing.prep,) if missing.prep else ()) + (PLACEHOLDER,)
            return ParseResult(reply=missing.question, pending=Pending(missing.question, template))

    def _fill(self, words: list[str], pending: Pending) -> list[str] | ParseResult | None:
        """The typed words put into a pending question's command, or None if not an answer."""
        if pending.candidates:
            answer = self._pick(words, pending)
            if not isinstance(answer, list):
                return answer
        else:
            content = [w for w in words if w not in ARTICLES and w not in PUNCTUATION]
            if not content or words[0] not in PREP_WORDS and self._verb(words)[0] is not None:
                return None
            answer = words
        template = list(pending.template)
        at = template.index(PLACEHOLDER)
        if answer[0] in PREP_WORDS and at > 0 and template[at - 1] in PREP_WORDS:
            at -= 1  # "with the key" answering "... unlock it with?"
            del template[at]
        return template[:at] + answer + template[at + 1:]

    def _pick(self, words: list[str], pending: Pending) -> list[str] | ParseResult | None:
        """The name(s) an answer picks among the candidates, a narrower question, or None."""
        content = {w for w in words if w not in ARTICLES} - FILLER
        if not content:
            return None
        if content & ALL_WORDS and content <= ALL_WORDS | PRONOUNS:  # "both", "all of them"
            return _and_join([name_tokens(self.world.entities[e].name) for e in pending.candidates])
        content = {self.singular.get(w, w) for w in content}
        matches = [e for e in pending.candidates if content <= self.words[e]]
        if not matches:
            return None
        if len(matches) > 1:
            question = self._which(matches)
            return ParseResult(reply=question, pending=Pending(question, pending.template,
                                                               tuple(matches)))
        return name_tokens(self.world.entities[matches[0]].name)

    def _parse(self, words: list[str], actor: int, context: ParserContext) -> ParseResult:
        """Words -> result: checks in the order a player would want them explained."""
        if not words:
            raise _Refusal("I beg your pardon?")
        if len(words) > MAX_WORDS:
            raise _Refusal(_too_long())
        if len(words) > 2 and words[-1] == "again":
            words = words[:-1]  # 'push the button again' is pushing it
        verb, rest = self._verb(words)
        if verb == "tell":
            return self._tell(rest, actor, asking=words[0] == "ask")
        if verb is None:
            addressed = self._addressed(words, actor)
            if addressed is not None:
                return addressed
            others = [o for o in self.world.actors if o != actor]
            if tuple(words) in STOP_PHRASES and len(others) == 1:  # 'never mind': to the only NPC
                return self._tell_command(others[0], words)
        if verb != "consult":  # what is looked up may be any word ('look up roses in the book')
            self._check_words(words)
        if verb is None:
            raise _Refusal(self._no_verb(words, actor))
        cut = self._sentence_break(words)
        if cut is None:
            return self._build(verb, rest, actor, context)
        first = _trim(words[:cut])
        result = self._build(verb, first[len(words) - len(rest):], actor, context)
        result.rest = tuple(words[cut + 1:])
        return result

    def _no_verb(self, words: list[str], actor: int) -> str:
        """The reply to words without a verb: ask what to do with the thing, or explain."""
        found = self._matches(words, self.world.in_reach(actor)) if len(words) <= 4 else []
        if len(found) == 1:
            return f"What do you want to do with {the(self.world, found[0])}?"
        return (f"I don't understand '{_quoted(words)}' as a command. "
                "Try a verb first, like 'take lamp' or 'go north'.")

    def _check_words(self, words: list[str]) -> None:
        """Name back the first word the game does not know (suggesting a near one)."""
        for w in words:
            if w not in self.vocabulary:
                shown = w if len(w) <= 40 else w[:40] + "..."
                reply = f"I don't know the word '{shown}'."
                close = self._typo_of(w, words)
                raise _Refusal(reply + (f" Did you mean '{close}'?" if close else ""))

    def _typo_of(self, word: str, words: list[str]) -> str | None:
        """A known word one slip away (a letter missing, extra, wrong or swapped), if any; never
        one that would make ``words`` (the line it is in) a move the player did not ask for."""
        if not 3 <= len(word) <= 20:
            return None
        near = self.lexicon.near
        found = {w for key in (word, *deletions(word)) for w in near.get(key, ())}
        found.discard(word)
        found = {w for w in found if not self._moves_unasked(words, word, w)}
        return min(found, default=None, key=lambda w: (  # swapped letters, then most alike
            sorted(w) != sorted(word), -SequenceMatcher(None, word, w).ratio(), w))

    def _moves_unasked(self, words: list[str], typo: str, fix: str) -> bool:
        """Would putting ``fix`` for ``typo`` turn the line into a move ('exits' -> 'exit',
        'sotuh' -> 'south') when it neither starts with a way to go nor names a direction?
        Following such a hint would walk the player off somewhere they never meant."""
        if self._verb([fix if w == typo else w for w in words])[0] not in MOVE_VERBS:
            return False
        return self._verb(words)[0] not in MOVE_VERBS and not any(w in DIRECTION_WORDS for w in words)

    def _sentence_break(self, words: list[str]) -> int | None:
        """Where the first of several commands ends ('take lamp. go north', 'take lamp then go
        north', 'take the apple and eat it'), or None for one command.

        A break is a full stop or 'then' before a verb, or 'and' or a comma before a
        verb that is not also a name ('take lamp and light' may mean a light), so
        names such as 'Mr. Smith' or 'salt and pepper' are not breaks, and 'take the
        lamp and the key' stays one command with a list.
        """
        for i in range(1, len(words) - 1):
            w, after = words[i], _trim(words[i + 1:])
            if not after:
                continue
            if w in SENTENCE_BREAKS and self._verb(after)[0] is not None \
                    or w in LIST_WORDS and self._begins_command(after):
                return i
        return None

    def _begins_command(self, words: list[str]) -> bool:
        """Do the words start a new command (a verb that is not also a name here)?"""
        return words[0] not in self.entity_words and self._verb(words)[0] is not None

    # -- verbs --------------------------------------------------------------------

    @staticmethod
    def _verb(words: list[str]) -> tuple[str | None, list[str]]:
        """The verb the words start with (longest phrase wins) and the words after it."""
        if tuple(words) in ALONE:
            return ALONE[tuple(words)], []
        if words[0] in DIRECTION_WORDS and words[0] not in ("inside", "outside"):
            return "go", words
        for n in (3, 2, 1):
            head = tuple(words[:n])
            if len(head) == n and head in VERB_PHRASES:
                return VERB_PHRASES[head], words[n:]
        return None, words

    def _build(self, verb: str, rest: list[str], actor: int, context: ParserContext) -> ParseResult:
        """Commands for a verb and the words after it (particles such as 'up' folded in)."""
        if verb == "again":
            if not context.last_commands:
                raise _Refusal("There is nothing to do again.")
            return ParseResult(context.last_commands)
        if verb in ("push", "climb", "jump") and self._walks(rest, actor):
            verb = "go"  # 'move north', 'climb up', 'climb the stairs' to the room above
        if verb == "go" and rest in (["out"], ["outside"]) and self.world.position(actor) is not None:
            verb, rest = "exit", []  # 'out' from a seat gets up
        if verb == "enter" and self._enterable(rest, actor) or verb == "exit" and \
                self.world.position(actor) is not None and not self._walks(rest, actor):
            verb = "board" if verb == "enter" else "unboard"
        if verb in DEVICE_VERBS:
            return self._device(verb, rest, actor, context)
        if verb == "talk":
            raise _Refusal(self._talk(rest, actor))
        if verb in ("turn", "put") and _has(rest, SET_WORDS):
            dial = self._set_dial(rest, actor, context, verb == "turn")
            if dial is not None:
                return dial
        if verb == "throw" and not self._split(rest, REACTIONS["throw"].preps)[1]:
            verb = "drop"  # 'throw the apple': it lands on the floor
        if verb in ("go", "enter", "exit"):
            return ParseResult((self._go(verb, rest, actor),))
        if verb in REACTIONS:
            return self._react(verb, rest, actor, context)
        if verb == "exits":
            return ParseResult((Command("exits"),))
        if verb in ("look", "inventory", "wait", "examine") and self._no_object(rest, actor):
            if verb != "examine":
                return ParseResult((Command(verb),))
            if rest:  # "examine the room"
                return ParseResult((Command("look"),))
        if verb == "wait" and rest and (rest[0] in ("for", "until", "a") or rest[0].isdigit()):
            return ParseResult((Command("wait"),))  # 'wait for ada', 'wait 5', 'wait a while'
        if verb in ("inventory", "wait") and rest:
            raise _Refusal(f"'{verb}' needs nothing more; just say '{verb}'.")
        if verb == "look":
            verb = "examine"  # "look lamp"
        if verb == "turn" and not _has(rest[:1] + rest[-1:], frozenset({"on", "off"})):
            return self._turn(rest, actor, context)
        if verb == "turn":
            verb, rest = _particle_switch(rest)
        if verb in ("take", "drop", "put") and rest and rest[-1] in ("up", "down"):
            if rest[-1] == "down":
                verb = "drop"
            rest = rest[:-1]
        if verb in ("turn_on", "turn_off") and rest and rest[-1] in ("on", "off", "out"):
            rest = rest[:-1]
        return self._with_objects(verb, rest, actor, context)

    def _walks(self, rest: list[str], actor: int) -> bool:
        """Do the words after 'move' / 'climb' name a way to go rather than a thing?"""
        words = [w for w in rest if w not in ARTICLES and w not in GO_FILLER]
        if len(words) == 1 and words[0] in DIRECTION_WORDS:
            return True
        return bool(words) and self._way_to(set(words), actor) is not None

    def _react(self, verb: str, rest: list[str], actor: int, context: ParserContext) -> ParseResult:
        """A verb that changes nothing ('smell', 'cut the rope with the knife'): its objects,
        never merging a second one into the first."""
        reaction = REACTIONS[verb]
        if verb == "push" and len(rest) > 1 and rest[-1] in DIRECTION_WORDS:
            rest = rest[:-1]  # 'push the statue north': things are not pushed from room to room
        named = {w for w in rest if w not in ARTICLES}
        if named and named <= HERE_WORDS:
            if reaction.alone is not None:  # 'smell the room', 'search around'
                return ParseResult((Command(verb),))
            raise _Refusal(reaction.reply.format(the="the room", The="The room", the2=""))
        first, prep, second = self._split(rest, reaction.preps)
        if rest and rest[0] in reaction.preps and len(rest) > 1:
            first, prep, second = [], rest[0], rest[1:]  # 'dig with the spade': a tool, no object
        if verb == "show" and not prep and first:
            first, second = self._split_give(first, actor)  # 'show ada the sword'
            prep = "to" if second else None
        if not content_words(first) and not _has(first, PEOPLE_WORDS):
            if reaction.alone is not None and prep and content_words(second):  # 'dig with the spade'
                return ParseResult((Command(verb, None, self._noun(second, actor, context, "examine")),))
            if reaction.alone is not None and not prep:
                return ParseResult((Command(verb),))
            raise _Missing(f"What do you want to {reaction.word}?", None)
        obj = self._objects(first, verb, actor, context, None)[0]
        ent = self.world.entities[obj]
        if verb == "push" and ent.dial and prep in SET_WORDS and content_words(second):
            return self._set_dial(rest, actor, context, True)  # 'move the dial to 5'
        if verb == "push" and ent.switch is not None and not content_words(second):
            return ParseResult((Command("operate", obj),))
        if verb in ("climb", "jump") and ent.enterable and not content_words(second):
            return self._board(obj)
        if not prep or not content_words(second) and not _has(second, PEOPLE_WORDS):
            return ParseResult((Command(verb, obj),))
        if len(_and_split(second)) > 1 and not self._names_something(second):
            raise _Refusal(f"Name just one thing after '{prep}'.")
        return ParseResult((Command(verb, obj, self._noun(second, actor, context, "examine")),))

    def _no_object(self, rest: list[str], actor: int) -> bool:
        """Do these words name no object ('', 'around', 'the room', the room's own name)?"""
        words = [w for w in content_words(rest) if w not in HERE_WORDS]
        if not words:
            return True
        room = self.world.state.parent[actor]
        if room < 0:
            return False
        if {w for w in rest if w not in ARTICLES} == self.words[room]:  # its whole name
            return True
        # Part of its name: only if no thing in reach fits ('x map' in the Map Room).
        return set(words) <= self.words[room] and not self._matches(words, self.world.in_reach(actor))

    def _go(self, verb: str, rest: list[str], actor: int) -> Command:
        """A direction, or the way to a named door or neighbouring room."""
        words = [w for w in rest if w not in ARTICLES and w not in GO_FILLER]
        if not words:
            if verb in ("enter", "exit"):
                return Command("go", direction="in" if verb == "enter" else "out")
            raise _Refusal("Which way do you want to go?")
        if len(words) == 1 and words[0] in DIRECTION_WORDS:
            return Command("go", direction=DIRECTION_WORDS[words[0]])
        direction = self._way_to(set(words), actor)
        if direction is not None:
            return Command("go", direction=direction)
        if self._no_object(words, actor):
            raise _Refusal("You are already there.")
        raise _Refusal("You can go in a direction: north, south, east, west, northeast, "
                       "northwest, southeast, southwest, up, down, in or out.")

    def _way_to(self, wanted: set[str], actor: int) -> str | None:
        """The exit of the actor's room through the named door or into the named room."""
        world = self.world
        room = world.state.parent[actor]
        if room < 0:
            return None
        for direction, ex in world.entities[room].exits.items():
            if wanted <= self.words[ex.to] or ex.door is not None and wanted <= self.words[ex.door]:
                return direction
        return None

    # -- objects ------------------------------------------------------------------

    def _with_objects(self, verb: str, rest: list[str], actor: int,
                      context: ParserContext) -> ParseResult:
        """Commands for a verb that takes objects: split at the preposition, resolve both sides."""
        burn = self._no_tool(verb, rest, actor, context)
        if burn is not None:
            return burn
        first, prep, second = self._split(rest, PREPOSITIONS.get(verb, ()))
        if verb == "open" and prep:
            verb = "unlock"
        if verb in ("put", "take") and prep in ("on", "off") and not content_words(second) and content_words(first) \
                and len(_and_split(first)) == 1 and not _has(first, ALL_WORDS):
            obj = self._noun(first, actor, context, "wear")
            if self.world.entities[obj].wearable:  # 'put the hat on', 'take the hat off'
                return ParseResult((Command("wear" if prep == "on" else "take_off", obj),))
        if verb in ("put", "drop") and prep and not content_words(second):
            return self._put_where(first, actor, context, None)  # 'put lamp in': ask where, drop nothing
        if verb == "put" and prep in ASIDE:
            obj = self._noun(first, actor, context, "put_in")
            place = self._noun(second, actor, context, "examine")
            raise _Refusal(f"You can't put {the(self.world, obj)} {prep} {the(self.world, place)}: "
                           f"things go only in or on other things.")
        if verb in ("put", "drop") and prep and set(content_words(second)) <= FLOOR_WORDS:
            verb, prep, second = "drop", None, []
        if verb in ("put", "drop") and prep:
            verb = "put_on" if prep in ON_SIDE else "put_in"
        if verb == "put":
            return self._put_where(first, actor, context)
        if verb == "give" and prep is None and first:
            first, second = self._split_give(first, actor)
        if not content_words(first) and not _has(first, PEOPLE_WORDS):
            raise _Missing(f"What do you want to {_verb_word(verb)}?", None)
        source = self._noun(second, actor, context, "examine") if verb == "take" and second else None
        objs = self._objects(first, verb, actor, context, source)
        if verb not in SECOND_OBJECT_VERBS:
            return ParseResult(tuple(Command(verb, o) for o in objs))
        if not second:
            return self._infer_second(verb, objs[0], actor)
        if len(_and_split(second)) > 1 and not self._names_something(second):
            raise _Refusal(f"Name just one thing after '{prep or 'to'}'.")
        obj2 = self._noun(second, actor, context, verb + ":2")
        if verb == "put_in" and self.world.entities[obj2].supporter:
            verb = "put_on"  # 'put lamp in table', or 'table' answering 'where?'
        if len(objs) > 1:  # 'put everything in the box' leaves the box out
            objs = [o for o in objs if o != obj2]
        return ParseResult(tuple(Command(verb, o, obj2) for o in objs))

    def _no_tool(self, verb: str, rest: list[str], actor: int, context: ParserContext) -> ParseResult | None:
        """'light the lamp with the match', 'eat the apple with a fork': the verb takes no second
        object, so say so (never read the two names as one); lighting a thing that is no light
        with another is burning it."""
        if verb in PREPOSITIONS or verb == "put":
            return None
        first, prep, second = self._split(rest, ("with", "using"))
        if prep is None or not content_words(second) or not content_words(first):
            return None
        obj = self._objects(first, verb, actor, context, None)[0]
        tool = self._noun(second, actor, context, "examine")
        if verb == "turn_on" and not self.world.entities[obj].light:
            return ParseResult((Command("burn", obj, tool),))  # 'light the book with the lamp': fire
        word = _verb_word(verb)
        raise _Refusal(f"You need nothing to {word} {the(self.world, obj)} with, least of all "
                       f"{the(self.world, tool)}: just say '{word} {self.world.entities[obj].lower_name}'.")

    def _put_where(self, first: list[str], actor: int, context: ParserContext,
                   prep: str | None = "in") -> ParseResult:
        """'put lamp' (or 'put lamp in', the place left out) with no place: ask where; the
        answer goes after ``prep`` (None: the typed words already end with one)."""
        if not content_words(first):
            raise _Missing("What do you want to put?", None)
        objs = self._objects(first, "put_in", actor, context, None)
        names = join_words([the(self.world, o) for o in objs])
        raise _Missing(f"Where do you want to put {names}?", prep)

    def _infer_second(self, verb: str, obj: int, actor: int) -> ParseResult:
        """Fill in an obvious second object (the held key, the one actor here), or ask."""
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
            if head and any(set(head) <= self.words[o] for o in others):
                return words[cut:], words[:cut]
        return words, []

    def _objects(self, phrase: list[str], verb: str, actor: int, context: ParserContext,
                 source: int | None) -> list[int]:
        """The direct objects: one, or for MULTI_VERBS a list, a plural or 'all [but ...]'."""
        parts = _and_split(phrase)
        if len(parts) > 1 and self._names_something(phrase):
            parts = [phrase]  # a name with 'and' in it ("salt and pepper")
        if verb not in MULTI_VERBS:
            if _has(phrase, ALL_WORDS) or len(parts) > 1:
                raise _Refusal(f"You can only {_verb_word(verb)} one thing at a time.")
            return [self._noun(phrase, actor, context, verb, source)]
        if _has(phrase, ALL_WORDS):
            return self._all(phrase, verb, actor, context, source)
        chosen: list[int] = []
        for part in parts:
            for e in self._nouns(part, actor, context, verb, source):
                if e not in chosen:
                    chosen.append(e)
        return chosen

    def _all(self, phrase: list[str], verb: str, actor: int, context: ParserContext,
             source: int | None) -> list[int]:
        """'all', 'all the keys', 'everything but the lamp and the key'."""
        cut = next((i for i, w in enumerate(phrase) if w in EXCEPT_WORDS), len(phrase))
        kind = [w for w in phrase[:cut] if w not in ALL_WORDS]
        excluded = {e for part in _and_split(phrase[cut + 1:])
                    for e in self._matches(part, self._scope(actor, "examine"))}
        pool = [e for e in self._pool(verb, actor, source) if e not in excluded]
        if content_words(kind):
            pool = self._matches(kind, pool)
        if pool:
            return pool
        if verb == "take" and not self.world.is_lit(self.world.state.parent[actor]):
            raise _Refusal("It is too dark to see.")
        if source is not None and not self.world.is_open_holder(source):
            raise _Refusal(f"{capitalise(the(self.world, source))} is closed.")
        raise _Refusal(_nothing_for(verb))

    def _pool(self, verb: str, actor: int, source: int | None) -> list[int]:
        """What 'all' means for a verb: loose things here (or in ``source``), or what is held."""
        world = self.world
        parent = world.state.parent
        if verb != "take":
            return list(world.held(actor))
        where = source if source is not None else parent[actor]
        return [e for e in world.in_reach(actor) if world.entities[e].portable and parent[e] == where]

    def _matches(self, phrase: list[str], scope: list[int]) -> list[int]:
        """Everything in ``scope`` a phrase could name (plurals read as singular)."""
        wanted = {self.singular.get(w, w) for w in content_words(phrase)}
        if not wanted:
            return []
        return [e for e in scope if wanted <= self.words[e]]

    def _noun(self, phrase: list[str], actor: int, context: ParserContext, fit: str,
              source: int | None = None) -> int:
        """Resolve a noun phrase to one entity in scope, or raise."""
        found = self._nouns(phrase, actor, context, fit, source)
        if len(found) == 1:
            return found[0]
        raise _Ambiguous(self._which(found), phrase, found)

    def _nouns(self, phrase: list[str], actor: int, context: ParserContext, fit: str,
               source: int | None = None) -> list[int]:
        """Entities a noun phrase names: one, or several for a plural ("the keys")."""
        special = self._pronoun(phrase, actor, context, fit)
        if special is not None:
            return special
        words = content_words(phrase)
        if not words:
            raise _Refusal(f"What do you want to {_verb_word(fit.partition(':')[0])}?")
        scope = self._scope(actor, fit)
        if source is not None:
            scope = [e for e in scope if self.world.state.parent[e] == source]
        matches = self._matches(phrase, scope)
        if not matches:
            raise _Refusal(self._scenery(words, actor, fit) or self._not_here(words, actor, source))
        if len(matches) == 1:
            return matches
        if any(w in self.singular for w in words):  # a plural: all that make sense
            return [e for e in matches if self._fits(e, fit)] or matches
        matches = self._narrow(matches, words, fit, indefinite=_has(phrase[:1], INDEFINITE))
        if len(matches) > 1:
            raise _Ambiguous(self._which(matches), phrase, matches)
        return matches

    def _narrow(self, matches: list[int], words: list[str], fit: str, indefinite: bool) -> list[int]:
        """Settle a singular phrase that fits several things: exact name, then sense."""
        exact = [e for e in matches if self.name_words[e] == words]
        matches = exact or matches
        if len(matches) > 1:
            matches = [e for e in matches if self._fits(e, fit)] or matches
        return matches[:1] if indefinite else matches

    def _pronoun(self, phrase: list[str], actor: int, context: ParserContext,
                 fit: str) -> list[int] | None:
        """'it' / 'them' (last objects), 'him' / 'her' (the one other actor here), 'me'."""
        words = [w for w in phrase if w not in FILLER]
        if len(words) != 1:
            return None
        w = words[0]
        if w in SELF_WORDS:
            return [actor]
        scope = self._scope(actor, fit)
        if w in PRONOUNS:
            found = [e for e in context.last_objects if e in scope]
            if not found:
                raise _Refusal(f"I'm not sure what you mean by '{w}'.")
            return found if w == "them" else found[:1]
        if w in PERSON_PRONOUNS:
            others = [e for e in scope if self.world.entities[e].kind == ACTOR and e != actor]
            if len(others) != 1:
                raise _Refusal(f"I'm not sure who you mean by '{w}'.")
            return others
        return None

    def _scenery(self, words: list[str], actor: int, fit: str) -> str | None:
        """The reply about a thing the room's description names (the rug, the window), if one fits."""
        world = self.world
        room = world.state.parent[actor]
        wanted = {self.singular.get(w, w) for w in words}
        if room < 0 or not world.is_lit(room):
            return None
        thing = next((t for t in world.entities[room].scenery if wanted <= t.words), None)
        if thing is None:
            return None
        verb = fit.partition(":")[0]
        if verb in ("examine", "read", "search", "look_under", "look_behind"):
            return thing.description if verb == "examine" else "You find nothing of interest."
        reaction = REACTIONS.get(verb)
        if reaction is not None and "{the}" in reaction.reply and verb != "use":
            return reaction.reply.format(the=f"the {thing.name}", The=f"The {thing.name}")
        if reaction is not None and verb != "use":
            return reaction.reply
        if verb == "take":
            return f"The {thing.name} is fixed in place."
        return f"The {thing.name} is just part of the scenery."

    def _not_here(self, words: list[str], actor: int, source: int | None) -> str:
        """Why nothing in reach matches: darkness, a closed holder, or simply absent."""
        world = self.world
        wanted = {self.singular.get(w, w) for w in words}
        if not any(wanted <= ws for ws in self.words):
            return "You can't see any such thing."
        if not world.is_lit(world.state.parent[actor]):
            return "It is too dark to see."
        if source is not None and not world.is_open_holder(source):
            return f"{capitalise(the(world, source))} is closed."
        on = source is not None and world.entities[source].supporter
        where = f" {'on' if on else 'in'} {the(world, source)}" if source is not None else " here"
        return f"You can't see any {' '.join(words)}{where}."

    def _names_something(self, phrase: list[str]) -> bool:
        """Does the phrase fit some entity's words (anywhere in the world)?"""
        wanted = {self.singular.get(w, w) for w in content_words(phrase)}
        return bool(wanted) and any(wanted <= ws for ws in self.words)

    def _split(self, words: list[str], preps: tuple[str, ...]) -> tuple[list[str], str | None, list[str]]:
        """Split at a preposition from ``preps``; prefer a split where both sides name things.

        So 'put jack in the box in the chest' splits before 'the chest' when a
        'jack in the box' exists.
        """
        splits = [(words[:i], p, words[i + len(p.split()):])
                  for i in range(1, len(words)) for p in preps
                  if words[i:i + len(p.split())] == p.split()]
        for first, prep, second in splits:
            if self._names_something(first) and self._names_something(second):
                return first, prep, second
        return splits[0] if splits else (words, None, [])

    def _which(self, matches: list[int]) -> str:
        """'Which do you mean, the brass key or the iron key?'"""
        names = join_words([the(self.world, e) for e in matches]).replace(" and ", " or ")
        return f"Which do you mean, {names}?"

    def _scope(self, actor: int, fit: str) -> list[int]:
        """What a noun phrase may name: things in reach, or for 'tell' any other actor."""
        world = self.world
        if fit == "tell":
            return [a for a in world.actors if a != actor]
        return world.in_reach(actor)

    def _fits(self, e: int, fit: str) -> bool:
        """Does ``e`` make sense in role ``fit`` (see ``FITS``)? Used only to settle ambiguity."""
        if fit not in ROLES:
            raise ValueError(f"unknown noun role {fit!r}: use a verb or 'verb:2' (see game.parser.ROLES)")
        check = FITS.get(fit)
        if check is None:
            return True  # the role prefers nothing: every match fits
        world = self.world
        parent = world.state.parent[e]
        held = parent >= 0 and world.entities[parent].kind == ACTOR
        return bool(check(world.entities[e], world.state.flags[e], held))

    # -- switches, dials, clothes, enterables, books ----------------------------------

    def _device(self, verb: str, rest: list[str], actor: int, context: ParserContext) -> ParseResult:
        """wear / take off / get in or on / get out or off / look up X in Y."""
        if verb == "consult":
            return self._consult(rest, actor, context)
        if verb == "unboard":
            return self._unboard(rest, actor, context)
        if verb == "take_off" and _has(rest, frozenset({"from", "out"})):
            return self._with_objects("take", rest, actor, context)  # 'remove the coin from the box'
        if not content_words(rest) and not _has(rest, PEOPLE_WORDS):
            word = {"wear": "wear", "take_off": "take off", "board": "get in or on"}[verb]
            raise _Missing(f"What do you want to {word}?", None)
        obj = self._noun(rest, actor, context, verb)
        if verb == "board":
            return self._board(obj)
        if verb == "take_off" and not self.world.state.flags[obj] & WORN \
                and self.world.state.parent[obj] != actor:
            verb = "take"  # 'remove the key': take it
        return ParseResult((Command(verb, obj),))

    def _board(self, obj: int) -> ParseResult:
        """Get in or on a thing, as the thing is entered (the rules refuse a thing that is not)."""
        ent = self.world.entities[obj]
        side = ent.enterable or ("on" if ent.supporter else "in")
        return ParseResult((Command("get_in" if side == "in" else "get_on", obj),))

    def _unboard(self, rest: list[str], actor: int, context: ParserContext) -> ParseResult:
        """'get out', 'stand up', 'get off the chair': out of or off what the actor is in or on."""
        seat = self.world.position(actor)
        if content_words(rest) and not set(content_words(rest)) <= HERE_WORDS:
            seat = self._noun(rest, actor, context, "unboard")
        elif seat is None:
            raise _Refusal("You are standing on your own two feet already.")
        side = self.world.entities[seat].enterable or "on"
        return ParseResult((Command("get_out" if side == "in" else "get_off", seat),))

    def _enterable(self, rest: list[str], actor: int) -> bool:
        """Do the words after 'enter' name a thing to get in or on (rather than a way to go)?"""
        found = self._matches(rest, self.world.in_reach(actor)) if content_words(rest) else []
        return len(found) == 1 and bool(self.world.entities[found[0]].enterable)

    def _consult(self, rest: list[str], actor: int, context: ParserContext) -> ParseResult:
        """'look up the tides in the almanac', 'consult the almanac about the tides'."""
        if not rest:
            return ParseResult((Command("look"),))  # 'look up': a look around
        if rest[0] == "at":
            return self._with_objects("examine", rest[1:], actor, context)  # 'look up at the sky'
        book, prep, topic = self._split(rest, ("about", "on", "for", "regarding"))
        if not prep or not self._names_something(book):
            topic, prep, book = self._split(rest, ("in", "inside", "from"))
        if not prep or not content_words(book):
            raise _Missing(f"What do you want to look up '{_quoted(rest)}' in?", "in")
        if not _quoted(topic):
            raise _Missing("What do you want to look up?", None)
        obj = self._noun(book, actor, context, "read")
        return ParseResult((Command("consult", obj, text=_quoted(topic)),))

    def _set_dial(self, rest: list[str], actor: int, context: ParserContext,
                  required: bool) -> ParseResult | None:
        """'turn the dial to 5', 'set the clock to twelve' -> Command('set', dial, text='5'); None
        when the thing is no dial and not ``required`` ('put the lamp at the door' is a put)."""
        first, _, second = self._split(rest, ("to", "at"))
        if not content_words(first):
            raise _Missing("What do you want to set?", None)
        obj = self._noun(first, actor, context, "set")
        values = self.world.entities[obj].dial
        if not values:
            if not required:
                return None
            raise _Refusal(f"{capitalise(the(self.world, obj))} has nothing to set.")
        value = _dial_value(values, second)
        if not value:
            raise _Missing(f"What do you want to set {the(self.world, obj)} to?", "to")
        return ParseResult((Command("set", obj, text=value),))

    def _talk(self, rest: list[str], actor: int) -> str:
        """'talk to ada', 'say hello', 'yes': how to talk with the people here."""
        others = [o for o in self.world.actors_in(self.world.state.parent[actor]) if o != actor]
        named = [o for o in others if set(content_words(rest)) & self.words[o]]
        if not others:
            return "There is no one here to hear you."
        who = (named or others)[0]
        name = self.world.entities[who].name
        word = name.lower()
        return (f"{name} waits to hear more. To talk with {name}, ask about something ('ask {word} "
                f"about the key') or say what to do ('{word}, follow me').")

    def _turn(self, rest: list[str], actor: int, context: ParserContext) -> ParseResult:
        """'turn the lever' works a switch; 'turn the dial' asks to what; else on or off?"""
        if not content_words(rest):
            raise _Missing("What do you want to turn?", None)
        obj = self._noun(rest, actor, context, "turn")
        ent = self.world.entities[obj]
        if ent.switch is not None:
            return ParseResult((Command("operate", obj),))
        if ent.dial:
            raise _Missing(f"What do you want to turn {the(self.world, obj)} to?", "to")
        if ent.light:
            raise _Refusal("Do you want to turn it on or off?")
        return ParseResult((Command("push", obj),))  # 'turn the statue': nothing obvious happens

    # -- talking to other actors --------------------------------------------------

    def _tell(self, rest: list[str], actor: int, asking: bool = False) -> ParseResult:
        """'tell ada to bring the lamp' (or 'tell ada bring the lamp') -> Command('tell', ...);
        'ask ada about the key' / 'ask ada where the key is' -> Command('ask', ...)."""
        question = self._question(rest, actor)  # 'ask ada about the key', 'tell ada about the statue'
        if question is not None:
            return question
        cut = self._name_length(rest, actor)
        if asking and cut and rest[cut:cut + 1] == ["for"] and len(rest) > cut + 1:
            target = self._noun(rest[:cut], actor, ParserContext(), "tell")  # 'ask ada for the key'
            return self._tell_command(target, ["bring", "me"] + rest[cut + 1:])
        if "to" in rest:
            cut = rest.index("to")
            said = rest[cut + 1:]
        else:
            cut = self._name_length(rest, actor)
            if not cut:
                self._check_words(rest[:1])  # 'tell bob ...': name the unknown 'bob'
                raise _Refusal("Tell whom to do what? Say: tell <name> to <what to do>.")
            said = rest[cut:]
        self._check_words(rest[:cut])
        target = self._noun(rest[:cut], actor, ParserContext(), "tell")
        return self._tell_command(target, said)

    def _addressed(self, words: list[str], actor: int) -> ParseResult | None:
        """'ada, take the lamp' or 'ada take the lamp' -> tell ada to take the lamp."""
        cut = self._name_length(words, actor)
        if not cut:
            return None
        said = words[cut + 1:] if words[cut:cut + 1] == [","] else words[cut:]
        if said[:1] == ["where"]:  # 'ada, where is the key?'
            return self._question(words, actor)
        if said and self._verb(said)[0] == "talk":  # 'ada, hello'
            raise _Refusal(self._talk(words[:cut], actor))
        if not said or self._verb(said)[0] is None and said[0] not in REQUEST_WORDS:
            return None
        target = self._noun(words[:cut], actor, ParserContext(), "tell")
        return self._tell_command(target, said)

    def _question(self, words: list[str], actor: int) -> ParseResult | None:
        """'ada about the key' / 'ada where the key is' -> Command('ask', ada, text=...), else None."""
        cut = self._name_length(words, actor)
        asked = words[cut + 1:] if words[cut:cut + 1] in ([","], [":"]) else words[cut:]
        if not cut or asked[:1] not in (["about"], ["where"]):
            return None
        target = self._noun(words[:cut], actor, ParserContext(), "tell")
        if len(asked) < 2:
            raise _Refusal(f"What do you want to ask {the(self.world, target)} about?")
        return ParseResult((Command("ask", target, text=_quoted(asked)),))

    def _name_length(self, words: list[str], actor: int) -> int:
        """How many leading words name another actor (0 if none)."""
        others = [o for o in self.world.actors if o != actor]
        for cut in range(min(len(words), 4), 0, -1):
            head = [w for w in words[:cut] if w not in ARTICLES and w not in PUNCTUATION]
            if head and any(set(head) <= self.words[o] for o in others):
                return cut
        return 0

    def _tell_command(self, target: int, said: list[str]) -> ParseResult:
        """The tell command, refusing one with nothing to say."""
        text = _quoted(said)
        if not text:
            raise _Refusal(f"What do you want to tell {the(self.world, target)} to do?")
        return ParseResult((Command("tell", target, text=text),))


# -- word helpers ------------------------------------------------------------------


def _trim(words: list[str]) -> list[str]:
    """Drop punctuation at either end and politeness in front ('please take lamp.')."""
    start, end = 0, len(words)
    while start < end and words[start] in LEADING:
        start += 1
    while end > start and words[end - 1] in PUNCTUATION:
        end -= 1
    return words[start:end]


def _quoted(words: list[str]) -> str:
    """Words as a phrase to quote back, without punctuation."""
    return " ".join(w for w in words if w not in PUNCTUATION)


def _has(words: list[str], wanted: frozenset[str]) -> bool:
    return any(w in wanted for w in words)


def _find(words: list[str], phrase: list[str]) -> int:
    """Index of ``phrase`` as a contiguous run inside ``words`` (0 if absent)."""
    n = len(phrase)
    for i in range(len(words) - n + 1):
        if words[i:i + n] == phrase:
            return i
    return 0


def _and_split(words: list[str]) -> list[list[str]]:
    """'the lamp and the key' -> [['the', 'lamp'], ['the', 'key']] (contiguous slices)."""
    phrases, current = [], []
    for w in words:
        if w in LIST_WORDS:
            if current:
                phrases.append(current)
            current = []
        else:
            current.append(w)
    if current:
        phrases.append(current)
    return phrases


def _and_join(names: list[list[str]]) -> list[str]:
    """[['brass', 'key'], ['iron', 'key']] -> ['brass', 'key', 'and', 'iron', 'key']."""
    out: list[str] = []
    for name in names:
        out += (["and"] if out else []) + name
    return out


def _particle_switch(rest: list[str]) -> tuple[str, list[str]]:
    """'turn lamp on' / 'turn on lamp' -> ('turn_on', ['lamp'])."""
    if rest and rest[-1] in ("on", "off"):
        return ("turn_on" if rest[-1] == "on" else "turn_off"), rest[:-1]
    if rest and rest[0] in ("on", "off"):
        return ("turn_on" if rest[0] == "on" else "turn_off"), rest[1:]
    raise _Refusal("Do you want to turn it on or off?")


def _dial_value(values: tuple[str, ...], words: list[str]) -> str:
    """The value typed after 'to', as the dial spells it ('twelve' or '12', 'the 3' -> '3')."""
    said = [w for w in words if w not in ARTICLES and w not in PUNCTUATION and w not in DIAL_FILLER]
    text = " ".join(said)
    if text in values or len(said) != 1:
        return text
    word = said[0]
    digits = NUMBER_WORDS.get(word)
    if digits in values:
        return digits
    spelled = next((w for w, d in NUMBER_WORDS.items() if d == word), None)
    return spelled if spelled in values else text


def _nothing_for(verb: str) -> str:
    if verb == "take":
        return "There is nothing to take."
    return f"You are carrying nothing to {_verb_word(verb)}."


def _too_long() -> str:
    return f"That is too long for me: keep a command under {MAX_WORDS} words."


def _verb_word(verb: str) -> str:
    if verb in REACTIONS:
        return REACTIONS[verb].word
    return {"put_in": "put", "put_on": "put", "turn_on": "turn on", "turn_off": "turn off", "take_off": "take off",
            "board": "get in or on", "unboard": "get out of", "consult": "look that up in"}.get(verb, verb)
