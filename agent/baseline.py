"""A baseline that is not a language model: MaskablePPO on bag-of-words features.

It answers "what does the LM's prior buy?": sb3-contrib's MaskablePPO (the
``baselines`` extra) learns on the same generated worlds and training seeds as
``train``, through the Gymnasium environment (``game/gym_env.py``), from hashed
bag-of-words features of what the LM reads: the observation, the goal, the
inventory and the journal. Each of the first ``SLOTS`` admissible commands gets its
own hashed bag of words and two overlap counts (its words found in the goal and in
the journal's lines), so a multilayer perceptron can match a command to the state;
the action mask hides the empty slots.

The trained network is saved as safetensors with a JSON of its settings (no
pickle), and it plays as an ``NPC`` so ``eval`` can put it beside the LM policy.
"""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path

import gymnasium
import numpy as np
import torch
from gymnasium import spaces

from game.env import LanternEnv
from game.errors import LanternError
from game.files import append_line, check_output_folder, folder_writer, write_text
from game.gym_env import LanternGymEnv, text_observation
from game.npc import Decision

STATE_DIMS = 1024  # hashed bag of words of the state's text
COMMAND_DIMS = 32  # hashed bag of words of each command slot
SLOTS = 32  # commands the network can choose among (no generated world offers more than 16)
WORD = re.compile(r"[a-z]+")
CONFIG = "baseline.json"
WEIGHTS = "policy.safetensors"
MAX_HIDDEN = 1024  # a bound on the width a settings file may ask for, so a damaged one cannot exhaust memory


def _bag(words: list[str], dims: int, into: np.ndarray) -> None:
    for w in words:
        into[zlib.crc32(w.encode()) % dims] += 1.0


def features(obs: str, info: dict) -> np.ndarray:
    """The network's input for one state: state words, then each command slot's words and overlaps."""
    state_text = " ".join([obs, info["goal"], " ".join(info["inventory"]), " ".join(info.get("notes") or [])])
    vec = np.zeros(STATE_DIMS + SLOTS * (COMMAND_DIMS + 2), dtype=np.float32)
    _bag(WORD.findall(state_text.lower()), STATE_DIMS, vec[:STATE_DIMS])
    np.log1p(vec[:STATE_DIMS], out=vec[:STATE_DIMS])
    goal = set(WORD.findall(info["goal"].lower()))
    notes = set(WORD.findall(" ".join(info.get("notes") or []).lower()))
    for i, command in enumerate(info["admissible_commands"][:SLOTS]):
        start = STATE_DIMS + i * (COMMAND_DIMS + 2)
        words = WORD.findall(command.lower())
        _bag(words, COMMAND_DIMS, vec[start:start + COMMAND_DIMS])
        vec[start + COMMAND_DIMS] = sum(w in goal for w in words[1:])  # the verb aside
        vec[start + COMMAND_DIMS + 1] = sum(w in notes for w in words[1:])
    return vec


def action_mask(info: dict) -> np.ndarray:
    mask = np.zeros(SLOTS, dtype=bool)
    mask[:min(len(info["admissible_commands"]), SLOTS)] = True
    return mask


class BagOfWords(gymnasium.Wrapper):
    """The Lantern Gymnasium env with bag-of-words observations and a ``SLOTS``-wide action mask."""

    def __init__(self, env: LanternGymEnv) -> None:
        super().__init__(env)
        size = STATE_DIMS + SLOTS * (COMMAND_DIMS + 2)
        self.observation_space = spaces.Box(0.0, np.inf, shape=(size,), dtype=np.float32)
        self.action_space = spaces.Discrete(SLOTS)
        self._info: dict = {}
        self.episodes: list[bool] = []  # won or not, per finished episode (for the learning curve)

    def reset(self, **kwargs):
        obs, info = self.env.reset(**kwargs)
        self._info = info
        return features(obs, info), info

    def step(self, action):
        obs, reward, terminated, truncated, info = self.env.step(int(action))
        self._info = info
        if terminated or truncated:
            self.episodes.append(bool(info["won"]))
        return features(obs, info), reward, terminated, truncated, info

    def action_masks(self) -> np.ndarray:
        return action_mask(self._info)


