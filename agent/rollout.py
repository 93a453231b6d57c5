"""Play whole episodes in N environments at once with an LM policy.

Every step, the states of all still-running episodes go to the policy in one
batch; each env then takes its command. What the update needs to score the same
actions again (prompt and candidate token ids, the chosen index) is kept per step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import torch

from agent.policy import LMPolicy
from agent.prompt import View
from game.env import LanternEnv
from game.record import EpisodeRecorder
from game.solver import remaining_moves

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
                  stop: Callable[[], bool] | None = None, progress: bool = False) -> list[EpisodeResult] | None:
    """Run one episode in each env (as its player) until every one has ended.

    Args:
        policy: the LM policy.
        envs: environments (reset here with ``seeds``).
        seeds: the seed of each env's episode.
        generator: sampling randomness.
        greedy: always take the likeliest action.
        recorders: env index -> recorder for episodes to save.
        stop: polled every step; when it returns True the rollout is abandoned (None).
        progress: give each step its ``progress`` (the solver searches from every state).

    Returns:
        One result per env, or None when stopped.
    """
    recorders = recorders or {}
    results = [EpisodeResult() for _ in envs]
    history: list[list[tuple[str, str]]] = [[] for _ in envs]
    obs, infos = [], []
    for env, seed in zip(envs, seeds):
        o, i = env.reset(seed=seed)
        obs.append(o)
        infos.append(i)
    live = list(range(len(envs)))
    remaining = [remaining_moves(env.world) if progress else None for env in envs]
    while live:
        if stop is not None and stop():
            for rec in recorders.values():  # keep what was played: it replays as far as it got
                rec.close()
            return None
        views = [View.from_info(obs[i], infos[i], history[i]) for i in live]
        cands = [infos[i]["admissible_commands"] or [FALLBACK] for i in live]
        acted, prompts, cand_ids, words = policy.act(views, cands, generator, greedy=greedy)
        still = []
        for k, i in enumerate(live):
            command = acted.commands[k]
            o, reward, term, trunc, info = envs[i].step(command)
            action = acted.actions[k][0] if policy.config.mode == "choose" else 0
            gained = 0.0
            if progress:
                before, remaining[i] = remaining[i], remaining_moves(envs[i].world)
                if before is not None and remaining[i] is not None:
                    gained = float(before - remaining[i])
            results[i].steps.append(Transition(prompts[k], cand_ids[k], words[k], action, float(acted.logp[k]),
                                               float(acted.values[k]), float(reward), gained))
            if i in recorders:
                recorders[i].record(info["actor"], command, o, reward, info, term or trunc,
                                    candidates=[{"command": c, "prob": round(p, 6)} for c, p in
                                                zip(acted.candidates[k], acted.probs[k])],
                                    value=round(float(acted.values[k]), 6))
            history[i].append((obs[i], command))
            obs[i], infos[i] = o, info
            if term or trunc:
                _finish(results[i], info, term, trunc)
                if trunc and not term:
                    results[i].final_prompt = policy.prompts.build(View.from_info(o, info, history[i]))
            else:
                still.append(i)
        live = still
    for rec in recorders.values():
        rec.close()
    return results


def _finish(result: EpisodeResult, info: dict, terminated: bool, truncated: bool) -> None:
    result.won = bool(info["won"])
    result.score = int(info["score"])
    result.max_score = int(info["max_score"])
    result.moves = int(info["moves"])
    result.terminated = terminated
    result.truncated = truncated
