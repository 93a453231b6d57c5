"""Evaluate a policy against the random agent, the guide and the solver, on the same worlds.

For each world, the model plays ``episodes`` episodes (env seeds 0..K-1), the
random agent ten times as many (it costs nothing and its figures are noisy), the
guide plays as an agent that knows only what it has seen would (``game/guide.py``:
the best any policy reading its journal can expect) and the solver gives the
optimal walkthrough. Reported per
agent: success rate, mean score, mean moves (commands issued), and mean moves
divided by the solver's optimum over the won episodes.

In a co-operative world (the player's quest names other actors, as at the
lighthouse) one actor cannot win alone, so each agent drives the whole team, one
command per actor in turn, and moves count every actor's commands, as the
solver's walkthrough does.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch

from agent.npc import LMNPC
from agent.policy import LMPolicy
from agent.rollout import play_episodes
from game.env import LanternEnv
from game.npc import NPC, RandomNPC
from game.solver import Unsolvable, solve
from game.turns import team


RANDOM_REPEATS = 10  # random-agent episodes per model episode


@dataclass
class Row:
    """One agent's line of the table."""

    agent: str
    episodes: int
    success_rate: float
    mean_score: float
    mean_max_score: float
    mean_moves: float
    moves_over_optimal: float | None


@dataclass
class Outcome:
    won: bool
    score: int
    max_score: int
    moves: int
    optimal: int | None


def evaluate(policy: LMPolicy | None, worlds: list, episodes: int, *, greedy: bool = False, seed: int = 0,
             max_steps: int | None = None, batch: int = 32, label: str = "model",
             npcs: tuple[NPC, ...] = ()) -> list[Row]:
    """Rows for the model, any other NPCs, the random agent, the guide and the solver over
    ``worlds`` x ``episodes``, every agent on the same worlds and env seeds.

    Args:
        policy: the LM policy (None: no model row).
        worlds: World objects.
        episodes: episodes per world (env seeds 0..episodes-1).
        greedy: the model takes its likeliest command (else samples).
        seed: seed of the model's sampling and of the random agent.
        max_steps: episode step limit (None: each world's own).
        batch: episodes played together.
        label: the model's name in the table.
        npcs: other agents (say, the bag-of-words baseline), each a row under its ``name``, after the model's.
    """
    solutions = [_solve(w) for w in worlds]
    optimal = [len(sol) if sol is not None else None for sol in solutions]
    jobs = [(w, opt, s) for w, opt in zip(worlds, optimal) for s in range(episodes)]
    rows = [] if policy is None else [_row(label, _model_outcomes(policy, jobs, greedy, seed, max_steps, batch))]
    rows += [_row(npc.name, [_play_team(LanternEnv(w, max_steps=max_steps).clone(), s, opt, npc)
                             for w, opt, s in jobs]) for npc in npcs]
    # The random agent is cheap: RANDOM_REPEATS episodes per job steady its figures. One stream
    # per episode: a shared stream makes the same choices in similar worlds.
    rand = [_play_team(LanternEnv(w, max_steps=max_steps).clone(), s, opt, RandomNPC(f"{seed}/{k}/{r}"))
            for k, (w, opt, s) in enumerate(jobs) for r in range(RANDOM_REPEATS)]
    guide = [_guided(LanternEnv(w, max_steps=max_steps), s, opt) for w, opt, s in jobs if opt is not None]
    solver = [Outcome(True, sol.score, sol.max_score, len(sol), len(sol)) for sol in solutions
              if sol is not None for _ in range(episodes)]
    return rows + [_row("random", rand), _row("guide", guide), _row("solver", solver)]


def _model_outcomes(policy: LMPolicy, jobs: list, greedy: bool, seed: int, max_steps: int | None,
                    batch: int) -> list[Outcome]:
    """The LM policy's episodes: solo worlds in batches, team worlds one at a time."""
    generator = torch.Generator().manual_seed(seed)
    model: list[Outcome] = []
    solo = [job for job in jobs if len(team(job[0])) == 1]
    for w, opt, s in (job for job in jobs if len(team(job[0])) > 1):
        model.append(_play_team(LanternEnv(w, max_steps=max_steps).clone(), s, opt,  # a fresh memory per episode
                                LMNPC(policy, greedy=greedy, threads=None, generator=generator)))
    for start in range(0, len(solo), batch):
        part = solo[start:start + batch]
        envs = [LanternEnv(w, max_steps=max_steps).clone() for w, _, _ in part]
        results = play_episodes(policy, envs, [s for _, _, s in part], generator, greedy=greedy)
        model += [Outcome(r.won, r.score, r.max_score, len(r.steps), opt) for r, (_, opt, _) in zip(results, part)]
    return model


@dataclass
class WorldResult:
    """One world's rows in a per-world evaluation (``eval --worlds``)."""

    world: str
    optimal: int | None
    rows: list[Row]


