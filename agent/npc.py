"""The trained LM as an NPC the game can run (``game.npc.NPC`` protocol)."""

from __future__ import annotations

import torch

from agent.checkpoint import load_policy
from agent.lm import default_model
from agent.policy import LMPolicy
from agent.prompt import View
from agent.rollout import FALLBACK
from game.env import LanternEnv
from game.npc import Decision


class LMNPC:
    """An LM policy acting for one or more actors (choose mode: among the admissible commands).

    It remembers its own last few (observation, command) pairs per actor; a new
    episode (env steps back at 0) clears them. It never steps the env.

    Args:
        policy: the LM policy, acting in its own mode (``load_npc`` loads choose mode).
        seed: sampling seed (ignored when ``generator`` is given).
        greedy: take the likeliest command instead of sampling.
        name: shown by the viewer.
        threads: torch threads while choosing (one state per call gains little from
            more, and the game window shares the CPU); None leaves torch's setting.
        generator: a sampling stream to share with the caller (evaluation).
    """

    def __init__(self, policy: LMPolicy, seed: int | None = 0, greedy: bool = False, name: str = "lm",
                 threads: int | None = 1, generator: torch.Generator | None = None) -> None:
        self.threads = threads
        self.policy = policy
        self.greedy = greedy
        self.name = name
        self.generator = generator or torch.Generator().manual_seed(seed or 0)
        self._memory: dict[str, tuple[list[tuple[str, str]], str | None, str | None, int]] = {}

    def act(self, env: LanternEnv, actor: str) -> Decision:
        info = self._info(env, actor)
        obs = env.observation(actor)
        history, last_obs, last_cmd, last_step = self._memory.get(actor, ([], None, None, -1))
        if env.steps < last_step or env.steps == 0:
            history, last_cmd = [], None  # a new episode
        elif last_cmd is not None:
            history = (history + [(last_obs, last_cmd)])[-self.policy.config.history or None:]
        options = info["admissible_commands"] or [FALLBACK]
        before = torch.get_num_threads()
        if self.threads:
            torch.set_num_threads(self.threads)
        try:
            view = View.from_info(obs, info, history)
            acted, *_ = self.policy.act([view], [options], self.generator, greedy=self.greedy)
        finally:
            torch.set_num_threads(before)
        command = acted.commands[0]
        self._memory[actor] = (history, obs, command, env.steps)
        ranked = sorted(zip(acted.candidates[0], acted.probs[0]), key=lambda cp: -cp[1])
        notes = list(self.policy.prompts.shown(view).notes)  # the journal lines its prompt held
        return Decision(command, [(c, float(p)) for c, p in ranked], float(acted.values[0]), notes)

    def _info(self, env: LanternEnv, actor: str) -> dict:
        """``env.info(actor)`` as the policy was trained to read it (the env's own settings, which
        the game shows its player by, are left as they were)."""
        before = {"read_commands": env.read_commands, "journal_wording": env.journal_wording}
        env.for_agent(**self.policy.config.env_settings())
        try:
            return env.info(actor)
        finally:
            env.for_agent(**before)


def load_npc(model: str | None, seed: int | None = 0, greedy: bool = False) -> LMNPC | None:
    """The NPC for ``model`` (a folder, run folder or hub id); with None, the bundled one.

    Returns:
        None when ``model`` is None and the bundled NPC (assets/models/npc) does not
        exist yet; the caller then uses the random NPC.

    Raises:
        LanternError: the given model cannot be loaded.
    """
    name = model or default_model(include_base=False)
    if name is None:
        return None
    policy = load_policy(name, mode="choose")
    label = name.rstrip("/").split("/")[-1] or "lm"
    return LMNPC(policy, seed=seed, greedy=greedy, name=label)
