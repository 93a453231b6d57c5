"""Request episodes for training: the NPC of a companion world, asked to do one thing.

A request episode plays a generated world with a companion (``generate(..., companion=True)``)
on a training seed. After the reset the NPC is given one request that
``game.request_gen`` generated from that state, in a **training** phrasing: every request
a training path (``train``, ``imitate``) sees comes from ``training_request`` below, which
asks only for ``TRAIN`` phrasings (``game.phrasing``), so both held-out sets stay out of training and
``eval --requests`` can measure on them. The NPC then acts alone (the player waits); the
episode ends when the request's goal holds (reward ``request_reward`` on top of the
env's own), when the engine rules the request impossible, or after ``moves`` NPC commands.

``RequestEnv`` wraps the env so that the rollout (``agent.rollout.play_episodes``) plays
these episodes as it plays quests: it resets, observes and steps the NPC. The same
wrapper, untold (``told=False``: the same goal, no request), measures whether a goal
happens anyway; ``request_demos`` and ``request_dagger_demos`` give imitation its
demonstrations from the request's shortest plan (``game.request_gen``'s search).
"""

from __future__ import annotations

import random

from agent.requests_eval import npc_of
from game.env import LanternEnv
from game.errors import LanternError
from game.request_gen import GENERATED_KINDS, TRAIN, GeneratedRequest, generate_requests, plan_for
from game.requests import IMPOSSIBLE

REQUEST_MOVES = 10  # NPC commands a request episode may take (as eval --requests allows)
REQUEST_REWARD = 1.0  # reward when the request's goal holds


def check_request_kinds(kinds: tuple[str, ...], flag: str = "--request-kinds") -> tuple[str, ...]:
    """The kinds, validated against the generator's (an empty tuple means every kind)."""
    kinds = tuple(kinds)
    unknown = [k for k in kinds if k not in GENERATED_KINDS]
    if unknown:
        raise LanternError(f"{flag}: unknown request kind {unknown[0]!r}; use some of {', '.join(GENERATED_KINDS)}")
    return kinds


def parse_kinds(text: str) -> tuple[str, ...]:
    """'go,take' -> ('go', 'take'), validated."""
    return check_request_kinds(tuple(k.strip() for k in text.split(",") if k.strip()))


def training_request(env: LanternEnv, npc: str, case: int, kinds: tuple[str, ...] = ()) -> GeneratedRequest | None:
    """One request the NPC could carry out from the env's current state, in a training phrasing
    (None when none of ``kinds`` is doable). A pure function of the state, ``case`` and ``kinds``."""
    options = [r for r in generate_requests(env, npc, case, split=TRAIN) if not kinds or r.kind in kinds]
    return random.Random(f"request-pick:{case}").choice(options) if options else None


class RequestEnv:
    """An env in which the NPC acts alone on one generated request (see the module doc).

    It answers what the rollout asks of an env (``reset``, ``observation``, ``info``,
    ``step``, ``world``, ``player_id``), always as the NPC.

    Args:
        env: a companion world's env (the wrapper owns it).
        case: seed of the request drawn at each reset.
        kinds: request kinds to draw from (empty: all).
        told: give the NPC the request (False: the same goal, unsaid).
        reward: added to the env's reward in the step the goal comes to hold.
        moves: NPC commands at most.
        prefix: (actor id, command) steps played after each reset, before the request is drawn
            (a state along a walkthrough, so that the request comes mid-game).
    """

    def __init__(self, env: LanternEnv, case: int, kinds: tuple[str, ...] = (), *, told: bool = True,
                 reward: float = REQUEST_REWARD, moves: int = REQUEST_MOVES,
                 prefix: tuple[tuple[str, str], ...] = ()) -> None:
        self.env, self.case, self.kinds, self.prefix = env, case, kinds, prefix
        self.told, self.reward, self.moves = told, reward, moves
        self.npc = npc_of(env.world)
        self.request: GeneratedRequest | None = None
        self.fulfilled = False
        self.taken = 0

    @property
    def world(self):
        return self.env.world

    @property
    def player_id(self) -> str:
        return self.npc  # the actor this env's episodes are played as

    def reset(self, seed: int | None = None) -> tuple[str, dict]:
        """Reset the world, draw the request, and (told) give it to the NPC.

        Raises:
            LanternError: no request of the wanted kinds is doable in this world.
        """
        self.env.reset(seed=seed)
        for actor, command in self.prefix:
            self.env.step(command, actor=actor)
        self.request = training_request(self.env, self.npc, self.case, self.kinds)
        if self.request is None:
            raise LanternError(f"{self.env.world.source}: no {'/'.join(self.kinds) or 'request'} the companion "
                               f"could carry out within 4 commands")
        if self.told:
            self.env.request(self.npc, self.request.words, self.request.goal)
        self.fulfilled, self.taken = False, 0
        return self.env.observation(self.npc), self.env.info(self.npc)

    def observation(self, actor: str | None = None) -> str:
        return self.env.observation(self.npc)

    def info(self, actor: str | None = None) -> dict:
        return self.env.info(self.npc)

    def step(self, command: str, actor: str | None = None) -> tuple[str, float, bool, bool, dict]:
        """The NPC's command; the episode ends when the goal holds, it is ruled out, or at ``moves``.

        All three end the task (terminated): a request not met within ``moves`` has failed, as
        ``eval --requests`` counts it, so its return is not bootstrapped as if it went on.
        """
        obs, reward, terminated, truncated, info = self.env.step(command, actor=self.npc)
        self.taken += 1
        self.fulfilled = self.request.goal.met(self.env.world)
        ruled_out = self.told and (info["request"] or {}).get("state") == IMPOSSIBLE
        terminated = terminated or self.fulfilled or ruled_out or self.taken >= self.moves
        truncated = truncated and not terminated
        return obs, float(reward) + (self.reward if self.fulfilled else 0.0), terminated, truncated, info

    def admissible(self, actor: str | None = None) -> list[str]:
        return self.env.admissible(self.npc)

    def for_agent(self, **settings) -> None:
        """``LanternEnv.for_agent`` of the wrapped env: show it as the policy reads it."""
        self.env.for_agent(**settings)