@dataclass
class BaselineConfig:
    """Settings of a baseline run.

    Attributes:
        out: run folder (metrics.jsonl, the policy, baseline.json).
        difficulty: generated-world difficulty trained on.
        train_seeds: generated-world seeds drawn for training, half-open range.
        steps: environment steps to train for.
        seed: seed of the worlds drawn, the network and its sampling.
        n_steps: environment steps per PPO rollout.
        max_episode_steps: step limit of a training episode.
        hidden: width of the policy's two hidden layers.
    """

    out: str
    difficulty: int = 1
    train_seeds: tuple[int, int] = (0, 1000)
    steps: int = 20_000
    seed: int = 0
    n_steps: int = 512
    max_episode_steps: int = 40
    hidden: int = 128

    def __post_init__(self) -> None:
        from game.generator import MAX_DIFFICULTY
        self.train_seeds = tuple(self.train_seeds)
        if self.steps < 1 or self.n_steps < 8:
            raise LanternError("--steps must be at least 1 and the rollout at least 8 steps")
        if len(self.train_seeds) != 2 or not 0 <= self.train_seeds[0] < self.train_seeds[1] <= 1_000_000:
            raise LanternError(f"--train-seeds {self.train_seeds}: use a range within 0:1000000")
        if not 1 <= self.difficulty <= MAX_DIFFICULTY:
            raise LanternError(f"difficulty {self.difficulty}: use 1 to {MAX_DIFFICULTY}")
        if self.max_episode_steps < 1 or not 1 <= self.hidden <= MAX_HIDDEN:
            raise LanternError(f"max_episode_steps {self.max_episode_steps} and hidden {self.hidden}: "
                               f"use at least 1 step and 1 to {MAX_HIDDEN} units")

    def trained_steps(self) -> int:
        """Environment steps a run of these settings takes: whole PPO rollouts until ``steps`` is reached."""
        return -(-self.steps // self.n_steps) * self.n_steps


class SeedRange(gymnasium.Wrapper):
    """Draw each episode's world from a range of training seeds (the same ones ``train`` uses)."""

    def __init__(self, env: LanternGymEnv, seeds: tuple[int, int]) -> None:
        super().__init__(env)
        self.seeds = seeds

    def reset(self, **kwargs):
        inner = self.env.unwrapped
        if inner.lantern is None:  # the first reset seeds np_random
            inner.reset(**kwargs)
            kwargs = {}
        inner.world_seed = int(inner.np_random.integers(*self.seeds))
        return self.env.reset(**kwargs)


def _make_model(env: gymnasium.Env, config: BaselineConfig):
    try:
        from sb3_contrib import MaskablePPO
    except ModuleNotFoundError:
        raise LanternError("the baseline needs sb3-contrib: pip install -e '.[baselines]'") from None
    return MaskablePPO("MlpPolicy", env, n_steps=config.n_steps, batch_size=64, seed=config.seed, verbose=0,
                       device="cpu", policy_kwargs={"net_arch": [config.hidden, config.hidden]})


def make_env(config: BaselineConfig) -> BagOfWords:
    inner = LanternGymEnv(difficulty=config.difficulty, max_steps=config.max_episode_steps, max_commands=SLOTS)
    return BagOfWords(SeedRange(inner, config.train_seeds))


def train_baseline(config: BaselineConfig) -> Path:
    """Train, log ``metrics.jsonl`` after every rollout, and save the policy; returns the run folder."""
    from stable_baselines3.common.callbacks import BaseCallback

    out = Path(config.out)
    if out.exists():
        raise LanternError(f"--out {out}: already exists; choose another folder")
    check_output_folder(out)
    torch.manual_seed(config.seed)
    env = make_env(config)
    env.reset(seed=config.seed)
    model = _make_model(env, config)
    out.mkdir(parents=True)
    metrics = out / "metrics.jsonl"

    class Log(BaseCallback):
        def _on_step(self) -> bool:
            return True

        def _on_rollout_end(self) -> None:
            done, env.episodes[:] = list(env.episodes), []
            self.rollouts = getattr(self, "rollouts", 0) + 1
            row = {"update": self.rollouts, "global_step": self.num_timesteps, "charts/episodes": len(done),
                   "charts/success_rate": sum(done) / len(done) if done else None}
            append_line(metrics, json.dumps(row))

    model.learn(total_timesteps=config.steps, callback=Log())
    save_baseline(model, config, out)
    return out


def save_baseline(model, config: BaselineConfig, out: Path) -> None:
    """The policy's weights and settings in ``out/policy`` (swapped in whole), and the settings in ``out``."""
    from safetensors.torch import save_file
    state = {k: v.detach().contiguous() for k, v in model.policy.state_dict().items()}
    settings = json.dumps({**asdict(config), "global_step": model.num_timesteps}, indent=1)
    with folder_writer(out / "policy") as tmp:
        save_file(state, str(tmp / WEIGHTS))
        (tmp / CONFIG).write_text(settings, encoding="utf-8")
    write_text(out / CONFIG, settings)


FIELDS = {"out": str, "difficulty": int, "train_seeds": list, "steps": int, "seed": int, "n_steps": int,
          "max_episode_steps": int, "hidden": int}


def read_settings(path: Path) -> tuple[BaselineConfig, int]:
    """A baseline's settings file: its config and the environment steps it trained for.

    Raises:
        LanternError: unreadable, not JSON, or a field unknown, missing or of the wrong kind (one line).
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LanternError(f"{path.parent}: not a baseline folder (no {CONFIG}); give the folder that "
                           f"'main.py baseline --out' made") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise LanternError(f"{path}: not valid JSON ({str(exc)[:120]}); the baseline is damaged") from None
    if not isinstance(data, dict):
        raise LanternError(f"{path}: expected a JSON object; the baseline is damaged")
    kinds = {**FIELDS, "global_step": int}
    for key, value in data.items():
        kind = kinds.get(key)
        if kind is None:
            raise LanternError(f"{path}: unknown field {key[:40]!r}; the baseline is damaged")
        if type(value) is not kind or (kind is list and not all(type(v) is int for v in value)):
            raise LanternError(f"{path}: {key!r} is {str(value)[:40]!r}, not a JSON {kind.__name__}"
                               f"{' of integers' if kind is list else ''}; the baseline is damaged")
    if missing := [key for key in FIELDS if key not in data]:
        raise LanternError(f"{path}: has no {missing[0]!r}; the baseline is damaged")
    steps = data.pop("global_step", None)
    try:
        config = BaselineConfig(**data)
    except LanternError as exc:
        raise LanternError(f"{path}: {exc}; the baseline is damaged") from None
    if steps is not None and steps < 0:
        raise LanternError(f"{path}: 'global_step' is {steps}, not a count; the baseline is damaged")
    return config, config.trained_steps() if steps is None else steps  # older runs did not record it


@dataclass
class Baseline:
    """A trained baseline: the MaskablePPO model, its settings and the environment steps it trained for."""

    model: object
    config: BaselineConfig
    global_step: int


def load_baseline(folder: str | Path) -> Baseline:
    """The saved policy of a baseline run (its folder, or the run folder holding ``policy/``).

    Raises:
        LanternError: no such folder, damaged settings, or weights that do not fit them (one line).
    """
    from safetensors import SafetensorError
    from safetensors.torch import load_file
    folder = Path(folder)
    if not folder.is_dir():
        what = "is a file" if folder.exists() else "no such folder"
        raise LanternError(f"{folder}: {what}; give the folder that 'main.py baseline --out' made")
    folder = folder / "policy" if (folder / "policy").is_dir() else folder
    config, steps = read_settings(folder / CONFIG)
    try:
        state = load_file(str(folder / WEIGHTS))
    except (OSError, SafetensorError) as exc:
        raise LanternError(f"{folder / WEIGHTS}: not readable safetensors ({str(exc)[:120]})") from None
    model = _make_model(make_env(config), config)
    try:
        model.policy.load_state_dict(state)
    except RuntimeError as exc:
        raise LanternError(f"{folder / WEIGHTS}: does not fit the settings in {CONFIG} "
                           f"({' '.join(str(exc).split())[:160]}); the baseline is damaged") from None
    return Baseline(model, config, steps)


class BaselineNPC:
    """The trained bag-of-words policy playing as an NPC (sampling, as it trained)."""

    def __init__(self, baseline: Baseline, seed: int = 0, greedy: bool = False, name: str = "baseline") -> None:
        self.model, self.greedy, self.name = baseline.model, greedy, name
        self.rng = np.random.default_rng(seed)

    def act(self, env: LanternEnv, actor: str) -> Decision:
        info = env.info(actor)
        commands = info["admissible_commands"]
        obs = torch.as_tensor(features(text_observation(env.observation(actor)), info))[None]
        with torch.no_grad():
            dist = self.model.policy.get_distribution(obs, action_masks=action_mask(info)[None])
            probs = dist.distribution.probs[0].numpy().astype(np.float64)
        probs = probs[:len(commands[:SLOTS])] / probs[:len(commands[:SLOTS])].sum()
        index = int(probs.argmax()) if self.greedy else int(self.rng.choice(len(probs), p=probs))
        ranked = sorted(zip(commands, probs.tolist()), key=lambda c: -c[1])
        return Decision(commands[index], candidates=ranked)
