"""The frozen reference policy of the KL penalty, scored here or in a helper process.

The reference never learns, so what it gives a chunk of transitions depends only on the
chunk: a helper process (``agent/helper.py``) can score an epoch's chunks ahead while this
process does the policy's forward and backward passes. The helper loads the same model
files and runs as many torch threads, so the scores are the same floats as scoring here (a
test checks the trained weights bit for bit).
"""

from __future__ import annotations

from collections import deque
from concurrent.futures import Future

import torch

from agent.helper import helper_state, result, start_helper
from agent.policy import LMPolicy

# One chunk as the scorer needs it: prompts, candidates, words and chosen actions.
Chunk = tuple[list[list[int]], list[list[list[int]]], list[list[int]], list[int]]


def load_reference(model: str, overrides: dict, device: str) -> LMPolicy:
    """The starting model, frozen: what the KL penalty pulls the policy towards."""
    from agent.checkpoint import load_policy
    ref = load_policy(model, **overrides)
    ref.requires_grad_(False)
    return ref.to(device)


def score(policy: LMPolicy, chunk: Chunk):
    """Score a chunk of transitions: ``(Scored, log pi of the chosen action [B])``."""
    prompts, candidates, words, actions = chunk
    scored = policy.score(prompts, candidates, words)
    chosen = torch.tensor(actions, device=scored.logp.device)
    return scored, scored.logp.gather(1, chosen[:, None])[:, 0]


@torch.no_grad()
def score_chunk(policy: LMPolicy, chunk: Chunk) -> tuple[torch.Tensor, torch.Tensor]:
    """``(log pi over each state's candidates [B, A], log pi of the chosen action [B])``."""
    scored, chosen = score(policy, chunk)
    return scored.logp, chosen


class ReferenceScorer:
    """Scores chunks in the order they were submitted: ``submit`` a pass's chunks, then take
    each one's scores with ``next`` as the update reaches it.

    Args:
        policy: the reference, loaded in this process (it scores here when there is no helper).
        helper: (model, overrides, device) to load the same reference in a helper process,
            or None to score in this process.
    """

    def __init__(self, policy: LMPolicy, helper: tuple[str, dict, str] | None = None) -> None:
        self.policy = policy
        self._pending: deque[Chunk | Future] = deque()
        self._pool = start_helper(_setup, *helper) if helper is not None else None

    def submit(self, chunks: list[Chunk]) -> None:
        for chunk in chunks:
            self._pending.append(chunk if self._pool is None else self._pool.submit(_score_job, chunk))

    def next(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The scores of the oldest submitted chunk not yet taken."""
        job = self._pending.popleft()
        if self._pool is None:
            return score_chunk(self.policy, job)
        return tuple(torch.from_numpy(a).to(self.policy.device) for a in result(job))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


def _setup(model: str, overrides: dict, device: str) -> dict:
    return {"reference": load_reference(model, overrides, device)}


def _score_job(chunk: Chunk) -> tuple:
    return tuple(t.cpu().numpy() for t in score_chunk(helper_state()["reference"], chunk))