# -- tasks -------------------------------------------------------------------------------------


def request_env(level: int, seed: int, case: int, kinds: tuple[str, ...] = (), **options) -> RequestEnv:
    """A request episode's env: the companion world (``level``, ``seed``) asked request ``case``."""
    from game.generator import generate
    return RequestEnv(LanternEnv(generate(level, seed, companion=True)), case, kinds, **options)


def bundled_request_env(world, walkthrough: list[tuple[str, str]], case: int, kinds: tuple[str, ...] = (),
                        **options) -> RequestEnv:
    """A request episode in a bundled ``world``, asked at a state along its ``walkthrough`` (how far
    along is drawn from ``case``): a companion that knows a world's walkthrough by heart must still
    do what it is asked there."""
    cut = random.Random(f"bundled-request-cut:{case}").randrange(len(walkthrough) + 1)
    return RequestEnv(LanternEnv(world), case, kinds, prefix=tuple(walkthrough[:cut]), **options)


def case_seed(run_seed: int, stage: str, level: int, seed: int) -> int:
    """The request seed of a world in an imitation stage: a pure function of its names."""
    return random.Random(f"{run_seed}/{stage}/{level}/{seed}").randrange(2**31)


def _started(envs: list[RequestEnv]) -> list[tuple[RequestEnv, tuple[str, dict]]]:
    """Each env reset (env seed 0) with its request; worlds with no doable request are left out."""
    out = []
    for env in envs:
        try:
            out.append((env, env.reset(seed=0)))
        except LanternError:
            continue
    return out


# -- imitation: the request's plan, and DAgger labels from the reached state --------------------


def request_demos(envs: list[RequestEnv], where: list[tuple[int, int]]) -> list:
    """Demonstrations of each request's shortest plan: the NPC's view (its ``Told:`` line included)
    before each command of the plan, and the rewards the plan collects from there."""
    from agent.demos import Demo
    from agent.prompt import View
    demos = []
    for env, place in zip(envs, where):
        try:
            obs, info = env.reset(seed=0)
        except LanternError:
            continue
        history, mine, rewards = [], [], []
        for command in env.request.plan:
            candidates = list(info["admissible_commands"])
            mine.append(Demo(View.from_info(obs, info, history), candidates, candidates.index(command), place))
            history.append((obs, command))
            obs, reward, terminated, truncated, info = env.step(command)
            rewards.append(reward)
            if terminated or truncated:
                break
        for k, demo in enumerate(mine):
            demo.rewards = tuple(rewards[k:])
        demos += mine
    return demos


def plan_from_here(env: RequestEnv) -> tuple[str, ...]:
    """The NPC's shortest plan for its request from the current state (``game.request_gen``'s
    search; empty: the goal holds, or is out of reach within 4 commands)."""
    return plan_for(env.env, env.npc, env.request.goal)


def request_dagger_demos(policy, envs: list[RequestEnv], where: list[tuple[int, int]],
                         generator) -> tuple[list, float]:
    """DAgger on requests: the policy plays each request episode (sampling, as the NPC plays); every
    state it reaches is labelled with the first command of the shortest plan from there
    (``agent.dagger.dagger_round``).

    Returns:
        (demonstrations, share of the requests the policy fulfilled).
    """
    from agent.dagger import Episode, dagger_round
    started = _started(envs)
    place = {id(env): p for env, p in zip(envs, where)}
    episodes = [Episode(env, place[id(env)], obs, info) for env, (obs, info) in started]
    demos, done = dagger_round(policy, episodes, generator, _plan_label, lambda env, info: env.fulfilled)
    return demos, done / max(len(started), 1)


def _plan_label(env: RequestEnv, actor: None = None) -> tuple[str, tuple[float, ...]] | None:
    """The first command of the shortest plan from here for the env's NPC (``actor`` is always
    None: a request episode has one actor), and the plan's rewards (the request's reward at its
    end); None when there is no plan."""
    plan = plan_from_here(env)
    return (plan[0], (0.0,) * (len(plan) - 1) + (env.reward,)) if plan else None


# -- measuring ---------------------------------------------------------------------------------


def follow_rate(policy, envs: list[RequestEnv], generator, *, greedy: bool = False) -> float:
    """The share of the envs' requests the policy fulfils (told or not, as each env says)."""
    from agent.rollout import play_episodes
    play_episodes(policy, envs, [0] * len(envs), generator, greedy=greedy, teams=[[env.npc] for env in envs])
    return sum(env.fulfilled for env in envs) / max(len(envs), 1)


def random_follow_rate(envs: list[RequestEnv], seed: int = 0) -> float:
    """The share the random agent fulfils (it never reads a request)."""
    from game.npc import RandomNPC
    for k, env in enumerate(envs):
        agent = RandomNPC(f"{seed}/{k}")
        env.reset(seed=0)
        while True:
            _, _, terminated, truncated, _ = env.step(agent.act(env, env.npc).command)
            if terminated or truncated:
                break
    return sum(env.fulfilled for env in envs) / max(len(envs), 1)
