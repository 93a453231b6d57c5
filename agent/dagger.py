"""DAgger: the policy plays, an expert labels every state it reaches, the policy learns from both.

Cloned policies drift into states no walkthrough visits (a wrong turn, a loop) and do not
know how to recover. A DAgger round fixes that: the policy plays fresh training worlds
itself (sampling, as the NPC plays), the expert labels every state it reached with its
next command *from there*, and the policy is trained on those states together with as
many earlier ones.

``dagger_round`` is the one loop every kind of episode uses: quests in generated worlds
(``quest_dagger_demos``, labelled by ``agent.demos.expert_plan``) and in the bundled ones, whose
whole team the policy plays in turn as eval does (``bundled_dagger_demos``, labelled by
``agent.demos.team_plan``); and requests
(``agent.requests_train.request_dagger_demos``, labelled by the request's shortest plan).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import torch

from agent.cloning import Encoded, Validation, encode, fit
from agent.demos import Demo, expert_plan, team_plan, ties, training_worlds
from agent.policy import LMPolicy
from agent.prompt import View
from agent.rollout import FALLBACK
from game.env import LanternEnv

if TYPE_CHECKING:
    from agent.imitate_config import ImitateConfig
    from agent.requests_train import RequestEnv

BUNDLED_SEEDS = 10_000  # round r plays the bundled worlds from env seed r x this (eval's are below)

# The expert's next command for the acting actor (None: nothing for it to do yet, so nothing is
# taught there), and the rewards the actor collects along the expert's walkthrough.
Label = tuple[str | None, tuple[float, ...]]


@dataclass
class Episode:
    """One env a DAgger round plays: where its world comes from, and what the policy has seen."""

    env: LanternEnv | RequestEnv  # reset already; its steps are the policy's
    where: tuple[int, int]  # (difficulty, seed), as ``Demo.world``
    obs: str
    info: dict
    history: list[tuple[str, str]] = field(default_factory=list)  # (observation, command the policy took)
    team: tuple[str, ...] = ()  # actors the policy plays in turn (``game.turns.team``); () the env's own
    histories: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # a team's, per actor
    moves: int = 0

    def actor(self) -> str | None:
        """Whose turn it is (None: the env's own actor)."""
        return self.team[self.moves % len(self.team)] if self.team else None

    def seen(self) -> list[tuple[str, str]]:
        """The acting actor's history."""
        return self.histories.setdefault(self.actor(), []) if self.team else self.history

    def look(self) -> None:
        """Show the acting actor its own latest text (a team's last step was another's)."""
        if self.team:
            actor = self.actor()
            self.obs, self.info = self.env.observation(actor), self.env.info(actor)

    def step(self, command: str) -> tuple[bool, dict]:
        """The acting actor's command; (whether the episode ended, the step's info)."""
        self.seen().append((self.obs, command))
        actor = self.actor()
        self.obs, _, terminated, truncated, self.info = (self.env.step(command) if actor is None
                                                         else self.env.step(command, actor=actor))
        self.moves += 1
        return terminated or truncated, self.info


@torch.no_grad()
def dagger_round(policy: LMPolicy, episodes: list[Episode], generator: torch.Generator,
                 label: Callable[[LanternEnv | RequestEnv, str | None], Label | None],
                 succeeded: Callable[[LanternEnv | RequestEnv, dict], bool],
                 ties_of: Callable[[LanternEnv | RequestEnv, str, list[str]], tuple[int, ...]] | None = None,
                 ) -> tuple[list[Demo], int]:
    """Play ``episodes`` side by side with ``policy`` (sampling from ``generator``); label each
    state reached before the policy acts in it.

    An episode stops when it ends or when ``label`` has nothing to say (lost, done, out of
    reach). All live episodes are labelled, then act in one batch, then step. A state whose
    label has no command, or one not admissible there (a team's plan can order another
    actor's step first), is played but not taught.

    Args:
        label: the expert's next command for the acting actor (None: the env's own) from the
            env's state and its rewards (the env is put back as it was), or None.
        succeeded: after a step, whether it fulfilled the episode's task (counted once per step).
        ties_of: the indices of other candidates as good as the label (``Demo.also``), if taught.

    Returns:
        (demonstrations in the order reached, steps after which ``succeeded`` held).
    """
    demos: list[Demo] = []
    successes = 0
    live = list(range(len(episodes)))
    while live:
        for i in live:
            episodes[i].look()
        labels = {i: label(episodes[i].env, episodes[i].actor()) for i in live}
        live = [i for i in live if labels[i] is not None]
        if not live:
            break
        views = [View.from_info(episodes[i].obs, episodes[i].info, episodes[i].seen()) for i in live]
        cands = [list(episodes[i].info["admissible_commands"]) or [FALLBACK] for i in live]
        acted, *_ = policy.act(views, cands, generator)
        still = []
        for k, i in enumerate(live):
            episode, (command, rewards) = episodes[i], labels[i]
            if command in cands[k]:
                also = ties_of(episode.env, command, cands[k]) if ties_of is not None else ()
                demos.append(Demo(views[k], cands[k], cands[k].index(command), episode.where, rewards, also))
            ended, info = episode.step(acted.commands[k])
            successes += succeeded(episode.env, info)
            if not ended:
                still.append(i)
        live = still
    return demos, successes


def quest_dagger_demos(policy: LMPolicy, worlds: list[tuple[int, int]], generator: torch.Generator,
                       batch: int = 32, slack: float = 2.0, expert: str = "solver", alternatives: bool = False,
                       vocabulary: str = "plain", mechanics: str = "level") -> tuple[list[Demo], float]:
    """DAgger on quests: the policy plays the generated ``worlds``, ``batch`` at a time; every state
    it reaches is labelled with the expert's next command from there (``expert_plan``). Episodes
    stop at ``slack`` x optimal + 4 moves (after that a looping policy only repeats states).

    Returns:
        (demonstrations, share of the episodes the policy won).
    """
    from game.generator import generate
    from game.solver import solve
    demos: list[Demo] = []
    won = 0
    for lo in range(0, len(worlds), batch):
        part = worlds[lo:lo + batch]
        envs = []
        for level, seed in part:
            world = generate(level, seed, vocabulary=vocabulary, mechanics=mechanics)
            envs.append(LanternEnv(world, max_steps=int(slack * len(solve(world))) + 4, **policy.config.env_settings()))
        episodes = [Episode(env, where, *env.reset(seed=0)) for env, where in zip(envs, part)]
        new, wins = dagger_round(policy, episodes, generator, lambda env, _: expert_plan(env, expert=expert),
                                 lambda env, info: bool(info["won"]),
                                 (lambda env, command, cands: ties(env, env.player_id, command, cands))
                                 if alternatives else None)
        demos += new
        won += wins
    return demos, won / max(len(worlds), 1)


def bundled_dagger_demos(policy: LMPolicy, episodes: int, generator: torch.Generator, first_seed: int = 0,
                         expert: str = "solver", authored: bool = False, reskins: int = 0,
                         reskin_seed: int = 0) -> tuple[list[Demo], float]:
    """DAgger on the bundled worlds (and with ``authored`` those of ``assets/authored/``, or
    ``reskins`` reskins of each drawn from ``reskin_seed``):
    ``episodes`` of each (env seeds from ``first_seed``), the policy
    playing the world's whole team in turn as eval and watch do; every state is labelled with the
    acting actor's next command in the expert's walkthrough from there where it makes progress now
    (``team_plan``). Level 0 marks them, as the bundled walkthroughs.

    Returns:
        (demonstrations, share of the episodes the policy won).
    """
    from game.assets import learning_worlds
    from game.turns import team
    played = []
    for index, (_, world) in enumerate(learning_worlds(authored, reskins, reskin_seed)):
        actors, proto = tuple(team(world)), LanternEnv(world, **policy.config.env_settings())
        for k in range(episodes):
            env = proto.clone()  # its own world state; the world's tables built once
            played.append(Episode(env, (0, index), *env.reset(seed=first_seed + k), team=actors))
    moves_left: dict[str, int | None] = {}
    demos, wins = dagger_round(policy, played, generator, lambda env, actor: team_plan(env, actor, expert, moves_left),
                               lambda env, info: bool(info["won"]))
    return demos, wins / max(len(played), 1)


def request_dagger(policy: LMPolicy, config: ImitateConfig, round_: int,
                   generator: torch.Generator) -> tuple[list[Demo], float]:
    """DAgger round ``round_`` on requests: states the policy reaches, labelled from the request's
    shortest plan, and the share it fulfilled (nothing when ``request_worlds`` is 0)."""
    if not config.request_worlds:
        return [], 0.0
    from agent.requests_train import case_seed, request_dagger_demos, request_env
    stage = f"dagger-requests/{round_}"
    where = training_worlds(config, min(config.request_worlds, config.dagger_worlds), stage)
    envs = [request_env(level, seed, case_seed(config.seed, stage, level, seed), config.request_kinds,
                        moves=config.request_moves) for level, seed in where]
    return request_dagger_demos(policy, envs, where, generator)


def dagger(policy: LMPolicy, optimizer, train: Encoded, config: ImitateConfig, rng: random.Random,
           validation: Validation) -> tuple[Encoded, list[dict]]:
    """``config.dagger_rounds`` rounds: the policy plays fresh quest (and request) worlds, the new
    labelled states join ``train``, and one pass trains on them with as many earlier states.

    Returns:
        (every state gathered so far, each round's line as measured).
    """
    rounds = []
    generator = torch.Generator().manual_seed(config.seed)
    for r in range(1, config.dagger_rounds + 1):
        new, won = quest_dagger_demos(policy, training_worlds(config, config.dagger_worlds, f"dagger/{r}"),
                                      generator, expert=config.expert, alternatives=config.alternatives,
                                      vocabulary=config.vocabulary, mechanics=config.mechanics)
        asked, followed = request_dagger(policy, config, r, generator)
        new += asked
        if config.bundled_dagger:
            bundled, _ = bundled_dagger_demos(policy, config.bundled_dagger, generator, BUNDLED_SEEDS * r,
                                              config.expert, config.authored, config.authored_reskins,
                                              config.seed + r)
            new += bundled
        fresh = encode(policy, new, config.gamma)
        data = fresh + train.pick(rng.sample(range(len(train.actions)), min(len(train.actions), len(new))))
        train = train + fresh
        loss = fit(policy, optimizer, data, config, rng, f"dagger {r}")
        validation.report(wait=False)
        line = {"round": r, "policy_success": round(won, 4), "new_states": len(new), "train_loss": round(loss, 4)}
        if config.request_worlds:
            line["request_success"] = round(followed, 4)
        rounds.append(validation.measure(policy, line, _dagger_message))
    return train, rounds


def _dagger_message(line: dict) -> str:
    return (f"dagger {line['round']}: success before this round {line['policy_success']:.3f}, "
            f"{line['new_states']} new states, train_loss {line['train_loss']:.4f}, "
            f"val_accuracy {line['val_accuracy']:.4f}")
