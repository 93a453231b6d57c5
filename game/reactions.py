"""Sensory and physical verbs that change nothing: touch, smell, listen, jump, cut, attack ...

Players of any text adventure type these, and a world seldom has anything special to
say. Each verb has a standard reply, the kind every interpreter gives ("You smell
nothing unexpected."); a world file may give any room, item, door or actor its own
reply for a verb (``smell = "The lamp smells of hot brass."``). The verbs never change
the world, and the admissible commands never list them.
"""

from __future__ import annotations

from typing import NamedTuple


class Reaction(NamedTuple):
    """One verb: how players type it and what it says when nothing special happens.

    Attributes:
        phrases: the words that start it ("listen to", "sniff").
        word: how its canonical command starts ("listen to").
        alone: the reply with no object (None: an object is needed, so ask for one).
        reply: the reply about one thing; ``{the}`` is the thing, ``{The}`` capitalised.
        second: the reply with a second object (``{the2}``), for 'cut X with Y'.
        preps: the words that introduce a second object.
    """

    phrases: tuple[str, ...]
    word: str
    alone: str | None
    reply: str
    second: str = ""
    preps: tuple[str, ...] = ("with", "using")


_TOOL = ("with", "using")
REACTIONS: dict[str, Reaction] = {
    "touch": Reaction(("touch", "feel", "pat", "stroke", "poke", "prod", "tap"), "touch",
                      None, "You feel nothing unexpected."),
    "smell": Reaction(("smell", "sniff", "smell the air"), "smell",
                      "You smell nothing unexpected.", "You smell nothing unexpected."),
    "listen": Reaction(("listen", "listen to", "hear"), "listen to",
                       "You hear nothing unexpected.", "You hear nothing unexpected."),
    "search": Reaction(("search", "rummage", "rummage in", "search in", "feel in"), "search",
                       None, "You find nothing of interest."),
    "look_under": Reaction(("look under", "look beneath", "look underneath", "check under",
                            "search under"), "look under",
                           None, "You find nothing of interest under {the}."),
    "look_behind": Reaction(("look behind", "check behind", "search behind"), "look behind",
                            None, "You find nothing of interest behind {the}."),
    "jump": Reaction(("jump", "hop", "leap", "skip", "jump up", "jump over", "jump on"), "jump",
                     "You jump on the spot, fruitlessly.", "You would achieve nothing by jumping at {the}."),
    "sleep": Reaction(("sleep", "nap", "doze", "lie down", "go to sleep", "rest"), "sleep",
                      "You aren't feeling especially drowsy.", "You aren't feeling especially drowsy."),
    "wake": Reaction(("wake", "wake up", "awaken", "rouse"), "wake",
                     "The dreadful truth is, this is not a dream.", "{The} is wide awake already."),
    "wave": Reaction(("wave", "wave at", "wave to", "wave hands"), "wave",
                     "You wave, feeling foolish.", "You wave {the}, to no effect.",
                     "You wave {the} at {the2}, to no effect.", ("at", "to")),
    "sing": Reaction(("sing", "hum", "whistle", "dance"), "sing",
                     "You hum a few bars. Nothing answers.", "You hum a few bars. Nothing answers."),
    "dig": Reaction(("dig", "dig in", "dig up"), "dig",
                    "Digging here would achieve nothing.", "Digging {the} would achieve nothing.",
                    "Digging {the} with {the2} would achieve nothing.", _TOOL),
    "fill": Reaction(("fill", "fill up"), "fill", None, "There is nothing here to fill {the} with.",
                     "You can't fill {the} from {the2}.", ("with", "from", "at")),
    "pour": Reaction(("pour", "empty", "spill", "tip"), "pour", None, "{The} is not something you can pour.",
                     "{The} is not something you can pour.", ("in", "into", "on", "onto", "over", "out")),
    "tie": Reaction(("tie", "fasten", "attach", "knot", "bind"), "tie", None,
                    "You would achieve nothing by tying {the}.",
                    "You would achieve nothing by tying {the} to {the2}.", ("to", "onto", "on", "with", "around")),
    "cut": Reaction(("cut", "chop", "slice", "saw", "carve", "prune"), "cut", None,
                    "Cutting {the} would achieve little.", "Cutting {the} with {the2} would achieve little.", _TOOL),
    "burn": Reaction(("burn", "set fire to", "set light to", "torch"), "burn", None,
                     "This dangerous act would achieve little.", "This dangerous act would achieve little.", _TOOL),
    "rub": Reaction(("rub", "polish", "clean", "wipe", "scrub", "shine", "dust"), "rub", None,
                    "You rub {the}, but nothing comes of it.",
                    "You rub {the} with {the2}, but nothing comes of it.", _TOOL),
    "squeeze": Reaction(("squeeze", "squash", "crush", "wring", "pinch"), "squeeze", None,
                        "You squeeze {the}, to no effect."),
    "throw": Reaction(("throw", "toss", "hurl", "fling", "chuck", "lob"), "throw", None,
                      "You would rather keep hold of {the}.",
                      "Throwing {the} at {the2} would achieve nothing.", ("at", "to", "towards", "toward", "in", "into", "on", "onto")),
    "attack": Reaction(("attack", "kill", "hit", "punch", "kick", "fight", "break", "smash", "murder",
                        "strike", "thump", "slap", "destroy", "bash", "stab", "shoot", "wreck"), "attack",
                       None, "Violence isn't the answer to this one.",
                       "Violence isn't the answer to this one.", _TOOL),
    "climb": Reaction(("climb", "climb on", "climb onto", "climb over", "scale"), "climb",
                      None, "You can't climb {the}."),
    "swim": Reaction(("swim", "dive", "paddle", "wade"), "swim",
                     "There's nowhere to swim here.", "There's nowhere to swim in {the}."),
    "pray": Reaction(("pray", "worship"), "pray",
                     "Nothing practical results from your prayer.", "Nothing practical results from your prayer."),
    "think": Reaction(("think", "ponder", "contemplate", "meditate", "think about"), "think",
                      "You think hard, but no new idea comes.", "You think about {the}, but no new idea comes."),
    "kiss": Reaction(("kiss", "hug", "embrace", "cuddle"), "kiss", None, "Keep your mind on the game."),
    "push": Reaction(("push", "press", "pull", "shove", "shift", "drag", "tug", "yank", "move", "nudge",
                      "push on", "pull on", "lift up", "depress"), "push", None,
                     "Nothing obvious happens.", "Nothing obvious happens.", ("to", "towards", "toward", "into", "in")),
    "drink": Reaction(("drink", "sip", "quaff", "swig", "drink from", "sip from"), "drink", None,
                      "There's nothing suitable to drink in {the}."),
    "show": Reaction(("show", "display"), "show", None, "You hold up {the}. Nothing comes of it.",
                     "{The2} glances at {the}, unimpressed.", ("to",)),
    "use": Reaction(("use", "utilise", "utilize", "apply", "operate"), "use", None, "",
                    "", ("on", "with", "in", "to", "at")),
}

# Verbs with their own reply for a fixed thing or a person (else the standard one).
FIXED_REPLY = {"push": "{The} won't budge.", "climb": "You can't climb {the}."}
PERSON_REPLY = {"touch": "{The} would not thank you for that.", "squeeze": "{The} would not thank you for that.",
                "kiss": "{The} takes a polite step back.", "attack": "Violence isn't the answer to this one.",
                "throw": "You would rather keep hold of {the}."}

# Verbs a world file may give a thing or room its own reply for (the field is the verb's name).
CUSTOM = ("touch", "smell", "listen", "taste", "search", "look_under", "look_behind", "push",
          "climb", "rub", "squeeze", "attack", "cut", "burn", "wave", "kiss")
