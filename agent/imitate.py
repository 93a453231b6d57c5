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
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import torch

from agent.checkpoint import export_policy, load_policy, machine
from agent.lora import LoraSettings, check_lora, lora_policy, lora_settings, model_name, trainable
from agent.metrics import say as _say
from agent.policy import LMPolicy, PolicyConfig
from agent.prompt import View
from agent.worlds import check_train_seeds
from game.cli import check_vocabulary
from game.env import LanternEnv
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
        from agent.device import check_device
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


@dataclass
class Demo:
    """One state of a walkthrough: what the policy sees, the expert's choice, and the rewards
    the expert's walkthrough collects from there (each step's own reward, soonest first)."""

    view: View
    candidates: list[str]
    action: int
    world: tuple[int, int] = (0, 0)  # (difficulty, seed), to split by world
    rewards: tuple[float, ...] = ()
    also: tuple[int, ...] = ()  # other candidates as good as ``action`` (ties), also taught

    def value_target(self, gamma: float) -> float:
        return sum(r * gamma ** k for k, r in enumerate(self.rewards))


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


def walkthrough_demos(env: LanternEnv, steps: list[tuple[str, str]], env_seed: int = 0,
                      where: tuple[int, int] = (0, 0), alternatives: bool = False) -> list[Demo]:
    """Play ``steps`` ((actor id, command) pairs, as ``Solution.steps``) in ``env`` and return the
    state before each, as the acting actor's policy would see it (each actor has its own history:
    in a co-operative world every keeper is an NPC the model may drive).

    Raises:
        LanternError: a command is not among the admissible ones (the walkthrough
            does not fit this env).
    """
    env.reset(seed=env_seed)
    history: dict[str, list[tuple[str, str]]] = {}
    demos = []
    rewards: dict[str, list[float]] = {}  # per actor, the reward of each of its steps
    for actor, command in steps:
        obs, info = env.observation(actor), env.info(actor)
        candidates = list(info["admissible_commands"])
        if command not in candidates:
            raise LanternError(f"walkthrough command {command!r} is not admissible in {where}; "
                               f"the solver and the admissible commands disagree")
        mine = history.setdefault(actor, [])
        demos.append(Demo(View.from_info(obs, info, mine), candidates, candidates.index(command), where,
                          also=_ties(env, actor, command, candidates) if alternatives else ()))
        mine.append((obs, command))
        _, reward, terminated, truncated, _ = env.step(command, actor=actor)
        rewards.setdefault(actor, []).append(float(reward))
        if terminated or truncated:
            break
    taken: dict[str, int] = {}
    for demo, (actor, _) in zip(demos, steps):  # each state: its actor's rewards from its own step on
        k = taken[actor] = taken.get(actor, -1) + 1
        demo.rewards = tuple(rewards[actor][k:])
    return demos


def training_worlds(config: ImitateConfig, count: int, stage: str) -> list[tuple[int, int]]:
    """``count`` (difficulty, seed) pairs per level, drawn from the training seeds for ``stage``."""
    picked = []
    for level in config.levels:
        rng = random.Random(f"{config.seed}/{stage}/{level}")
        picked += [(level, seed) for seed in sorted(rng.sample(range(*config.train_seeds), count))]
    return picked


def solver_demos(config: ImitateConfig) -> list[Demo]:
    """Walkthrough states of ``config.worlds`` generated worlds per level."""
    from game.generator import generate
    from game.solver import Unsolvable
    demos: list[Demo] = []
    for level, seed in training_worlds(config, config.worlds, "imitate"):
        world = generate(level, seed, vocabulary=config.vocabulary)
        try:
            steps = expert_walkthrough(world, config.expert, config.read_commands)
        except Unsolvable:
            continue
        demos += walkthrough_demos(LanternEnv(world, **config.env_settings()), steps, where=(level, seed),
                                   alternatives=config.alternatives)
    return demos


