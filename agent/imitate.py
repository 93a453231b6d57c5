"""Behaviour cloning from the solver's walkthroughs: a warm start for policy gradient.

Generated worlds on training seeds are solved; each optimal walkthrough is played
through the env, and at every step the policy sees exactly what it sees when it
acts (the same prompt, the same admissible commands). It is trained to put its
probability on the walkthrough's command: cross-entropy over the admissible
commands, i.e. over the choose-mode distribution pi(a|s) itself, so nothing
changes between imitation and RL but the loss.

The solver knows the whole world and the policy does not (it sees its last few
moves), so in some states the expert's command cannot be inferred; cloning then
learns a prior ("explore, take what the goal names") that RL sharpens afterwards.
``expert="guide"`` removes most of that noise: the guide (``game/guide.py``) follows the
solver only where the actor could know the way and otherwise explores as its journal reads.
Validation accuracy on held-out worlds is reported after each epoch.

Cloned policies drift into states no walkthrough visits (a wrong turn, a loop) and
do not know how to recover. DAgger rounds fix that: the policy plays fresh
training worlds itself (sampling, as the NPC plays), the solver labels every
state it reached with the optimal next command *from there*, and the policy is
trained on those states together with as many earlier ones.

``settle_epochs`` end the run with passes over every state gathered (walkthroughs and
DAgger labels) while the learning rate falls linearly to zero. At a constant rate the last
step leaves the weights wherever the last batches pushed them (in the bundled NPC's run
validation loss moved by up to 0.1 from one DAgger round to the next); annealing settles
them where the whole data set puts them (there: difficulty-3 paths 1.91 -> 1.60 x optimal).

With ``value_coef`` > 0 the value head learns too: each state's target is the
discounted return the expert's walkthrough collects from there (``gamma``, as the
PPO run that follows will use), so PPO starts with a critic instead of a head that
predicts zero everywhere and whose first, large errors share the trunk's gradient
with the policy.

This module holds a run's settings (``ImitateConfig``) and its order; the pieces live apart:
``agent/demos.py`` gathers the demonstrations, ``agent/cloning.py`` holds the loss, the
passes, validation and settling, ``agent/dagger.py`` the DAgger rounds.
"""

from __future__ import annotations

import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch

from agent.checkpoint import export_policy, load_policy, machine
from agent.cloning import Validation, clone, encode, say, settle
from agent.dagger import dagger
from agent.demos import bundled_demos, request_walkthroughs, solver_demos, split_by_world
from agent.lora import check_lora, lora_policy, lora_settings, model_name, trainable
from agent.policy import LMPolicy, PolicyConfig
from agent.worlds import check_train_seeds
from game.cli import check_vocabulary
from game.errors import LanternError
from game.files import check_output_folder

RECORD = "imitate.json"
EXPERTS = ("solver", "guide")


