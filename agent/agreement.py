"""How closely a model follows the guide, state by state (``eval --agreement``).

Episodes say whether a model wins; over a walkthrough of twenty moves one early slip decides
that, so they say little about where it slips. Here the guide plays each world from its start
and, at every state it reaches, the model is asked what it would do (its history the guide's own
earlier moves): the probability it puts on the guide's command and whether that is its likeliest,
walking and the other commands apart. No episode is played, so a world costs one forward pass
per state, and a model that has learnt a world's walkthrough by heart shows it (near 1.0) where
one that reads the world would show it on worlds it never saw.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import torch

from agent.policy import LMPolicy
from agent.prompt import View
from game.env import LanternEnv
from game.guide import guided_game

KINDS = ("walk", "other", "all")


@dataclass
class Agreement:
    """The model against the guide over some states: how many, the summed probability on the
    guide's command, and how many times that command was the model's likeliest."""

    states: int = 0
    probability_sum: float = 0.0
    top1_count: int = 0

    def add(self, probability: float, top: bool) -> None:
        self.states += 1
        self.probability_sum += probability
        self.top1_count += top

    def merge(self, other: Agreement) -> None:
        self.states += other.states
        self.probability_sum += other.probability_sum
        self.top1_count += other.top1_count

    @property
    def probability(self) -> float:
        return self.probability_sum / self.states if self.states else 0.0

    @property
    def top1(self) -> float:
        return self.top1_count / self.states if self.states else 0.0

    def as_dict(self) -> dict:
        return {"states": self.states, "probability": round(self.probability, 4), "top1": round(self.top1, 4)}


class Checked(NamedTuple):
    """One state of the guide's walkthrough as the model saw it."""

    step: int  # 0-based, over the whole team's moves
    actor: str
    command: str  # the guide's
    probability: float  # the model's on the guide's command
    likeliest: bool  # whether that is the model's likeliest command
    ranked: list[tuple[str, float]]  # the model's three likeliest commands
    notes: list[str]  # the journal's lines in the prompt (what the actor knows of the map and goals)


def guide_states(policy: LMPolicy, world, batch: int = 32) -> list[tuple[str, float, bool]]:
    """Along the guide's walkthrough of ``world`` (from its start, env seed 0), per state: the
    guide's command, the probability the model puts on it, and whether it is the model's likeliest.
    Each actor's prompt holds its own earlier moves, as the NPC's does in play."""
    return [(c.command, c.probability, c.likeliest) for c in checked_states(policy, world, batch)]


def checked_states(policy: LMPolicy, world, batch: int = 32) -> list[Checked]:
    """``guide_states`` with each state's step, actor, the model's likeliest commands and journal."""
    steps = guided_game(world, read_commands=policy.config.read_commands)[1]
    env = LanternEnv(world, **policy.config.env_settings())
    env.reset(seed=0)
    views, options = [], []
    earlier: dict[str, list[tuple[str, str]]] = {}
    keep = policy.config.history
    for actor, command in steps:
        obs, info = env.observation(actor), env.info(actor)
        history = earlier.setdefault(actor, [])
        views.append(View.from_info(obs, info, history[-keep:] if keep else []))
        options.append(list(info["admissible_commands"]))
        history.append((obs, command))
        env.step(command, actor=actor)
    found = []
    generator = torch.Generator().manual_seed(0)
    for start in range(0, len(views), batch):
        with torch.no_grad():
            acted, *_ = policy.act(views[start:start + batch], options[start:start + batch], generator, greedy=True)
        for k, (cands, probs) in enumerate(zip(acted.candidates, acted.probs), start):
            actor, label = steps[k]
            p = dict(zip(cands, probs)).get(label, 0.0)
            ranked = sorted(zip(cands, probs), key=lambda pair: -pair[1])[:3]
            found.append(Checked(k, actor, label, p, p == max(probs), ranked, list(views[k].notes)))
    return found


def misses(checked: list[Checked], count: int) -> list[Checked]:
    """The ``count`` states where the model put the least on the guide's command, in walkthrough order."""
    return sorted(sorted(checked, key=lambda c: c.probability)[:count], key=lambda c: c.step)


def misses_text(rows: list[tuple[str, list[Checked]]]) -> str:
    """``eval --agreement --misses N``: each world's states where the model parts from the guide most."""
    lines = ["where the model parts from the guide most (the guide's command, then the model's likeliest):"]
    for name, found in rows:
        for c in found:
            ranked = ", ".join(f"{command} {p:.2f}" for command, p in c.ranked)
            lines.append(f"{name} step {c.step + 1} ({c.actor}): `{c.command}` {c.probability:.2f}; model: {ranked}")
            lines += [f"    {note}" for note in c.notes]
    return "\n".join(lines)


def misses_as_dicts(found: list[Checked]) -> list[dict]:
    return [{"step": c.step + 1, "actor": c.actor, "command": c.command, "probability": round(c.probability, 4),
             "likeliest": [[command, round(p, 4)] for command, p in c.ranked], "notes": c.notes} for c in found]


def agreement(policy: LMPolicy, world, batch: int = 32) -> dict[str, Agreement]:
    """``checked_states`` summed up (``tally``)."""
    return tally(checked_states(policy, world, batch))


def tally(checked: list[Checked]) -> dict[str, Agreement]:
    """States already measured, summed up: one ``Agreement`` for walking (``go``) commands, one for
    the others, one for all."""
    result = {kind: Agreement() for kind in KINDS}
    for c in checked:
        result["walk" if c.command.startswith("go ") else "other"].add(c.probability, c.likeliest)
    result["all"].merge(result["walk"])
    result["all"].merge(result["other"])
    return result


def overall(rows: list[tuple[str, dict[str, Agreement]]]) -> dict[str, Agreement]:
    """The agreement over every state of ``rows``' worlds together."""
    total = {kind: Agreement() for kind in KINDS}
    for _, per in rows:
        for kind in KINDS:
            total[kind].merge(per[kind])
    return total


def agreement_table(rows: list[tuple[str, dict[str, Agreement]]]) -> str:
    """One line per world and one over all their states: probability / top-1 share per kind."""
    lines = [f"{'world':<16} {'states':>6}" + "".join(f"{kind + ': p / top-1':>20}" for kind in KINDS)]
    for name, per in rows + [("all states", overall(rows))]:
        cells = "".join(f"{per[k].probability:>13.2f} / {per[k].top1:.2f}" for k in KINDS)
        lines.append(f"{name:<16} {per['all'].states:>6}{cells}")
    return "\n".join(lines)


def agreement_as_dict(rows: list[tuple[str, dict[str, Agreement]]]) -> dict:
    """``eval --agreement --json``: per world and over all states, each kind's figures."""
    return {"per_world": [{"world": name, **{k: per[k].as_dict() for k in KINDS}} for name, per in rows],
            "all_states": {k: a.as_dict() for k, a in overall(rows).items()}}
