"""Configuration of a training run, validated on construction (TRL style)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

from agent.config_cli import (LORA_HELP, LORA_TARGETS, MECHANICS_HELP, VOCABULARY_HELP, difficulty_level, fraction,
                              request_kinds, seed_range, setting)
from agent.kernels import CPU_HELP, CpuPinned, cpu_setting
from agent.device import check_device
from agent.lora import check_lora, parse_targets
from agent.worlds import check_train_seeds, refuse_heldout
from game.cli import check_vocabulary, positive_int
from game.errors import LanternError
from game.generator import MECHANICS, VOCABULARIES



MODES = ("choose", "generate")
ALGOS = ("reinforce", "ppo")
BASELINES = ("value", "group", "none")


# Settings the starting model carries (saved in its lantern.json by imitate): train keeps them.
MODEL_SETTINGS = ("history", "prompt-tokens", "journal", "length-norm", "temperature", "prompt-fit",
                  "read-commands", "journal-wording")
# Settings of generated worlds, off when a run plays one --world file.
GENERATED_ONLY = {"difficulty": None, "max_difficulty": None, "bundled_share": 0.0, "request_share": 0.0}
WORLDS, RUN, LEARNING = "worlds", "run", "learning"


@dataclass
class TrainConfig(CpuPinned):
    """One training run; the defaults are the shipped NPC's PPO stage (``assets/models/npc``).

    Every field is a flag of ``main.py train`` (``agent/config_cli.py``); its help says what it
    does. The starting model's prompt layout, score normalisation and temperature are kept (imitate
    sets them); ``cpu`` pins kernels, threads and processes (``agent/kernels.py``).
    """

    # -- worlds ---------------------------------------------------------------------------------
    world: str | None = setting(None, "train on this world file instead of generated worlds", group=WORLDS,
                                metavar="PATH")
    difficulty: int | None = setting(3, "train on generated worlds of difficulty D", group=WORLDS,
                                     type=difficulty_level, metavar="D")
    max_difficulty: int | None = setting(
        None, "curriculum: move up one level (to at most D) when the mean success rate of the last "
              "--promote-window updates reaches --promote-at", group=WORLDS, type=difficulty_level, metavar="D",
        shown="--difficulty: no curriculum")
    promote_at: float = setting(0.8, "curriculum threshold: mean success over --promote-window updates",
                                group=WORLDS, type=fraction, metavar="P")
    promote_window: int = setting(3, "updates the curriculum averages over before moving up (one lucky update "
                                     "should not promote)", group=WORLDS, type=positive_int, metavar="N")
    bundled_share: float = setting(
        0.25, "chance that a group of envs plays a bundled world instead (each world's whole team driven in "
              "turn; an episode may run to twice its optimum; 0 = off)", group=WORLDS, type=fraction, metavar="F")
    train_seeds: tuple[int, int] = setting((0, 1000), "generated-world seeds A <= s < B (eval seeds start at "
                                                      "1000000)", group=WORLDS, type=seed_range, metavar="A:B",
                                           shown="0:1000")
    companion: bool = setting(False, "generated worlds get a companion (Ada, sharing the quest); the policy "
                                     "drives the whole team in turn", group=WORLDS)
    request_share: float = setting(
        0.3, "chance that a group of envs plays a request episode instead: a companion world whose NPC alone "
             "is given one generated request (training phrasings only) and rewarded when it is met (0 = off)",
        group=WORLDS, type=fraction, metavar="F")
    bundled_request_share: float = setting(
        0.0, "chance that a request episode plays a bundled world instead, asked at a state along its walkthrough "
             "(0 = generated worlds only)", group=WORLDS, type=fraction, metavar="F")
    authored: bool = setting(False, "the bundled worlds of --bundled-share and --bundled-request-share include the "
                                    "hand-written training worlds of assets/authored/", group=WORLDS)
    authored_reskins: int = setting(0, "with --authored, N reskins of each hand-written training world (new names, a "
                                       "turned compass) instead of the world as written (0 = as written)",
                                    group=WORLDS, metavar="N")
    request_reward: float = setting(1.0, "reward when a request is met", group=WORLDS, metavar="X")
    request_moves: int = setting(10, "NPC commands a request episode may take", group=WORLDS, type=positive_int,
                                 metavar="N")
    request_kinds: tuple[str, ...] = setting((), "request kinds to draw, e.g. go,take", group=WORLDS,
                                             type=request_kinds, metavar="K,K", shown="every kind")
    vocabulary: str = setting("plain", VOCABULARY_HELP, group=WORLDS, choices=VOCABULARIES)
    mechanics: str = setting("level", MECHANICS_HELP, group=WORLDS, choices=MECHANICS)
    max_episode_steps: int | None = setting(40, "cap on episode length (0: the world's own)", group=WORLDS,
                                            type=int, metavar="N")

    # -- run ------------------------------------------------------------------------------------
    model: str | None = setting(None, "starting model: folder or hub id", group=RUN, metavar="M",
                                shown="the bundled model")
    algo: str = setting("ppo", "algorithm", group=RUN, choices=ALGOS)
    mode: str = setting("choose", "choose among admissible commands or generate commands", group=RUN,
                        choices=MODES)
    envs: int = setting(16, "environments (episodes) per update", group=RUN, type=positive_int, metavar="N")
    group_size: int = setting(1, "envs sharing a world and seed (the group baseline)", group=RUN,
                              type=positive_int, metavar="G")
    steps: int = setting(6000, "total environment steps", group=RUN, type=positive_int, metavar="N")
    updates: int | None = setting(None, "stop after N updates", group=RUN, type=positive_int, metavar="N")
    seed: int = setting(1, "run seed (world choice, sampling)", group=RUN)
    out: str | None = setting(None, "run folder (checkpoints, metrics.jsonl, episodes/, learning_curve.png)",
                              group=RUN, metavar="DIR", shown="runs/<algo>-<world or dD>-s<seed>")
    export: str | None = setting(None, "when done, also write the final policy to this model folder "
                                       "(e.g. assets/models/npc)", group=RUN, metavar="DIR")
    checkpoint_every: int = setting(10, "updates between checkpoints", group=RUN, type=positive_int, metavar="K")
    record_every: int = setting(10, "updates between saved episodes (0 = none)", group=RUN, metavar="K")
    device: str = setting("cpu", "torch device: cpu, cuda, cuda:N, mps", group=RUN, metavar="D")
    cpu: str = setting("pinned", CPU_HELP, group=RUN, type=cpu_setting, metavar="{pinned,native}",
                       aliases=("--kernels",))
    progress: bool = setting(True, "show a progress bar", group=RUN)
    rollout_workers: int = setting(
        0, "0: each update's episodes in one batch here; N >= 1: group by group, each group's sampling seeded "
           "by (seed, update, group) alone, on N Ray actors with --ray, or here when N is 1 without --ray",
        group=RUN,
        metavar="N")
    ray: str | None = setting(None, "play the rollout workers' episodes on Ray actors (pip install -e .[ray]): "
                                    "alone, a Ray started for the run; ADDRESS joins a cluster (auto, "
                                    "ray://host:10001)", group=RUN, metavar="ADDRESS", const="local", shown="no Ray")

    # -- learning -------------------------------------------------------------------------------
    lr: float = setting(1e-4, "Adam learning rate", group=LEARNING, metavar="X")
    gamma: float = setting(0.95, "discount", group=LEARNING, metavar="X")
    gae_lambda: float = setting(0.7, "PPO GAE lambda", group=LEARNING, metavar="X")
    step_penalty: float = setting(0.02, "reward subtracted per step", group=LEARNING, metavar="X")
    progress_reward: float = setting(
        0.2, "reward per move a step takes off the solver's shortest walkthrough (minus per move it adds): "
             "training-only shaping from the whole map that sums to the same over every won episode; a step that "
             "loses the quest is charged for the moves that were left (0 = off)",
        group=LEARNING, metavar="X")
    reward_scale: float = setting(1.0, "reward multiplier", group=LEARNING, metavar="X")
    baseline: str = setting("value", "REINFORCE baseline", group=LEARNING, choices=BASELINES)
    normalize_advantages: bool = setting(True, "zero-mean, unit-variance advantages per update", group=LEARNING)
    clip: float = setting(0.2, "PPO ratio clip", group=LEARNING, metavar="X")
    ppo_epochs: int = setting(2, "PPO passes over each rollout", group=LEARNING, type=positive_int, metavar="N")
    batch: int = setting(64, "states per gradient step (REINFORCE: per chunk of its one step)", group=LEARNING,
                         type=positive_int, metavar="N", aliases=("--minibatch",))
    value_coef: float = setting(0.1, "value loss weight", group=LEARNING, metavar="X")
    entropy_coef: float = setting(0.001, "entropy bonus weight", group=LEARNING, metavar="X")
    kl_coef: float = setting(0.2, "weight of the KL penalty to the starting model (0 = off)", group=LEARNING,
                             metavar="X")
    target_kl: float | None = setting(0.05, "PPO: stop an update's epochs once approx KL exceeds this",
                                      group=LEARNING, metavar="X")
    max_grad_norm: float = setting(1.0, "gradient clipping norm", group=LEARNING, metavar="X")
    top_k: int = setting(0, "generate mode: top-k (0 = off)", group=LEARNING, metavar="K")
    lora: int = setting(0, LORA_HELP, group=LEARNING, metavar="R")
    lora_alpha: float | None = setting(None, "LoRA scale: adapters add alpha/R times their output",
                                       group=LEARNING, metavar="A", shown="2R")
    lora_targets: tuple[str, ...] | None = setting(None, "modules to adapt, separated by commas", group=LEARNING,
                                                   type=parse_targets, metavar="NAMES", shown=LORA_TARGETS)

    def __post_init__(self) -> None:
        self.train_seeds = tuple(self.train_seeds)
        self._check_worlds()
        if self.algo not in ALGOS:
            raise LanternError(f"--algo must be one of {', '.join(ALGOS)}, got {self.algo!r}")
        if self.baseline not in BASELINES:
            raise LanternError(f"baseline must be one of {', '.join(BASELINES)}, got {self.baseline!r}")
        for name in ("envs", "group_size", "steps", "ppo_epochs", "batch", "checkpoint_every",
                     "promote_window"):
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
        if self.authored_reskins < 0:
            raise LanternError(f"--authored-reskins must be at least 0, got {self.authored_reskins}")
        if self.progress_reward < 0:
            raise LanternError(f"--progress-reward must be at least 0, got {self.progress_reward}")
        if self.updates is not None and self.updates < 1:
            raise LanternError(f"--updates must be at least 1, got {self.updates}")
        if self.max_episode_steps is not None and self.max_episode_steps < 0:
            raise LanternError(f"--max-episode-steps must be at least 0, got {self.max_episode_steps}")
        self.max_episode_steps = self.max_episode_steps or None  # 0: the world's own limit
        self.cpu = cpu_setting(self.cpu)
        if self.lora_targets is not None:
            self.lora_targets = tuple(self.lora_targets)
        check_lora(self.lora, self.lora_alpha, self.lora_targets)
        self.policy_config()  # validates mode and top_k
        check_device(self.device)
        self.model = model_or_default(self.model)
        self.out = self.out or f"runs/{self.algo}-{_stem(self.world) or f'd{self.difficulty}'}-s{self.seed}"
        self._check_ray()

    def _check_ray(self) -> None:
        if self.rollout_workers < 0:
            raise LanternError(f"--rollout-workers must be at least 0, got {self.rollout_workers}")
        if self.ray is None:
            if self.rollout_workers > 1:
                raise LanternError(f"--rollout-workers {self.rollout_workers} runs on Ray: add --ray (a local Ray) "
                                   f"or --ray ADDRESS (use 1 to play the same groups in this process)")
            return
        if not self.ray.strip():
            raise LanternError("--ray: give 'local', 'auto' or a cluster address such as ray://host:10001")
        if not self.rollout_workers:
            raise LanternError("--ray plays episodes on Ray workers: add --rollout-workers N (N >= 1)")
        from agent.lm import resolve_model
        if not isinstance(resolve_model(self.model), Path):
            raise LanternError(f"--ray: --model {self.model} is a hub id, and rollout workers load models from "
                               f"local folders only; download it to a folder and pass that folder")

    def _check_worlds(self) -> None:
        """One world file, or generated worlds (a world file turns their settings off)."""
        from game.generator import MAX_DIFFICULTY
        if self.world is not None:
            from game.assets import resolve_asset
            refuse_heldout(resolve_asset(self.world), "--world")
            defaults = {f.name: f.default for f in fields(self)}
            for name, off in GENERATED_ONLY.items():
                if getattr(self, name) not in (defaults[name], off):
                    raise LanternError(f"--{name.replace('_', '-')} {getattr(self, name)} goes with generated "
                                       f"worlds: use it with --difficulty, not --world")
                setattr(self, name, off)
            if self.companion:
                raise LanternError("--companion plays generated worlds with a companion; use it with --difficulty, "
                                   "not --world")
        elif self.difficulty is None:
            raise LanternError("give either --world PATH or --difficulty D")
        else:
            self.max_difficulty = self.max_difficulty or self.difficulty
            if not 1 <= self.difficulty <= self.max_difficulty <= MAX_DIFFICULTY:
                raise LanternError(f"difficulties must satisfy 1 <= --difficulty ({self.difficulty}) <= "
                                   f"--max-difficulty ({self.max_difficulty}) <= {MAX_DIFFICULTY}")
            check_train_seeds(self.train_seeds)
        check_vocabulary(self.vocabulary, self.world)
        if not 0.0 <= self.bundled_share <= 1.0:
            raise LanternError(f"--bundled-share must be in [0, 1], got {self.bundled_share}")
        self._check_requests()

    def _check_requests(self) -> None:
        from agent.requests_train import check_request_kinds
        self.request_kinds = check_request_kinds(self.request_kinds)
        for name in ("request_share", "bundled_request_share"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise LanternError(f"--{name.replace('_', '-')} must be in [0, 1], got {getattr(self, name)}")
        if self.request_moves < 1:
            raise LanternError(f"--request-moves must be at least 1, got {self.request_moves}")

    def policy_config(self):
        """The starting model's policy settings this run sets (over PolicyConfig's defaults; validates them)."""
        from agent.policy import PolicyConfig
        return PolicyConfig(**self.policy_overrides())

    def policy_overrides(self) -> dict:
        """The policy settings this run imposes on the model it loads: how it acts. The prompt's
        layout, the score's normalisation and the temperature are the model's (it was trained with them)."""
        return {"mode": self.mode, "top_k": self.top_k}

    @classmethod
    def from_json(cls, data: dict) -> TrainConfig:
        """A config saved by this or an older version (``--minibatch`` was ``batch``, ``--kernels`` ``cpu``)."""
        data = dict(data)
        if "minibatch" in data:
            data.setdefault("batch", data.pop("minibatch"))
        if "kernels" in data:
            data.setdefault("cpu", {"avx2": "pinned"}.get(data.pop("kernels"), "native"))
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def model_or_default(model: str | None) -> str:
    """``model``, or the bundled NPC (else the bundled base model) when it is None."""
    from agent.lm import default_model
    name = model or default_model()
    if name is None:
        raise LanternError("no --model given and no bundled model (assets/models/npc or assets/models/npc-base); "
                           "pass --model with a model folder or hub id")
    return name


def _stem(world: str | None) -> str | None:
    from pathlib import Path
    return Path(world).stem if world else None