def evaluate_worlds(policy: LMPolicy | None, worlds: list[tuple[str, object]], episodes: int,
                    **kwargs) -> list[WorldResult]:
    """``evaluate`` on each named world apart: one WorldResult per world, in order.

    Args:
        policy: the LM policy (None: no model row).
        worlds: (name, World) pairs.
        episodes: episodes per world.
        **kwargs: passed on to ``evaluate`` (greedy, seed, max_steps, batch, label, npcs).
    """
    results = []
    for name, world in worlds:
        rows = evaluate(policy, [world], episodes, **kwargs)
        solver = rows[-1]
        results.append(WorldResult(name, round(solver.mean_moves) if solver.success_rate else None, rows))
    return results


def average_rows(results: list[WorldResult]) -> list[Row]:
    """Each agent's row averaged over worlds, every world weighing the same; moves/optimal over
    the worlds where that agent won at least once."""
    averaged = []
    for i, agent in enumerate(r.agent for r in results[0].rows):
        rows = [res.rows[i] for res in results]
        ratios = [r.moves_over_optimal for r in rows if r.moves_over_optimal is not None]
        averaged.append(Row(agent, sum(r.episodes for r in rows), _mean([r.success_rate for r in rows]),
                            _mean([r.mean_score for r in rows]), _mean([r.mean_max_score for r in rows]),
                            _mean([r.mean_moves for r in rows]), _mean(ratios) if ratios else None))
    return averaged


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def format_world_table(results: list[WorldResult], average: list[Row]) -> str:
    """Per-world lines (each agent's success rate and moves/optimal) and the average line."""
    agents = [r.agent[:12] for r in average]
    head = f"{'world':<14} {'optimal':>7}" + "".join(f" {a:>12} {'x opt':>5}" for a in agents)
    lines = [head, "-" * len(head)]
    for res in results:
        optimal = str(res.optimal) if res.optimal is not None else "-"
        lines.append(f"{res.world[:14]:<14} {optimal:>7}" + _world_cells(res.rows))
    known = [r.optimal for r in results if r.optimal is not None]
    optimal = f"{_mean(known):.1f}" if known else "-"
    lines += ["-" * len(head), f"{'average':<14} {optimal:>7}" + _world_cells(average)]
    return "\n".join(lines)


def _world_cells(rows: list[Row]) -> str:
    cells = ""
    for r in rows:
        ratio = f"{r.moves_over_optimal:.2f}" if r.moves_over_optimal is not None else "-"
        cells += f" {r.success_rate:>12.1%} {ratio:>5}"
    return cells


def world_results_as_dict(results: list[WorldResult], average: list[Row]) -> dict:
    return {"per_world": [{"world": r.world, "optimal": r.optimal, "rows": rows_as_dicts(r.rows)} for r in results],
            "average": rows_as_dicts(average)}


def _guided(env: LanternEnv, env_seed: int, optimal: int) -> Outcome:
    from game.guide import guided_walkthrough
    env.reset(seed=env_seed)
    try:
        steps, _ = guided_walkthrough(env)
    except Unsolvable:
        steps = []
    info = env.info()
    return Outcome(bool(info["won"]), int(info["score"]), int(info["max_score"]), len(steps), optimal)


def _solve(world):
    """The optimal walkthrough, or None when the solver finds none."""
    try:
        return solve(world)
    except Unsolvable:
        return None


def _play_team(env: LanternEnv, env_seed: int, optimal: int | None, npc: NPC) -> Outcome:
    """One episode in which ``npc`` gives the commands of the player's whole team in turn."""
    env.reset(seed=env_seed)
    actors = team(env.world)
    moves = 0
    while True:
        actor = actors[moves % len(actors)]
        _, _, term, trunc, info = env.step(npc.act(env, actor).command, actor=actor)
        moves += 1
        if term or trunc:
            return Outcome(bool(info["won"]), int(info["score"]), int(info["max_score"]), moves, optimal)


def _row(agent: str, outs: list[Outcome]) -> Row:
    n = max(len(outs), 1)
    ratios = [o.moves / o.optimal for o in outs if o.won and o.optimal]
    return Row(agent, n, sum(o.won for o in outs) / n, sum(o.score for o in outs) / n,
               sum(o.max_score for o in outs) / n, sum(o.moves for o in outs) / n,
               sum(ratios) / len(ratios) if ratios else None)


def format_table(rows: list[Row]) -> str:
    """A plain-text table of the rows."""
    head = f"{'agent':<12} {'episodes':>8} {'success':>8} {'score':>11} {'moves':>7} {'moves/opt':>9}"
    lines = [head, "-" * len(head)]
    for r in rows:
        ratio = f"{r.moves_over_optimal:.2f}" if r.moves_over_optimal is not None else "-"
        lines.append(f"{r.agent[:12]:<12} {r.episodes:>8} {r.success_rate:>8.1%} "
                     f"{r.mean_score:>5.2f}/{r.mean_max_score:<5.2f} {r.mean_moves:>7.2f} {ratio:>9}")
    return "\n".join(lines)


def rows_as_dicts(rows: list) -> list[dict]:
    """Rows of any table (dataclasses) as JSON-ready dicts."""
    return [asdict(r) for r in rows]

