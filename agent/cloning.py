"""Cloning: cross-entropy on the expert's commands, validation, and the settling passes.

The policy is trained to put its probability on the expert's command: cross-entropy over
the admissible commands, i.e. over the choose-mode distribution pi(a|s) itself, so nothing
changes between imitation and RL but the loss. With ``value_coef`` > 0 the value head
learns the discounted return the expert's walkthrough collects from each state. With
``generate_coef`` > 0 the same cross-entropy is also taken over generate mode's distribution
(the command written token by token over the admissible commands' trie, read from the same
forward pass), so one model can both choose and write its commands.

``settle`` ends a run with passes over every state gathered while the learning rate falls
linearly to zero: at a constant rate the last step leaves the weights wherever the last
batches pushed them; annealing settles them where the whole data set puts them.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING

import torch

from agent.checkpoint import load_policy
from agent.demos import Demo
from agent.lora import LoraSettings, lora_policy, lora_settings, model_name
from agent.metrics import say
from agent.policy import LMPolicy

if TYPE_CHECKING:
    from agent.imitate_config import ImitateConfig


@dataclass
class Encoded:
    """Demonstrations as token ids, ready to score."""

    prompts: list[list[int]] = field(default_factory=list)
    candidates: list[list[list[int]]] = field(default_factory=list)
    words: list[list[int]] = field(default_factory=list)
    actions: list[int] = field(default_factory=list)
    returns: list[float] = field(default_factory=list)
    also: list[tuple[int, ...]] = field(default_factory=list)

    def pick(self, idx: list[int]) -> Encoded:
        return Encoded(**{f.name: [getattr(self, f.name)[i] for i in idx] for f in fields(self)})

    def __add__(self, other: Encoded) -> Encoded:
        return Encoded(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})


def encode(policy: LMPolicy, demos: list[Demo], gamma: float) -> Encoded:
    cand_ids, words = policy.encode_candidates([d.candidates for d in demos])
    return Encoded(policy.encode_views([d.view for d in demos]), cand_ids, words, [d.action for d in demos],
                   [d.value_target(gamma) for d in demos], [d.also for d in demos])


def demo_loss(policy: LMPolicy, data: Encoded, idx: list[int], value_coef: float = 0.0,
              generate_coef: float = 0.0) -> tuple[torch.Tensor, int, float]:
    """Mean cross-entropy of the expert's commands over states ``idx`` (plus ``value_coef`` x the
    value head's squared error and ``generate_coef`` x the cross-entropy over generate mode's
    distribution), how many the policy's likeliest command is among them, and that squared
    error. Where a state has ties (``also``), the target is the set: the probability the policy
    gives all of them together."""
    scored = policy.score([data.prompts[i] for i in idx], [data.candidates[i] for i in idx],
                          [data.words[i] for i in idx], method="packed", written=generate_coef > 0)
    good = torch.zeros_like(scored.logp, dtype=torch.bool)
    for row, i in enumerate(idx):
        good[row, [data.actions[i], *data.also[i]]] = True

    def cross_entropy(logp: torch.Tensor) -> torch.Tensor:
        return -logp.masked_fill(~good, float("-inf")).logsumexp(-1).mean()

    loss = cross_entropy(scored.logp)
    if scored.written is not None:
        loss = loss + generate_coef * cross_entropy(scored.written)
    best = scored.logp.masked_fill(scored.valid == 0, float("-inf")).argmax(-1)
    hits = good.gather(1, best[:, None])
    targets = torch.tensor([data.returns[i] for i in idx], device=scored.values.device)
    value_error = (scored.values - targets).pow(2).mean()
    return loss + value_coef * value_error, int(hits.sum()), float(value_error.detach())


@torch.no_grad()
def accuracy(policy: LMPolicy, data: Encoded, batch: int) -> tuple[float, float, float]:
    """(mean cross-entropy, share of states where the likeliest command is the expert's,
    mean squared error of the value head)."""
    if not data.actions:
        return float("nan"), float("nan"), float("nan")
    total, hits, value_total = 0.0, 0, 0.0
    for start in range(0, len(data.actions), batch):
        idx = list(range(start, min(start + batch, len(data.actions))))
        loss, hit, value_error = demo_loss(policy, data, idx)
        total += float(loss) * len(idx)
        hits += hit
        value_total += value_error * len(idx)
    n = len(data.actions)
    return total / n, hits / n, value_total / n


def fit(policy: LMPolicy, optimizer, data: Encoded, config: ImitateConfig, rng: random.Random, what: str,
         lr_at: Callable[[int], float] | None = None) -> float:
    """One shuffled pass over ``data``; returns the mean loss. ``lr_at(step)``, if given, sets the
    learning rate before each step of the pass (counted from 0)."""
    from tqdm import tqdm
    order = list(range(len(data.actions)))
    rng.shuffle(order)
    losses = []
    with tqdm(total=len(order), desc=what, unit="state", disable=not config.progress, dynamic_ncols=True,
              leave=False) as bar:
        for step, lo in enumerate(range(0, len(order), config.batch)):
            if lr_at is not None:
                for group in optimizer.param_groups:
                    group["lr"] = lr_at(step)
            losses.append(train_step(policy, optimizer, data, order[lo:lo + config.batch], config.value_coef,
                                     config.generate_coef))
            bar.update(len(order[lo:lo + config.batch]))
            bar.set_postfix(loss=f"{sum(losses[-50:]) / len(losses[-50:]):.3f}")
    return sum(losses) / max(len(losses), 1)


def train_step(policy: LMPolicy, optimizer, data: Encoded, idx: list[int], value_coef: float = 0.0,
               generate_coef: float = 0.0) -> float:
    """One optimizer step on states ``idx`` (gradients clipped to norm 1); returns the loss."""
    loss, _, _ = demo_loss(policy, data, idx, value_coef, generate_coef)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(policy.parameters(), 1.0)
    optimizer.step()
    return loss.item()


def clone(policy: LMPolicy, optimizer, train: Encoded, config: ImitateConfig, rng: random.Random,
          validation: Validation) -> list[dict]:
    """Validation before training, then ``config.epochs`` shuffled passes over ``train``, each
    measured; returns the lines (``epoch``, ``train_loss``, then the validation figures)."""
    history = [validation.measure(policy, {"epoch": 0, "train_loss": None}, _epoch_message)]
    for epoch in range(1, config.epochs + 1):
        loss = fit(policy, optimizer, train, config, rng, f"epoch {epoch}")
        validation.report(wait=False)
        history.append(validation.measure(policy, {"epoch": epoch, "train_loss": loss}, _epoch_message))
    return history


def settle(policy: LMPolicy, optimizer, train: Encoded, config: ImitateConfig, rng: random.Random,
           validation: Validation) -> list[dict]:
    """``config.settle_epochs`` passes over ``train`` while the learning rate falls linearly from
    ``config.lr`` to zero over all of their steps, each measured; returns the lines."""
    settling = []
    per_epoch = math.ceil(len(train.actions) / config.batch)
    steps = config.settle_epochs * per_epoch
    for epoch in range(1, config.settle_epochs + 1):
        done = (epoch - 1) * per_epoch
        loss = fit(policy, optimizer, train, config, rng, f"settle {epoch}",
                   lr_at=lambda step, done=done: config.lr * (1 - (done + step) / steps))
        validation.report(wait=False)
        settling.append(validation.measure(policy, {"epoch": epoch, "train_loss": round(loss, 4)}, _settle_message))
    return settling


def _epoch_message(line: dict) -> str:
    return f"epoch {line['epoch']}: " + ", ".join(f"{k} {v:.4f}" for k, v in line.items()
                                                  if k != "epoch" and v is not None and not math.isnan(v))


def _settle_message(line: dict) -> str:
    return "settle " + _epoch_message(line)


class Validation:
    """Validation accuracy after each pass, measured here or, with ``workers`` > 1 on the CPU, by a
    helper process on a copy of the weights while training goes on (the same floats: the helper
    loads the same model and runs as many threads). Lines are filled in and reported in order."""

    def __init__(self, policy: LMPolicy, val: Encoded, config: ImitateConfig) -> None:
        self.val, self.batch = val, config.batch
        self.pending: list[tuple[object, dict, Callable[[dict], str]]] = []
        self.pool = None
        if config.workers > 1 and config.device == "cpu":
            from agent.helper import start_helper
            self.pool = start_helper(_validation_setup, config.model, policy.config, val, config.batch,
                                     lora_settings(config))

    def measure(self, policy: LMPolicy, line: dict, message: Callable[[dict], str]) -> dict:
        """Measure the policy as it is now; ``line`` (returned) gets the figures when reported."""
        if self.pool is None:
            job = accuracy(policy, self.val, self.batch)
        else:
            job = self.pool.submit(_validation_job, {k: v.detach().cpu().clone() for k, v in
                                                     policy.state_dict().items()})
        self.pending.append((job, line, message))
        if self.pool is None:
            self.report(wait=False)  # measured already: say it now
        return line

    def report(self, wait: bool) -> None:
        """Fill in and print the measured lines, oldest first (``wait``: all of them, then stop the helper)."""
        from agent.helper import result
        while self.pending:
            job, line, message = self.pending[0]
            if self.pool is not None and not (wait or job.done()):
                return
            val_loss, val_acc, val_value = job if self.pool is None else result(job)
            line.update(val_loss=round(val_loss, 4), val_accuracy=round(val_acc, 4),
                        val_value_error=round(val_value, 4))
            say(message(line))
            self.pending.pop(0)
        if wait and self.pool is not None:
            self.pool.shutdown()
            self.pool = None


def _validation_setup(model: str, policy_config, val: Encoded, batch: int, lora: LoraSettings | None) -> dict:
    policy = load_policy(model, **asdict(policy_config))
    if lora is not None:  # the same modules as the trained policy, so its weights load
        lora_policy(policy, lora, model_name(model))
    return {"policy": policy, "val": val, "batch": batch}


def _validation_job(weights: dict) -> tuple[float, float, float]:
    from agent.helper import helper_state
    state = helper_state()
    state["policy"].load_state_dict(weights)
    state["policy"].model.eval()
    return accuracy(state["policy"], state["val"], state["batch"])