def request_walkthroughs(config: ImitateConfig) -> list[Demo]:
    """The shortest plans of ``config.request_worlds`` generated requests per level (none when 0)."""
    from agent.requests_train import case_seed, request_demos, request_env
    where = training_worlds(config, config.request_worlds, "requests") if config.request_worlds else []
    envs = [request_env(level, seed, case_seed(config.seed, "requests", level, seed), config.request_kinds)
            for level, seed in where]
    return request_demos(envs, where)


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


def _ties(env: LanternEnv, actor: str, command: str, candidates: list[str]) -> tuple[int, ...]:
    from game.guide import optimal_alternatives
    return tuple(candidates.index(c) for c in optimal_alternatives(env, actor, command, candidates))


def expert_walkthrough(world, expert: str, read_commands: bool = False) -> list[tuple[str, str]]:
    """The expert's (actor id, command) walkthrough of ``world`` from its start (the guide reads
    each readable thing it finds when ``read_commands``)."""
    if expert == "guide":
        from game.guide import guided_game
        return guided_game(world, read_commands=read_commands)[1]
    from game.solver import solve
    return list(solve(world).steps)


def bundled_demos(copies: int, expert: str = "solver", settings: dict | None = None) -> list[Demo]:
    """Each bundled world's walkthrough, ``copies`` times (level 0 marks them; never validation:
    there is one walkthrough per world, so a held-out copy would only measure memory); ``settings``
    are the env's ``for_agent`` settings."""
    settings = settings or {}
    from agent.corpus import WORLDS_DIR
    from game.loader import load_world
    demos: list[Demo] = []
    if copies == 0:  # solving the manor is not free: skip it when no copy is wanted
        return demos
    for index, path in enumerate(sorted(WORLDS_DIR.glob("*.toml"))):
        world = load_world(path)
        steps = expert_walkthrough(world, expert, settings.get("read_commands", False))
        demos += walkthrough_demos(LanternEnv(world, **settings), steps, where=(0, index)) * copies
    return demos


def expert_plan(env: LanternEnv, actor: str | None = None, expert: str = "solver") -> tuple[str, tuple[float, ...]] | None:
    """The first command of the expert's walkthrough from the env's current state, and the rewards
    ``actor`` collects along that walkthrough (None: lost, or nothing left to do). The env is
    put back as it was."""
    from game.guide import guided_walkthrough
    from game.solver import Unsolvable, solve
    snap = env.snapshot()
    try:
        if expert == "guide":
            steps, step_rewards = guided_walkthrough(env)
        else:
            steps = solve(env.world, from_current=True).steps
            step_rewards = [float(env.step(command, actor=who)[1]) for who, command in steps]
    except Unsolvable:
        return None
    finally:
        env.restore(snap)
    if not steps:
        return None
    actor = actor or env.player_id
    rewards = tuple(r for (who, _), r in zip(steps, step_rewards) if who == actor)
    return steps[0][1], rewards