@dataclass
class ImitateConfig:
    """One behaviour-cloning run.

    Attributes:
        model: model folder or hub id to start from.
        out: model folder to write.
        difficulty: lowest generated-world difficulty.
        max_difficulty: highest (None = only ``difficulty``).
        worlds: walkthroughs per difficulty.
        train_seeds: generated-world seeds, half-open range (below the eval seeds).
        vocabulary: names of the generated worlds: 'plain', 'wide' or 'mixed' (game/generator.py).
        val_fraction: share of the worlds held out to measure accuracy.
        epochs: passes over the walkthrough states.
        dagger_rounds: rounds of playing, expert labelling and training after cloning.
        dagger_worlds: worlds per difficulty the policy plays in each round.
        settle_epochs: passes over every gathered state at the end, the learning rate
            falling linearly from ``lr`` to zero over them (0 = none).
        bundled: copies of each bundled world's walkthrough added to the training states
            (0 = none; the NPC plays those worlds in the window).
        request_worlds: companion worlds per difficulty whose NPC is given one generated request
            (training phrasings only) and shown its shortest plan, the request's words in its
            prompt; each DAgger round also plays up to ``dagger_worlds`` such request episodes
            per difficulty, labelled with the shortest plan from each state reached
            (``agent/requests_train.py``; 0 = none).
        request_kinds: the request kinds drawn (empty: every kind).
        request_moves: NPC commands a DAgger request episode may take.
        batch: states per optimizer step.
        lr: Adam learning rate.
        seed: world choice, shuffling and initialisation.
        length_norm, history, prompt_tokens: the policy settings it is trained (and saved) with.
        journal: the prompt carries the actor's journal (saved with the model).
        prompt_fit, read_commands, journal_wording: how an over-long prompt is cut, whether
            ``read X`` is among the candidates (the guide then reads each note it finds), and
            the journal's wording (``PolicyConfig``; saved with the model).
        alternatives: also teach every other non-walking command that starts an optimal
            walkthrough from a state (the solver's tie-breaks), on generated worlds.
        expert: who labels the states: ``solver`` (optimal, sees the whole map) or ``guide``
            (the solver's plan where the actor could know it, else the journal's nearest
            unexplored exit: see ``game/guide.py``; pair it with ``journal``).
        value_coef: weight of the value head's squared error (0 = the head is not trained).
        gamma: discount of the value targets (use the PPO run's).
        threads: torch CPU threads (None: torch's default).
        device: torch device for the model ('cpu', 'cuda', ...); the saved model is the same kind.
        workers: CPU processes: 2 or more measures validation in a helper process while
            training goes on (on the CPU; the same weights and figures as 1, sooner on 2 cores).
        force: replace an existing ``out`` folder.
        progress: show a progress bar.
        lora, lora_alpha, lora_targets: train LoRA adapters (and the value head) on the frozen
            model instead of every weight (``lora`` = rank, 0 = off; see ``TrainConfig``); the
            folder written holds the merged model.
    """

    model: str
    out: str
    difficulty: int = 1
    max_difficulty: int | None = None
    worlds: int = 200
    train_seeds: tuple[int, int] = (0, 1000)
    vocabulary: str = "plain"
    val_fraction: float = 0.1
    epochs: int = 3
    dagger_rounds: int = 0
    dagger_worlds: int = 50
    settle_epochs: int = 0
    bundled: int = 0
    request_worlds: int = 0
    request_kinds: tuple[str, ...] = ()
    request_moves: int = 10
    batch: int = 16
    lr: float = 3e-4
    seed: int = 0
    length_norm: str = "token"
    history: int = 4
    prompt_tokens: int = 384
    journal: bool = False
    prompt_fit: str = "oldest"
    read_commands: bool = False
    journal_wording: int = 1
    expert: str = "solver"
    alternatives: bool = False
    value_coef: float = 0.0
    gamma: float = 0.95
    threads: int | None = None
    device: str = "cpu"
    workers: int = 1
    force: bool = False
    progress: bool = True
    lora: int = 0
    lora_alpha: float | None = None
    lora_targets: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        from agent.train_config import check_device
        from game.generator import MAX_DIFFICULTY
        check_device(self.device)
        self.train_seeds = tuple(self.train_seeds)
        top = self.max_difficulty or self.difficulty
        if not 1 <= self.difficulty <= top <= MAX_DIFFICULTY:
            raise LanternError(f"difficulties must satisfy 1 <= --difficulty ({self.difficulty}) <= "
                               f"--max-difficulty ({top}) <= {MAX_DIFFICULTY}")
        check_train_seeds(self.train_seeds)
        from agent.requests_train import check_request_kinds
        self.request_kinds = check_request_kinds(self.request_kinds)
        if self.request_moves < 1:
            raise LanternError(f"--request-moves must be at least 1, got {self.request_moves}")
        check_vocabulary(self.vocabulary)
        for name in ("dagger_rounds", "settle_epochs", "bundled", "request_worlds"):
            if getattr(self, name) < 0:
                raise LanternError(f"--{name.replace('_', '-')} must be at least 0, got {getattr(self, name)}")
        if self.epochs < 0:
            raise LanternError(f"--epochs must be at least 0, got {self.epochs}")
        for name in ("worlds", "batch", "dagger_worlds", "workers"):
            if getattr(self, name) < 1:
                raise LanternError(f"--{name} must be at least 1, got {getattr(self, name)}")
        for name in ("worlds", "request_worlds", "dagger_worlds") if self.dagger_rounds else ("worlds", "request_worlds"):
            if getattr(self, name) > self.train_seeds[1] - self.train_seeds[0]:
                raise LanternError(f"--{name.replace('_', '-')} {getattr(self, name)} is more than the "
                                   f"{self.train_seeds[1] - self.train_seeds[0]} training seeds; lower it "
                                   f"or widen --train-seeds")
        if not 0.0 <= self.val_fraction < 1.0:
            raise LanternError(f"val_fraction must be in [0, 1), got {self.val_fraction}")
        if not self.lr > 0:
            raise LanternError(f"--lr must be positive, got {self.lr}")
        if self.expert not in EXPERTS:
            raise LanternError(f"--expert must be one of {', '.join(EXPERTS)}, got {self.expert!r}")
        if not self.value_coef >= 0:
            raise LanternError(f"--value-coef must be at least 0, got {self.value_coef}")
        if not 0.0 <= self.gamma <= 1.0:
            raise LanternError(f"--gamma must be in [0, 1], got {self.gamma}")
        PolicyConfig(prompt_fit=self.prompt_fit, journal_wording=self.journal_wording)  # validates them
        if self.lora_targets is not None:
            self.lora_targets = tuple(self.lora_targets)
        check_lora(self.lora, self.lora_alpha, self.lora_targets)

    def env_settings(self) -> dict:
        """What ``LanternEnv.for_agent`` needs to show the worlds as the model will read them."""
        return {"read_commands": self.read_commands, "journal_wording": self.journal_wording}

    @property
    def levels(self) -> range:
        return range(self.difficulty, (self.max_difficulty or self.difficulty) + 1)


