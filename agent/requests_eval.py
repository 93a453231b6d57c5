"""Does the NPC do what it is asked? Requests fulfilled, told vs. untold vs. a random agent.

For each world and env seed, ``game.request_gen`` lists requests the NPC could carry out
from the start in 1 to 4 of its commands, in training phrasings and in one of the two
held-out sets (phrasings never used in training: ``HELD_OUT``, or ``HELD_OUT_2``, long
questions and wishes in a style of their own). Each request is then played four ways, the NPC
alone acting (the player waits) for at most ``MAX_MOVES`` commands:

- told, held-out phrasing: the env holds the request (its prompt reads the words);
- told, training phrasing: the same, in the training grammar's words;
- untold: the same goal, no request (does it happen anyway?);
- random: the random agent, untold.

A request is fulfilled when its goal holds after one of those moves. Reported per
request kind and overall, and by the length of the shortest plan (one command, two to
four): the share fulfilled in each condition and the mean moves the told NPC took over
the requests it fulfilled.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from agent.npc import LMNPC
from agent.policy import LMPolicy
from game.env import LanternEnv
from game.errors import LanternError
from game.npc import NPC, RandomNPC
from game.request_gen import GENERATED_KINDS, HELD_OUT, MAX_PLAN, TRAIN, GeneratedRequest, generate_requests
from game.world import World

MAX_MOVES = 10  # NPC commands a request may take
CONDITIONS = ("told_held_out", "told_train", "untold", "random")


@dataclass
class KindRow:
    """One request kind's figures (or 'overall')."""

    kind: str
    requests: int
    told_held_out: float
    told_train: float
    untold: float
    random: float
    mean_moves: float | None  # told (held-out phrasings), over the fulfilled ones
    mean_plan: float  # the shortest plan's length, for scale


def npc_of(world: World) -> str:
    """The NPC asked: the first actor that is not the player."""
    others = [world.entities[a].id for a in world.actors if a != world.player]
    if not others:
        raise LanternError(f"{world.source}: no NPC to ask (the world has only the player); "
                           "use a world with a companion (--difficulty D gives one)")
    return others[0]


PLAN_GROUPS = (("1 command", 1, 1), (f"2-{MAX_PLAN} commands", 2, MAX_PLAN))  # label, shortest plan from .. to


def evaluate_requests(policy: LMPolicy, worlds: list[World], episodes: int, *, seed: int = 0,
                      per_kind: int = 1, greedy: bool = False,
                      held_out: str = HELD_OUT) -> tuple[list[KindRow], list[KindRow]]:
    """Rows per kind and overall, and rows per ``PLAN_GROUPS``, over ``worlds`` x env seeds
    0..episodes-1.

    ``held_out`` names the held-out phrasing set (a key of ``HELD_OUT_SETS``) measured
    in the 'told_held_out' condition.
    """
    results: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    plans: dict[str, list[int]] = defaultdict(list)
    by_plan: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    group_plans: dict[str, list[int]] = defaultdict(list)
    npc_model = LMNPC(policy, seed=seed, greedy=greedy, threads=None)
    for w_i, world in enumerate(worlds):
        env, npc = LanternEnv(world), npc_of(world)
        for env_seed in range(episodes):
            env.reset(seed=env_seed)
            case_seed = seed * 1_000_003 + w_i * 1009 + env_seed
            held = generate_requests(env, npc, case_seed, split=held_out, per_kind=per_kind)
            train = {(r.kind, r.goal): r for r in generate_requests(env, npc, case_seed, split=TRAIN,
                                                                    per_kind=per_kind)}
            for k, req in enumerate(held):
                rand = RandomNPC(f"{seed}/{w_i}/{env_seed}/{k}")
                trained = train.get((req.kind, req.goal))
                runs = {"told_held_out": play_request(env, env_seed, npc, npc_model, req),
                        "untold": play_request(env, env_seed, npc, npc_model, req, told=False),
                        "random": play_request(env, env_seed, npc, rand, req, told=False)}
                if trained is not None:
                    runs["told_train"] = play_request(env, env_seed, npc, npc_model, trained)
                group = plan_group(len(req.plan))
                for condition, outcome in runs.items():
                    results[req.kind][condition].append(outcome)
                    by_plan[group][condition].append(outcome)
                plans[req.kind].append(len(req.plan))
                group_plans[group].append(len(req.plan))
    rows = [_row(kind, results[kind], plans[kind]) for kind in GENERATED_KINDS if kind in results]
    every: dict[str, list] = defaultdict(list)
    for kind in results:
        for condition, outs in results[kind].items():
            every[condition] += outs
    rows.append(_row("overall", every, [p for ps in plans.values() for p in ps]))
    groups = [_row(label, by_plan[label], group_plans[label]) for label, _, _ in PLAN_GROUPS if label in by_plan]
    return rows, groups


def plan_group(length: int) -> str:
    """The ``PLAN_GROUPS`` label of a request whose shortest plan has ``length`` commands."""
    return next(label for label, lo, hi in PLAN_GROUPS if lo <= length <= hi)


def play_request(env: LanternEnv, env_seed: int, npc: str, agent: NPC, request: GeneratedRequest,
                 told: bool = True) -> int | None:
    """Moves the NPC took to fulfil the request (None: not within MAX_MOVES)."""
    env.reset(seed=env_seed)
    if told:
        env.request(npc, request.words, request.goal)
    world = env.world
    for move in range(1, MAX_MOVES + 1):
        _, _, terminated, truncated, _ = env.step(agent.act(env, npc).command, actor=npc)
        if request.goal.met(world):
            return move
        if terminated or truncated:
            return None
    return None


def _row(kind: str, outs: dict[str, list], plans: list[int]) -> KindRow:
    def share(condition: str) -> float:
        runs = outs.get(condition, [])
        return sum(m is not None for m in runs) / len(runs) if runs else float("nan")
    done = [m for m in outs.get("told_held_out", []) if m is not None]
    return KindRow(kind, len(outs.get("told_held_out", [])), share("told_held_out"), share("told_train"),
                   share("untold"), share("random"), sum(done) / len(done) if done else None,
                   sum(plans) / len(plans) if plans else 0.0)


def format_request_table(rows: list[KindRow]) -> str:
    """A plain-text table: one line per kind, then overall."""
    head = (f"{'kind':<12} {'n':>4} {'told:held-out':>13} {'told:train':>10} {'untold':>7} {'random':>7} "
            f"{'moves':>6} {'plan':>5}")
    lines = [head, "-" * len(head)]
    for r in rows:
        moves = f"{r.mean_moves:.2f}" if r.mean_moves is not None else "-"
        lines.append(f"{r.kind:<12} {r.requests:>4} {r.told_held_out:>13.1%} {r.told_train:>10.1%} "
                     f"{r.untold:>7.1%} {r.random:>7.1%} {moves:>6} {r.mean_plan:>5.2f}")
    return "\n".join(lines)