@torch.no_grad()
def policy_demos(policy: LMPolicy, worlds: list[tuple[int, int]], generator: torch.Generator, batch: int = 32,
                 slack: float = 2.0, expert: str = "solver", alternatives: bool = False,
                 vocabulary: str = "plain") -> tuple[list[Demo], float]:
    """DAgger: the policy plays ``worlds`` (sampling, as the NPC plays); every state it reaches is labelled with the
    solver's next command from there. Episodes stop at ``slack`` x optimal + 4 moves (after
    that a looping policy only repeats states).

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
            world = generate(level, seed, vocabulary=vocabulary)
            envs.append(LanternEnv(world, max_steps=int(slack * len(solve(world))) + 4, **policy.config.env_settings()))
        obs, infos = map(list, zip(*(env.reset(seed=0) for env in envs)))
        history: list[list[tuple[str, str]]] = [[] for _ in envs]
        live = list(range(len(envs)))
        while live:
            labels = {i: expert_plan(envs[i], expert=expert) for i in live}
            live = [i for i in live if labels[i] is not None]
            if not live:
                break
            views = [View.from_info(obs[i], infos[i], history[i]) for i in live]
            cands = [list(infos[i]["admissible_commands"]) for i in live]
            acted, *_ = policy.act(views, cands, generator)
            still = []
            for k, i in enumerate(live):
                command, rewards = labels[i]
                also = _ties(envs[i], envs[i].player_id, command, cands[k]) if alternatives else ()
                demos.append(Demo(views[k], cands[k], cands[k].index(command), part[i], rewards, also))
                history[i].append((obs[i], acted.commands[k]))
                obs[i], _, terminated, truncated, infos[i] = envs[i].step(acted.commands[k])
                won += bool(infos[i]["won"])
                if not (terminated or truncated):
                    still.append(i)
            live = still
    return demos, won / max(len(worlds), 1)


def split_by_world(demos: list[Demo], val_fraction: float, seed: int) -> tuple[list[Demo], list[Demo]]:
    """Hold out whole worlds (not single states) so validation measures generalisation."""
    worlds = sorted({d.world for d in demos})
    random.Random(f"{seed}/split").shuffle(worlds)
    held = set(worlds[:int(len(worlds) * val_fraction)])
    return [d for d in demos if d.world not in held], [d for d in demos if d.world in held]


def encode(policy: LMPolicy, demos: list[Demo], gamma: float) -> Encoded:
    cand_ids, words = policy.encode_candidates([d.candidates for d in demos])
    return Encoded(policy.encode_views([d.view for d in demos]), cand_ids, words, [d.action for d in demos],
                   [d.value_target(gamma) for d in demos], [d.also for d in demos])


def demo_loss(policy: LMPolicy, data: Encoded, idx: list[int],
              value_coef: float = 0.0) -> tuple[torch.Tensor, int, float]:
    """Mean cross-entropy of the expert's commands over states ``idx`` (plus ``value_coef`` x the
    value head's squared error), how many the policy's likeliest command is among them, and that
    squared error. Where a state has ties (``also``), the target is the set: the probability
    the policy gives all of them together."""
    scored = policy.score([data.prompts[i] for i in idx], [data.candidates[i] for i in idx],
                          [data.words[i] for i in idx], method="packed")
    good = torch.zeros_like(scored.logp, dtype=torch.bool)
    for row, i in enumerate(idx):
        good[row, [data.actions[i], *data.also[i]]] = True
    logp = scored.logp.masked_fill(~good, float("-inf")).logsumexp(-1)
    best = scored.logp.masked_fill(scored.valid == 0, float("-inf")).argmax(-1)
    hits = good.gather(1, best[:, None])
    targets = torch.tensor([data.returns[i] for i in idx], device=scored.values.device)
    value_error = (scored.values - targets).pow(2).mean()
    return -logp.mean() + value_coef * value_error, int(hits.sum()), float(value_error.detach())


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
    policy = load_policy(config.model, length_norm=config.length_norm, history=config.history,
                         prompt_tokens=config.prompt_tokens, journal=config.journal, mode="choose",
                         temperature=1.0, prompt_fit=config.prompt_fit, read_commands=config.read_commands,
                         journal_wording=config.journal_wording)
    if config.lora:
        lora_policy(policy, lora_settings(config), model_name(config.model))
    policy.to(config.device)
    policy.model.eval()  # no dropout: the same function as when acting
    demos = solver_demos(config) + request_walkthroughs(config)
    train_demos, val_demos = split_by_world(demos, config.val_fraction, config.seed)
    train_demos += bundled_demos(config.bundled, config.expert, config.env_settings())
    train, val = encode(policy, train_demos, config.gamma), encode(policy, val_demos, config.gamma)
    _say(f"imitate: {len(train.actions)} training states, {len(val.actions)} validation states "
         f"from {len({d.world for d in demos})} walkthroughs")
    validation = Validation(policy, val, config)
    history = [validation.measure(policy, {"epoch": 0, "train_loss": None}, _epoch_message)]
    optimizer = torch.optim.Adam(trainable(policy), lr=config.lr, eps=1e-5)
    rng = random.Random(f"{config.seed}/batches")
    for epoch in range(1, config.epochs + 1):
        loss = _fit(policy, optimizer, train, config, rng, f"epoch {epoch}")
        validation.report(wait=False)
        history.append(validation.measure(policy, {"epoch": epoch, "train_loss": loss}, _epoch_message))
    rounds = []
    generator = torch.Generator().manual_seed(config.seed)
    for r in range(1, config.dagger_rounds + 1):
        new, won = policy_demos(policy, training_worlds(config, config.dagger_worlds, f"dagger/{r}"), generator,
                                expert=config.expert, alternatives=config.alternatives,
                                vocabulary=config.vocabulary)
        asked, followed = request_dagger(policy, config, r, generator)
        new += asked
        fresh = encode(policy, new, config.gamma)
        data = fresh + train.pick(rng.sample(range(len(train.actions)), min(len(train.actions), len(new))))
        train = train + fresh
        loss = _fit(policy, optimizer, data, config, rng, f"dagger {r}")
        validation.report(wait=False)
        line = {"round": r, "policy_success": round(won, 4), "new_states": len(new), "train_loss": round(loss, 4)}
        if config.request_worlds:
            line["request_success"] = round(followed, 4)
        rounds.append(validation.measure(policy, line, _dagger_message))
    settling = []
    per_epoch = math.ceil(len(train.actions) / config.batch)
    steps = config.settle_epochs * per_epoch
    for epoch in range(1, config.settle_epochs + 1):
        done = (epoch - 1) * per_epoch
        loss = _fit(policy, optimizer, train, config, rng, f"settle {epoch}",
                    lr_at=lambda step, done=done: config.lr * (1 - (done + step) / steps))
        validation.report(wait=False)
        settling.append(validation.measure(policy, {"epoch": epoch, "train_loss": round(loss, 4)}, _settle_message))
    validation.report(wait=True)
    record = {"config": {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(config).items()
                         if k not in ("force", "progress")},
              "walkthroughs": len({d.world for d in demos}), "train_states": len(train.actions),
              "val_states": len(val.actions), "epochs": history, "dagger": rounds, "settle": settling,
              "seconds": round(time.time() - start, 1),
              "machine": machine()}
    meta = {"trained_on": {"difficulty": [config.difficulty, config.max_difficulty or config.difficulty],
                           "seeds": list(config.train_seeds),
                           **({"vocabulary": config.vocabulary} if config.vocabulary != "plain" else {})},
            "start_model": config.model, "imitation": {k: record[k] for k in ("walkthroughs", "train_states")}}
    if config.request_worlds:
        meta["trained_on"]["request_worlds"] = config.request_worlds  # companion worlds, training phrasings
    export_policy(policy.to("cpu"), out, meta, {RECORD: record})
    _say(f"imitate: wrote {out} in {record['seconds']:.0f} s")
    return record


def _fit(policy: LMPolicy, optimizer, data: Encoded, config: ImitateConfig, rng: random.Random, what: str,
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
            losses.append(train_step(policy, optimizer, data, order[lo:lo + config.batch], config.value_coef))
            bar.update(len(order[lo:lo + config.batch]))
            bar.set_postfix(loss=f"{sum(losses[-50:]) / len(losses[-50:]):.3f}")
    return sum(losses) / max(len(losses), 1)


def train_step(policy: LMPolicy, optimizer, data: Encoded, idx: list[int], value_coef: float = 0.0) -> float:
    """One optimizer step on states ``idx`` (gradients clipped to norm 1); returns the loss."""
    loss, _, _ = demo_loss(policy, data, idx, value_coef)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(policy.parameters(), 1.0)
    optimizer.step()
    return loss.item()


def _epoch_message(line: dict) -> str:
    return f"epoch {line['epoch']}: " + ", ".join(f"{k} {v:.4f}" for k, v in line.items()
                                                  if k != "epoch" and v is not None and not math.isnan(v))


def _settle_message(line: dict) -> str:
    return "settle " + _epoch_message(line)


def _dagger_message(line: dict) -> str:
    return (f"dagger {line['round']}: success before this round {line['policy_success']:.3f}, "
            f"{line['new_states']} new states, train_loss {line['train_loss']:.4f}, "
            f"val_accuracy {line['val_accuracy']:.4f}")


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
            _say(message(line))
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
