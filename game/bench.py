"""`python main.py bench engine`: engine steps per second for a random agent.

The agent picks uniformly among ``info["admissible_commands"]`` every step, so the
figure includes computing admissible commands each step (as a learning agent
needs). Worlds are generated with 10 rooms and about 20 objects, close to the
TextWorld worlds the issue compares against.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import time

from game.env import LanternEnv
from game.generator import LEVELS, GeneratorConfig, generate, generate_custom

BENCH_WORLD = GeneratorConfig(rooms=10, goals=5, locked_doors=1, closed_doors=1, containers=3,
                              supporters=2, distractors=8, dark_rooms=1, loops=1, food_goals=1)
WORLDS = 4


def random_agent_steps_per_second(envs: list[LanternEnv], seconds: float, seed: int) -> dict:
    """Run a random agent over the envs in turn; return steps, episodes and steps/s."""
    rng = random.Random(seed)
    steps = episodes = 0
    start = time.perf_counter()
    deadline = start + seconds
    while time.perf_counter() < deadline:
        env = envs[episodes % len(envs)]
        _, info = env.reset(seed=episodes)
        done = False
        while not done:
            commands = info["admissible_commands"]
            command = rng.choice(commands) if commands else "wait"
            _, _, terminated, truncated, info = env.step(command)
            steps += 1
            done = terminated or truncated
        episodes += 1
    elapsed = time.perf_counter() - start
    return {"steps": steps, "episodes": episodes, "seconds": round(elapsed, 3),
            "steps_per_second": round(steps / elapsed, 1)}


def bench_engine(args: argparse.Namespace) -> int:
    if args.difficulty is not None:
        worlds = [generate(args.difficulty, args.seed + i) for i in range(WORLDS)]
        label = f"difficulty {args.difficulty}"
    else:
        worlds = [generate_custom(BENCH_WORLD, args.seed + i, "bench") for i in range(WORLDS)]
        label = "bench (10 rooms, ~20 objects)"
    # Long episodes, so resets do not dominate: a random agent rarely wins anyway.
    envs = [LanternEnv(w, max_steps=200) for w in worlds]
    result = random_agent_steps_per_second(envs, args.seconds, args.seed)
    bare = [LanternEnv(w, max_steps=200, journal=False) for w in worlds]
    without = random_agent_steps_per_second(bare, args.seconds, args.seed)["steps_per_second"]
    report = {
        "benchmark": "engine",
        "agent": "random over admissible commands (computed every step); each actor's journal kept "
                 "(steps_per_second_without_journal: LanternEnv(journal=False))",
        "worlds": label,
        "world_sizes": [{"rooms": len(w.rooms), "objects": len(w.items) + len(w.doors),
                         "goals": sum(len(q.goals) for q in w.quests)} for w in worlds],
        **result,
        "steps_per_second_without_journal": without,
        "python": platform.python_version(),
        "levels": {d: {"rooms": c.rooms, "goals": c.goals} for d, c in LEVELS.items()},
    }
    print(json.dumps(report, indent=2))
    return 0
