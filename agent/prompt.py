"""Observation history -> prompt token ids, within a fixed token budget.

The prompt reads like a game transcript: the goal, the last few (observation,
command) pairs, the current observation, then the present state just above the
``>`` prompt: the actor's journal if the policy reads it (what is here, which exits
are unexplored, what it saw in other rooms and the first step towards each, where
the things its goals name were last seen), the
goals still to do (the
window ticks met goals for a person; the NPC is told the same), any order the
player gave this NPC, and what it carries.
What decides the next command sits next to it: a small model attends to nearby
tokens far more reliably than to the top of a long prompt. Commands are scored or
generated as the continuation ``" <command>\\n"``. A prompt within the budget is
laid out whole, the same under either fitting rule (``FITS``). Over the budget:

- ``oldest`` (the rule older models were trained with): the oldest pairs are dropped,
  then the start of the current observation.
- ``ordered``: what matters least goes first, one stage at a time until it fits
  (``ORDERED_STAGES``): the pairs but the latest; the goals the to-do line repeats from
  the goal line; room prose beyond ``PROSE_SENTENCES`` sentences a line; the latest pair;
  prose beyond one sentence; the rest of the goal line when the to-do line lists what is left; the journal's farthest 'Elsewhere'
  rooms; and only then, as ``oldest`` does, the start of the current observation. The
  journal's 'Here', 'Wanted' and 'Named' lines, the to-do, 'Told' and 'Carrying' lines (what
  the commands are chosen from) are never cut.

A tokenizer with a chat template gets the same content as a system + user message
instead (fitted by the ``oldest`` rule on text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from game.errors import LanternError

FITS = ("oldest", "ordered")
PROSE_SENTENCES = 2  # ordered fit: sentences kept per line of prose at its first trim
ORDERED_STAGES = ("older pairs", "goal repeats", "prose", "latest pair", "prose to one sentence", "goal line",
                  "elsewhere")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(A-Z])")
# Lines the game writes that list what is here, not prose: never trimmed (game/narration.py).
_LISTING = ("-= ", "You see ", "Exits: ")

ELSEWHERE = "Elsewhere: "  # the journal line of other rooms, nearest first (game/journal.py)
SYSTEM = "You play a text adventure. Reply with exactly one command, like 'take lamp' or 'go north'."


@dataclass
class View:
    """What an agent knows when it must act.

    Attributes:
        goal: the goal text.
        observation: the latest text the game showed it.
        inventory: names of what it carries.
        directive: an order from the player ('tell X to ...'), if any.
        history: earlier (observation, command) pairs, oldest first.
        todo: the goals not met yet.
        notes: the actor's journal (what it has seen here and elsewhere), as lines.
        quest_on_hold: the quest's goal and to-do lines are left out (``request_first``).
        named: where the actor remembers what the open request's words name, and the asker
            (``Journal.named``; '' without a request).
    """

    goal: str
    observation: str
    inventory: list[str] = field(default_factory=list)
    directive: str | None = None
    history: list[tuple[str, str]] = field(default_factory=list)
    todo: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    quest_on_hold: bool = False
    named: str = ""

    @classmethod
    def from_info(cls, obs: str, info: dict, history: list[tuple[str, str]]) -> View:
        """Build from an env observation and its ``info`` dict."""
        return cls(info["goal"], obs, list(info["inventory"]), info["directive"], list(history),
                   list(info["pending_goals"]), list(info["notes"]), named=info.get("named", ""))


class PromptBuilder:
    """Turns a View into token ids no longer than ``budget``.

    Args:
        tokenizer: a Hugging Face tokenizer.
        budget: most prompt tokens.
        history: most (observation, command) pairs kept.
        journal: show the view's journal notes (models trained without them get none).
        fit: how an over-long prompt is cut (``FITS``; see the module docstring).
        request_first: while a request is open, the quest is on hold in the prompt
            (``request_view``).
        request_names: with ``request_first`` and the journal, the 'Wanted' line's place holds
            a 'Named' line while a request is open (``request_view``).
    """

    def __init__(self, tokenizer, budget: int, history: int, journal: bool = False, fit: str = "oldest",
                 request_first: bool = False, request_names: bool = False) -> None:
        if fit not in FITS:
            raise LanternError(f"prompt fit must be one of {', '.join(FITS)}, got {fit!r}")
        self.tokenizer = tokenizer
        self.budget = budget
        self.history = history
        self.journal = journal
        self.fit = fit
        self.request_first = request_first
        self.request_names = request_names
        self.chat = bool(getattr(tokenizer, "chat_template", None))
        self._cache: dict[str, list[int]] = {}

    def encode(self, text: str) -> list[int]:
        """Token ids of a text piece (memoised: commands and old observations repeat)."""
        ids = self._cache.get(text)
        if ids is None:
            if len(self._cache) > 50_000:
                self._cache.clear()
            ids = self._cache[text] = self.tokenizer.encode(text, add_special_tokens=False)
        return ids

    def command_text(self, command: str) -> str:
        """The continuation a command is scored as."""
        return f"{command}\n" if self.chat else f" {command}\n"

    def command_ids(self, command: str) -> list[int]:
        return self.encode(self.command_text(command))

    def shown(self, view: View) -> View:
        """What of ``view`` this prompt lays out (no journal for a model that reads none; the
        quest on hold while a request is open, with ``request_first``), before any fitting."""
        if view.notes and not self.journal:
            view = replace(view, notes=[])
        if self.request_first:
            view = request_view(view, names=self.request_names and self.journal)
        return view

    def build(self, view: View) -> list[int]:
        """Prompt token ids for ``view`` within the budget."""
        pairs = view.history[-self.history:] if self.history else []
        view = self.shown(view)
        if self.chat:
            return self._build_chat(view, pairs)
        if self.fit == "ordered":
            view, pairs = self.ordered_fit(view, pairs)
        head, past_text, obs, state = layout(view, pairs)
        head, obs, state = self.encode(head), self.encode(obs), self.encode(state)
        past = [self.encode(text) for text in past_text]
        while past and len(head) + len(obs) + len(state) + sum(map(len, past)) > self.budget:
            past.pop(0)  # oldest first
        ids = [t for piece in (head, *past, obs, state) for t in piece]
        if len(ids) > self.budget:  # the current observation alone is too long: keep its end
            keep = self.budget - len(head) - len(state)
            ids = head + obs[len(obs) - keep:] + state if keep > 0 else (head + obs + state)[-self.budget:]
        return ids

    def length(self, view: View, pairs: list[tuple[str, str]]) -> int:
        """Tokens of the prompt laid out whole (pieces are encoded apart, as ``build`` joins them)."""
        return sum(len(self.encode(piece)) for piece in _flat(layout(view, pairs)))

    def ordered_fit(self, view: View, pairs: list[tuple[str, str]]) -> tuple[View, list[tuple[str, str]]]:
        """The view and pairs after the fewest ``ORDERED_STAGES`` that bring the prompt within the
        budget (all of them, and then the farthest 'Elsewhere' rooms one by one, when none does);
        unchanged when it fits already."""
        stage = 0
        while self.length(view, pairs) > self.budget and stage < len(ORDERED_STAGES) - 1:
            stage += 1
            view, pairs = shortened(view, pairs, stage)
        while self.length(view, pairs) > self.budget:
            fewer = _drop_farthest(view)
            if fewer is None:
                break
            view = fewer
        return view, pairs

    def _build_chat(self, view: View, pairs: list[tuple[str, str]]) -> list[int]:
        obs = view.observation
        while True:
            shown = replace(view, observation=obs)
            messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": prompt_text(shown, pairs)}]
            ids = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True)
            if hasattr(ids, "keys"):
                ids = ids["input_ids"]
            if len(ids) <= self.budget:
                return list(ids)
            if pairs:
                pairs = pairs[1:]
            elif len(obs) > 16:
                obs = obs[len(obs) // 4:]
            else:
                return list(ids)[-self.budget:]


def shortened(view: View, pairs: list[tuple[str, str]], stage: int) -> tuple[View, list[tuple[str, str]]]:
    """What stage ``stage`` (1-based, ``ORDERED_STAGES``) of the ordered fit leaves, given what the
    stages before it left."""
    name = ORDERED_STAGES[stage - 1]
    if name == "older pairs":
        return view, pairs[-1:]
    if name == "latest pair":
        return view, []
    if name.startswith("prose"):
        keep = 1 if name == "prose to one sentence" else PROSE_SENTENCES
        return (replace(view, observation=trim_prose(view.observation, keep)),
                [(trim_prose(obs, keep), cmd) for obs, cmd in pairs])
    if name == "goal repeats":  # the to-do line says them next to the commands
        goal = view.goal
        for todo in view.todo:
            goal = goal.replace(todo, "")
        return replace(view, goal=" ".join(goal.split())), pairs
    if name == "goal line":
        return (replace(view, goal="") if view.todo else view), pairs
    return view, pairs


WANTED = "Wanted: "  # the journal line of where the quest's things were seen (game/journal.py)
NAMED = "Named: "  # in its place while a request is open: where what the request names was seen


def request_view(view: View, names: bool = False) -> View:
    """The view with its quest on hold while it has a request: no goal, to-do or 'Wanted' line,
    so a model reads what to do from the player's words alone (unchanged without a request).
    With ``names``, a 'Named' line takes the Wanted line's place: where the actor remembers the
    things and rooms the words name, and the asker; the words still say what to do with them."""
    if not view.directive:
        return view
    notes = [line for line in view.notes if not line.startswith(WANTED)]
    if names and view.named:
        notes.append(NAMED + view.named)
    return replace(view, goal="", todo=[], notes=notes, quest_on_hold=True)


def trim_prose(text: str, sentences: int) -> str:
    """``text`` with each line of prose cut to its first ``sentences`` sentences (the lines that
    list things and exits are kept whole)."""
    lines = []
    for line in text.split("\n"):
        parts = [] if line.startswith(_LISTING) else _SENTENCE_END.split(line)
        lines.append(" ".join(parts[:sentences]) if len(parts) > sentences else line)
    return "\n".join(lines)


def _drop_farthest(view: View) -> View | None:
    """The view without the last (farthest) room of its journal's 'Elsewhere' line, or None when
    it has none left."""
    for k, line in enumerate(view.notes):
        if line.startswith(ELSEWHERE):
            rooms = line[len(ELSEWHERE):].split("; ")[:-1]
            notes = list(view.notes)
            if rooms:
                notes[k] = ELSEWHERE + "; ".join(rooms)
            else:
                del notes[k]
            return replace(view, notes=notes)
    return None


def _flat(pieces: tuple[str, list[str], str, str]) -> list[str]:
    head, past, obs, state = pieces
    return [head, *past, obs, state]


def layout(view: View, pairs: list[tuple[str, str]]) -> tuple[str, list[str], str, str]:
    """The prompt's text in pieces: goal, earlier pairs, current observation, present state and ``>``.

    The pieces let the builder drop old pairs and trim the observation by tokens.
    """
    told = f"Told: {view.directive}\n" if view.directive else ""
    carrying = ", ".join(view.inventory) or "nothing"
    todo = "" if view.quest_on_hold else f"To do: {' '.join(view.todo) or 'nothing'}\n"
    notes = "".join(f"{line}\n" for line in view.notes)
    head = f"Goal: {view.goal}\n\n" if view.goal else ""  # the ordered fit may drop it
    return (head, [f"{obs}\n> {cmd}\n" for obs, cmd in pairs], f"{view.observation}\n",
            f"{notes}{todo}{told}Carrying: {carrying}\n>")


def prompt_text(view: View, pairs: list[tuple[str, str]]) -> str:
    """The whole prompt as text (the corpus lays documents out with it, so pretraining
    sees states as the policy does; its views carry no journal notes)."""
    head, past, obs, state = layout(view, pairs)
    return head + "".join(past) + obs + state
