"""Configuration of a training run, validated on construction (TRL style)."""

from __future__ import annotations

from dataclasses import dataclass, fields

from agent.device import check_device
from agent.kernels import check_kernels
from agent.lora import check_lora
from agent.policy import PolicyConfig
from agent.worlds import check_train_seeds, refuse_heldout
from game.cli import check_vocabulary
from game.errors import LanternError


ALGOS = ("reinforce", "ppo")
BASELINES = ("value", "group", "none")


@dataclass
class TrainConfig:
    """One training run.

    Attributes:
        model: model folder, run folder or hub id to start from.
        out: run folder (checkpoints, metrics.jsonl, episodes/, learning_curve.png).
        world: a world file to train on, or None for generated worlds.
        difficulty: generated-world difficulty to start at.
        max_difficulty: curriculum: highest difficulty (None = no curriculum).
        promote_at: curriculum: mean success rate that moves one level up.
        promote_window: curriculum: how many updates in a row that mean is taken over
            (one lucky update of a few episodes should not promote).
        train_seeds: generated-world seeds, half-open range (below the eval seeds).
        vocabulary: names of generated worlds: 'plain', 'wide' (names, prose and goal phrasings
            from a far larger vocabulary, the same maps and puzzles) or 'mixed' (wide on odd seeds).
        bundled_share: with generated worlds, the chance that a group of envs plays one of the
            bundled worlds instead (drawn per group and update; each world's whole team is
            driven by the policy in turn, and an episode may run to twice its optimum when
            that is more than ``max_episode_steps``), so RL keeps their play in its mix (0 = off).
        companion: generated worlds get a companion (Ada, sharing the player's quest): quest
            episodes drive the whole team in turn.
        request_share: with generated worlds, the chance that a group of envs plays a request
            episode instead (drawn per group and update): a companion world on a training seed
            at the run's difficulty, its NPC alone given one generated request in a training
            phrasing (``agent/requests_train.py``; 0 = off).
        request_reward: reward in the step a request episode's goal comes to hold.
        request_moves: NPC commands a request episode may take.
        request_kinds: the request kinds drawn (empty: every kind ``game.request_gen`` makes).
        algo: 'reinforce' or 'ppo'.
        mode: 'choose' among admissible commands or 'generate' commands.
        envs: environments (episodes) per update.
        group_size: envs per group sharing a world and seed (group baseline).
        steps: stop after this many environment steps in total.
        updates: stop after this many updates (None = only ``steps`` limits).
        seed: run seed (world choice, sampling).
        max_episode_steps: cap on each episode's length (None = the world's).
        lr: Adam learning rate.
        gamma: discount factor.
        gae_lambda: PPO GAE lambda.
        step_penalty: subtracted from the reward at every step.
        progress_reward: added per move a step takes off the solver's shortest walkthrough
            from the state it left (subtracted per move it adds): training-only shaping from
            the whole map, which the policy never sees. Over a won episode it sums to this
            times the optimum, the same for every won episode, so it moves credit to the step
            that earned it without changing any won episode's total (0 = off).
        reward_scale: multiplies the env's reward.
        baseline: REINFORCE baseline: 'value' head, 'group' mean, or 'none'.
        normalize_advantages: zero-mean unit-variance advantages per update.
        clip: PPO ratio clip.
        ppo_epochs: PPO passes over each rollout.
        minibatch: states per gradient chunk.
        value_coef: weight of the value loss.
        entropy_coef: weight of the entropy bonus.
        kl_coef: weight of the KL penalty to the starting model (0 = off).
        target_kl: PPO: stop the update's epochs once approx KL exceeds this (None = off).
        max_grad_norm: gradient clipping norm.
        checkpoint_every: updates between checkpoints.
        record_every: updates between saved episodes (0 = never).
        length_norm: choose-mode score normalisation ('none', 'token', 'word'; None: as
            the starting model, as are prompt_tokens, history and journal).
        temperature: policy temperature.
        top_k: generate-mode top-k (0 = off).
        prompt_tokens: prompt token budget.
        history: earlier (observation, command) pairs in the prompt.
        journal: the prompt carries the actor's journal.
        prompt_fit, read_commands, journal_wording: how an over-long prompt is cut, ``read X``
            among the candidates, the journal's wording (``PolicyConfig``; None: as the
            starting model).
        progress: show a progress bar.
        device: torch device for the model ('cpu', 'cuda', 'cuda:1', 'mps').
        workers: CPU processes: 2 or more scores the KL penalty's reference model in a helper
            process (on the CPU; the same floats, so the same weights as 1, sooner on 2 cores).
        export: when the run ends, also write the final policy (no optimizer) to this
            model folder, with ``train.json`` (settings and last metrics).
        kernels: the CPU kernels the run computes with, 'native' or 'avx2' (AVX2 on any x86-64
            CPU, so that another Intel machine gives the same floats; ``agent/kernels.py``). The CLI
            pins them before torch computes; a resumed run keeps them.
        lora: train rank-``lora`` LoRA adapters (and the value head) on the frozen model instead
            of every weight (0 = off; ``agent/lora.py``): checkpoints hold the adapter, exports
            the merged model.
        lora_alpha: the adapters' scale numerator (None: 2 * lora).
        lora_targets: module names to adapt (None: the architecture's attention projections).
    """

    model: str
    out: str
    world: str | None = None
    difficulty: int | None = None
    max_difficulty: int | None = None
    promote_at: float = 0.8
    promote_window: int = 3
    train_seeds: tuple[int, int] = (0, 1000)
    vocabulary: str = "plain"
    bundled_share: float = 0.0
    companion: bool = False
    request_share: float = 0.0
    request_reward: float = 1.0
    request_moves: int = 10
    request_kinds: tuple[str, ...] = ()
    algo: str = "ppo"
    mode: str = "choose"
    envs: int = 8
    group_size: int = 1
    steps: int = 50_000
    updates: int | None = None
    seed: int = 0
    max_episode_steps: int | None = None
    lr: float = 1e-4
    gamma: float = 0.99
    gae_lambda: float = 0.95
    step_penalty: float = 0.0
    progress_reward: float = 0.0
    reward_scale: float = 1.0
    baseline: str = "value"
    normalize_advantages: bool = True
    clip: float = 0.2
    ppo_epochs: int = 4
    minibatch: int = 64
    value_coef: float = 0.5
    entropy_coef: float = 0.01
    kl_coef: float = 0.0
    target_kl: float | None = 0.05
    max_grad_norm: float = 1.0
    checkpoint_every: int = 10
    record_every: int = 10
    length_norm: str | None = None
    temperature: float = 1.0
    top_k: int = 0
    prompt_tokens: int | None = None
    history: int | None = None
    journal: bool | None = None
    prompt_fit: str | None = None
    read_commands: bool | None = None
    journal_wording: int | None = None
    progress: bool = True
    device: str = "cpu"
    workers: int = 1
    export: str | None = None
    kernels: str = "native"
    lora: int = 0
    lora_alpha: float | None = None
    lora_targets: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        from game.generator import MAX_DIFFICULTY
        self.train_seeds = tuple(self.train_seeds)
        if (self.world is None) == (self.difficulty is None):
            raise LanternError("give either --world PATH or --difficulty D")
        if self.world is not None:
            from game.assets import resolve_asset
            refuse_heldout(resolve_asset(self.world), "--world")
        if self.algo not in ALGOS:
            raise LanternError(f"--algo must be one of {', '.join(ALGOS)}, got {self.algo!r}")
        if self.baseline not in BASELINES:
            raise LanternError(f"baseline must be one of {', '.join(BASELINES)}, got {self.baseline!r}")
        if self.difficulty is not None:
            top = self.max_difficulty or self.difficulty
            if not 1 <= self.difficulty <= top <= MAX_DIFFICULTY:
                raise LanternError(f"difficulties must satisfy 1 <= --difficulty ({self.difficulty}) <= "
                                   f"--max-difficulty ({top}) <= {MAX_DIFFICULTY}")
            check_train_seeds(self.train_seeds)
        check_vocabulary(self.vocabulary, self.world)
        for name in ("envs", "group_size", "steps", "ppo_epochs", "minibatch", "checkpoint_every",
                     "promote_window", "workers"):
            if getattr(self, name) < 1:
                raise LanternError(f"--{name.replace('_', '-')} must be at least 1, got {getattr(self, name)}")
        if self.envs % self.group_size:
            raise LanternError(f"--envs ({self.envs}) must be a multiple of --group-size ({self.group_size})")
        if self.baseline == "group" and self.group_size < 2:
            raise LanternError("the group baseline needs --group-size of at least 2")
        if not 0.0 <= self.gamma <= 1.0 or not 0.0 <= self.gae_lambda <= 1.0:
            raise LanternError(f"--gamma and --gae-lambda must be in [0, 1], got {self.gamma}, {self.gae_lambda}")
        if not self.lr > 0 or not self.clip > 0 or not self.max_grad_norm > 0:
            raise LanternError("--lr, clip and max_grad_norm must be positive")
        if not 0.0 <= self.bundled_share <= 1.0:
            raise LanternError(f"--bundled-share must be in [0, 1], got {self.bundled_share}")
        if self.bundled_share and self.world is not None:
            raise LanternError("--bundled-share mixes the bundled worlds into generated ones; use it with "
                               "--difficulty, not --world")
        self._check_requests()
        if self.progress_reward < 0:
            raise LanternError(f"--progress-reward must be at least 0, got {self.progress_reward}")
        if self.updates is not None and self.updates < 1:
            raise LanternError(f"--updates must be at least 1, got {self.updates}")
        if self.max_episode_steps is not None and self.max_episode_steps < 1:
            raise LanternError(f"--max-episode-steps must be at least 1, got {self.max_episode_steps}")
        check_kernels(self.kernels)
        if self.lora_targets is not None:
            self.lora_targets = tuple(self.lora_targets)
        check_lora(self.lora, self.lora_alpha, self.lora_targets)
        self.policy_config()  # validates mode, length_norm, temperature, ...
        check_device(self.device)

    def _check_requests(self) -> None:
        from agent.requests_train import check_request_kinds
        self.request_kinds = check_request_kinds(self.request_kinds)
        if not 0.0 <= self.request_share <= 1.0:
            raise LanternError(f"--request-share must be in [0, 1], got {self.request_share}")
        if (self.request_share or self.companion) and self.world is not None:
            raise LanternError("--request-share and --companion play generated worlds with a companion; use them "
                               "with --difficulty, not --world")
        if self.request_moves < 1:
            raise LanternError(f"--request-moves must be at least 1, got {self.request_moves}")

    def policy_config(self) -> PolicyConfig:
        """These settings over PolicyConfig's defaults (validates them)."""
        return PolicyConfig(**self.policy_overrides())

    def policy_overrides(self) -> dict:
        """The policy settings this run imposes on the model it loads: the prompt's layout and
        the score's normalisation are the starting model's unless given (it was trained with
        them)."""
        given = dict(mode=self.mode, length_norm=self.length_norm, temperature=self.temperature, top_k=self.top_k,
                     prompt_tokens=self.prompt_tokens, history=self.history, journal=self.journal,
                     prompt_fit=self.prompt_fit, read_commands=self.read_commands, journal_wording=self.journal_wording)
        return {k: v for k, v in given.items() if v is not None}

    @classmethod
    def from_json(cls, data: dict) -> TrainConfig:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})
