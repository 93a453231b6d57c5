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

This module holds a run's order (its settings: ``agent/imitate_config.py``); the pieces live apart:
``agent/demos.py`` gathers the demonstrations, ``agent/cloning.py`` holds the loss, the
passes, validation and settling, ``agent/dagger.py`` the DAgger rounds.
"""

from __future__ import annotations

import random
import time
from dataclasses import asdict
from pathlib import Path

import torch

from agent.checkpoint import export_policy, load_policy, machine
from agent.cloning import Validation, clone, encode, settle
from agent.dagger import dagger
from agent.demos import (bundled_demos, bundled_request_walkthroughs, request_walkthroughs, solver_demos,
                         split_by_world)
from agent.imitate_config import ImitateConfig
from agent.lora import lora_policy, lora_settings, model_name, trainable
from agent.metrics import say
from agent.policy import LMPolicy
from agent.steady import steady_layer_norms
from game.errors import LanternError
from game.files import check_output_folder

RECORD = "imitate.json"


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
    train_demos += bundled_demos(config.bundled, config.expert, config.env_settings(), config.authored,
                                 config.authored_reskins, config.seed)
    train_demos += bundled_request_walkthroughs(config)
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
                         journal_wording=config.journal_wording, request_first=config.request_first,
                         request_names=config.request_names)
    steady_layer_norms(policy.model)  # training on N threads gives the 1-thread floats
    if config.lora:
        lora_policy(policy, lora_settings(config), model_name(config.model))
    policy.to(config.device)
    policy.model.eval()  # no dropout: the same function as when acting
    return policy


def _model_meta(config: ImitateConfig, record: dict) -> dict:
    """What the written model folder says of its training (its card's ``trained_on`` and more)."""
    meta = {"trained_on": {"difficulty": [config.difficulty, config.max_difficulty or config.difficulty],
                           "seeds": list(config.train_seeds),
                           **({"vocabulary": config.vocabulary} if config.vocabulary != "plain" else {}),
                           **({"mechanics": config.mechanics} if config.mechanics != "level" else {})},
            "start_model": config.model, "imitation": {k: record[k] for k in ("walkthroughs", "train_states")}}
    if config.request_worlds:
        meta["trained_on"]["request_worlds"] = config.request_worlds  # companion worlds, training phrasings
    return meta

