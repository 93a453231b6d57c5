"""Commands: what the parser produces and the rules consume, and their canonical text.

Every command the game can list as admissible has one canonical text
(``take brass key``, ``put red apple in wooden box``, ``go north``). The
``CommandTable`` of a world maps both ways between texts and commands, so an agent
that echoes an admissible command skips the parser entirely.
"""

from __future__ import annotations

from typing import NamedTuple

from game.reactions import REACTIONS
from game.world import DIRECTIONS, World

# Verbs that speak to another actor (their text is what was said, not an entity).
TALK_VERBS = frozenset({"tell", "ask"})


class Command(NamedTuple):
    """A resolved command: a verb and the entity indices it acts on.

    A named tuple, so a plain tuple of the same five values is equal to it and
    hashes the same: hot loops build plain tuples and look texts up by them.

    Attributes:
        verb: one of the verbs in ``TEMPLATES``.
        obj: the direct object (item, door or actor), if any.
        obj2: the second object: container, supporter, key or recipient.
        direction: for ``go``.
        text: for ``tell``: the words said; for ``ask``: the question ('about the key').
    """

    verb: str
    obj: int | None = None
    obj2: int | None = None
    direction: str | None = None
    text: str = ""


TEMPLATES = {
    "go": "go {direction}",
    "look": "look",
    "inventory": "inventory",
    "wait": "wait",
    "exits": "exits",
    "examine": "examine {obj}",
    "read": "read {obj}",
    "taste": "taste {obj}",
    "take": "take {obj}",
    "drop": "drop {obj}",
    "put_in": "put {obj} in {obj2}",
    "put_on": "put {obj} on {obj2}",
    "open": "open {obj}",
    "close": "close {obj}",
    "lock": "lock {obj} with {obj2}",
    "unlock": "unlock {obj} with {obj2}",
    "eat": "eat {obj}",
    "turn_on": "turn on {obj}",
    "turn_off": "turn off {obj}",
    "give": "give {obj} to {obj2}",
    "tell": "tell {obj} to {text}",
    "ask": "ask {obj} {text}",
    "operate": "{verb} {obj}",
    "set": "set {obj} to {text}",
    "wear": "wear {obj}",
    "take_off": "take off {obj}",
    "get_in": "get in {obj}",
    "get_on": "get on {obj}",
    "get_out": "get out of {obj}",
    "get_off": "get off {obj}",
    "consult": "look up {text} in {obj}",
}


def canonical(world: World, cmd: Command) -> str:
    """The canonical, lower-case text of a command."""
    names = world.entities
    reaction = REACTIONS.get(cmd.verb)
    if reaction is not None:  # 'smell', 'smell brass lamp', 'cut rope with knife'
        words = [reaction.word]
        if cmd.obj is not None:
            words.append(names[cmd.obj].lower_name)
        if cmd.obj2 is not None:
            words += [reaction.preps[0], names[cmd.obj2].lower_name]
        return " ".join(words)
    return TEMPLATES[cmd.verb].format(
        obj=names[cmd.obj].lower_name if cmd.obj is not None else "",
        obj2=names[cmd.obj2].lower_name if cmd.obj2 is not None else "",
        direction=cmd.direction or "",
        text=cmd.text,
        verb=switch_verb(world, cmd),
    )


def switch_verb(world: World, cmd: Command) -> str:
    """How an 'operate' command reads: the switch's own verb ('pull' for a lever), else 'push'."""
    switch = world.entities[cmd.obj].switch if cmd.obj is not None else None
    return switch[2] if switch is not None else "push"


class CommandTable:
    """Interned commands of one world and their canonical texts (both ways)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.texts: dict[Command, str] = {}  # also looked up with plain tuples
        self.by_text: dict[str, Command] = {}
        for d in DIRECTIONS:
            self.intern(Command("go", direction=d))
        for verb in ("look", "inventory", "wait"):
            self.intern(Command(verb))

    def intern(self, cmd: Command | tuple) -> str:
        """Register a command (or its plain-tuple form); return its canonical text."""
        text = self.texts.get(cmd)
        if text is None:
            cmd = Command(*cmd)
            text = canonical(self.world, cmd)
            self.texts[cmd] = text
            if cmd.verb not in TALK_VERBS:
                self.by_text[text] = cmd
        return text

    def text(self, cmd: Command | tuple) -> str:
        return self.texts.get(cmd) or self.intern(cmd)

    def lookup(self, text: str) -> Command | None:
        """The command whose canonical text this is, if it has been seen."""
        return self.by_text.get(text)
