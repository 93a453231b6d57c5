"""Play whole episodes in N environments at once with an LM policy.

Every step, the states of all still-running episodes go to the policy in one
batch; each env then takes its command. What the update needs to score the same
actions again (prompt and candidate token ids, the chosen index) is kept per step.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import torch

from agent.policy import LMPolicy
from agent.progress import HelperProgress, LocalProgress
from agent.prompt import View
from game.env import LanternEnv
from game.record import EpisodeRecorder

FALLBACK = "wait"  # issued when no command is admissible


@dataclass
class Transition:
    """One step of one episode, as the update sees it."""

    prompt: list[int]
    candidates: list[list[int]]
    words: list[int]
    action: int           # index into candidates (generate mode: always 0)
    logp: float           # log pi(a|s) when acting
    value: float          # V(s) when acting
    reward: float         # the env's reward (unshaped)
    progress: float = 0.0  # moves this step took off the solver's shortest walkthrough (if asked)


@dataclass
class EpisodeResult:
    """A finished (or truncated) episode."""

    steps: list[Transition] = field(default_factory=list)
    won: bool = False
    score: int = 0
    max_score: int = 0
    moves: int = 0
    terminated: bool = False
    truncated: bool = False
    final_prompt: list[int] | None = None  # the state after the last step (bootstrap)

    @property
    def total_reward(self) -> float:
        return float(sum(t.reward for t in self.steps))


def play_episodes(policy: LMPolicy, envs: list[LanternEnv], seeds: list[int], generator: torch.Generator,
                  *, greedy: bool = False, recorders: dict[int, EpisodeRecorder] | None = None,
                  stop: Callable[[], bool] | None = None, progress: bool | list[bool] = False,
                  teams: list[list[str]] | None = None,
                  tracker: LocalProgress | HelperProgress | None = None) -> list[EpisodeResult] | None:
    """Run one episode in each env until every one has ended.

    Args:
        policy: the LM policy.
        envs: environments (reset here with ``seeds``).
        seeds: the seed of each env's episode.
        generator: sampling randomness.
        greedy: always take the likeliest action.
        recorders: env index -> recorder for episodes to save.
        stop: polled every step; when it returns True the rollout is abandoned (None).
        progress: give each step its ``progress`` (the solver searches from every state); a list
            says it per env.
        teams: per env, the actors the policy drives in turn, each with its own view and
            history (``game.turns.team(world)``; None: each env's player alone). One episode holds the
            whole team's steps in the order they were taken.
        tracker: who searches for ``progress`` (``agent/progress.py``; None: this process).

    Returns:
        One result per env, or None when stopped.
    """
    recorders = recorders or {}
    teams = teams or [[env.player_id] for env in envs]
    results = [EpisodeResult() for _ in envs]
    history: list[dict[str, list[tuple[str, str]]]] = [{actor: [] for actor in t} for t in teams]
    obs, infos = [], []
    for env, seed in zip(envs, seeds):
        env.for_agent(**policy.config.env_settings())  # the candidates and notes the model reads
        o, i = env.reset(seed=seed)
        obs.append(o)
        infos.append(i)
    live = list(range(len(envs)))
    progress = progress if isinstance(progress, list) else [progress] * len(envs)
    tracker = tracker or LocalProgress()
    tracker.begin()
    for i, (env, shaped) in enumerate(zip(envs, progress)):
        if shaped:
            tracker.start(i, env.world)
    turn = lambda i: teams[i][len(results[i].steps) % len(teams[i])]  # noqa: E731 - who acts next in env i
    while live:
        if stop is not None and stop():
            for rec in recorders.values():  # keep what was played: it replays as far as it got
                rec.close()
            return None
        for i in live:
            if len(teams[i]) > 1:  # the step's own reply is the last actor's; this one sees its own
                obs[i], infos[i] = envs[i].observation(turn(i)), envs[i].info(turn(i))
        views = [View.from_info(obs[i], infos[i], history[i][turn(i)]) for i in live]
        cands = [infos[i]["admissible_commands"] or [FALLBACK] for i in live]
        acted, prompts, cand_ids, words = policy.act(views, cands, generator, greedy=greedy)
        still = []
        for k, i in enumerate(live):
            command, actor = acted.commands[k], turn(i)
            o, reward, term, trunc, info = envs[i].step(command, actor=actor)
            action = acted.actions[k][0] if policy.config.picks_candidate else 0
            if progress[i]:
                tracker.step(i, actor, envs[i].last_step.commands, info["lost"], envs[i].world)
            results[i].steps.append(Transition(prompts[k], cand_ids[k], words[k], action, float(acted.logp[k]),
                                               float(acted.values[k]), float(reward)))
            if i in recorders:
                recorders[i].record(info["actor"], command, o, reward, info, term or trunc,
                                    candidates=[{"command": c, "prob": round(p, 6)} for c, p in
                                                zip(acted.candidates[k], acted.probs[k])],
                                    value=round(float(acted.values[k]), 6))
            history[i][actor].append((obs[i], command))
            obs[i], infos[i] = o, info
            if term or trunc:
                _finish(results[i], info, term, trunc)
                if trunc and not term:
                    if len(teams[i]) > 1:
                        o, info = envs[i].observation(turn(i)), envs[i].info(turn(i))
                    view = View.from_info(o, info, history[i][turn(i)])
                    results[i].final_prompt = policy.prompts.build(view)
            else:
                still.append(i)
        tracker.flush()
        live = still
    for rec in recorders.values():
        rec.close()
    for i, gains in tracker.gains().items():
        for step, gained in zip(results[i].steps, gains):
            step.progress = gained
    return results


def _finish(result: EpisodeResult, info: dict, terminated: bool, truncated: bool) -> None:
    result.won = bool(info["won"])
    result.score = int(info["score"])
    result.max_score = int(info["max_score"])
    result.moves = int(info["moves"])
    result.terminated = terminated
    result.truncated = truncated


# -- groups: the unit of work a rollout worker plays -------------------------------------------

@dataclass
class Group:
    """One group of episodes played on its own, with sampling seeded by ``sample_seed`` alone, so
    that whoever plays it (this process or a Ray worker) plays the same episodes.

    Attributes:
        envs: fresh environments (reset when played).
        seeds: each env's episode seed.
        progress: per env, whether each step gets its ``progress`` (``play_episodes``).
        teams: per env, the actors the policy drives in turn.
        sample_seed: seed of the group's sampling generator.
        record: header metadata for recording the group's first episode, or None.
    """

    envs: list[LanternEnv]
    seeds: list[int]
    progress: list[bool]
    teams: list[list[str]]
    sample_seed: int
    record: dict | None = None


@dataclass
class GroupResult:
    """A played group: one result per env, the envs as they ended, and the recorded episode's
    file text (when asked)."""

    episodes: list[EpisodeResult]
    envs: list[LanternEnv]
    recording: str | None = None


def sample_seed(run_seed: int, update: int, group: int) -> int:
    """The sampling seed of a group at an update: a pure function of counters (resumable)."""
    return random.Random(f"sample/{run_seed}/{update}/{group}").randrange(2**63)


def play_group(policy: LMPolicy, group: Group, stop: Callable[[], bool] | None = None) -> GroupResult | None:
    """Play one group's episodes in one batch with the group's own generator (None when stopped)."""
    generator = torch.Generator().manual_seed(group.sample_seed)
    with tempfile.TemporaryDirectory(prefix="lantern-group-") as tmp:
        path = Path(tmp) / "episode.jsonl"  # the caller writes it where it belongs
        recorders = {0: EpisodeRecorder(path, group.envs[0], group.seeds[0], meta=group.record)} if group.record else {}
        episodes = play_episodes(policy, group.envs, group.seeds, generator, recorders=recorders, stop=stop,
                                 progress=group.progress, teams=group.teams)
        if episodes is None:
            return None
        return GroupResult(episodes, group.envs, path.read_text(encoding="utf-8") if recorders else None)