def imitate(config: ImitateConfig) -> dict:
    """Clone the solver's walkthroughs into ``config.model``; write the result to ``config.out``.

    Returns:
        The record written as ``imitate.json`` (settings, demonstration counts, accuracies).
    """
    out = Path(config.out)
    if out.exists() and not config.force:
        raise LanternError(f"{out}: already exists; add --force to replace it, or choose another --out")
    check_output_folder(out, "--out")  # before the training, not after it
    if config.threads:
        torch.set_num_threads(config.threads)
    torch.manual_seed(config.seed)
    start = time.time()
    policy = _starting_policy(config)
    # -- demonstrations: walkthroughs (and request plans), held-out worlds, bundled copies --
    demos = solver_demos(config) + request_walkthroughs(config)
    train_demos, val_demos = split_by_world(demos, config.val_fraction, config.seed)
    train_demos += bundled_demos(config.bundled, config.expert, config.env_settings())
    train, val = encode(policy, train_demos, config.gamma), encode(policy, val_demos, config.gamma)
    say(f"imitate: {len(train.actions)} training states, {len(val.actions)} validation states "
        f"from {len({d.world for d in demos})} walkthroughs")
    validation = Validation(policy, val, config)
    optimizer = torch.optim.Adam(trainable(policy), lr=config.lr, eps=1e-5)
    rng = random.Random(f"{config.seed}/batches")
    # -- cloning, DAgger rounds, settling: one optimizer and one shuffling stream throughout --
    history = clone(policy, optimizer, train, config, rng, validation)
    train, rounds = dagger(policy, optimizer, train, config, rng, validation)
    settling = settle(policy, optimizer, train, config, rng, validation)
    validation.report(wait=True)
    record = {"config": {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(config).items()
                         if k not in ("force", "progress")},
              "walkthroughs": len({d.world for d in demos}), "train_states": len(train.actions),
              "val_states": len(val.actions), "epochs": history, "dagger": rounds, "settle": settling,
              "seconds": round(time.time() - start, 1),
              "machine": machine()}
    export_policy(policy.to("cpu"), out, _model_meta(config, record), {RECORD: record})
    say(f"imitate: wrote {out} in {record['seconds']:.0f} s")
    return record


def _starting_policy(config: ImitateConfig) -> LMPolicy:
    """``config.model`` with the policy settings it is trained (and saved) with, in eval mode."""
    policy = load_policy(config.model, length_norm=config.length_norm, history=config.history,
                         prompt_tokens=config.prompt_tokens, journal=config.journal, mode="choose",
                         temperature=1.0, prompt_fit=config.prompt_fit, read_commands=config.read_commands,
                         journal_wording=config.journal_wording)
    if config.lora:
        lora_policy(policy, lora_settings(config), model_name(config.model))
    policy.to(config.device)
    policy.model.eval()  # no dropout: the same function as when acting
    return policy


def _model_meta(config: ImitateConfig, record: dict) -> dict:
    """What the written model folder says of its training (its card's ``trained_on`` and more)."""
    meta = {"trained_on": {"difficulty": [config.difficulty, config.max_difficulty or config.difficulty],
                           "seeds": list(config.train_seeds),
                           **({"vocabulary": config.vocabulary} if config.vocabulary != "plain" else {})},
            "start_model": config.model, "imitation": {k: record[k] for k in ("walkthroughs", "train_states")}}
    if config.request_worlds:
        meta["trained_on"]["request_worlds"] = config.request_worlds  # companion worlds, training phrasings
    return meta

