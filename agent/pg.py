"""Policy-gradient losses as pure functions of tensors.

Rollout tensors are laid out ``[T, N]`` (time step, environment), CleanRL style,
with a ``mask`` that is 1 where a step really happened (episodes end at different
times) and 0 after. ``dones[t, n]`` is 1 when the episode in env ``n`` ended at
step ``t`` (terminated: no bootstrap). Every loss returns a scalar averaged over
the valid steps, so its gradient is the estimator written in its docstring.
"""

from __future__ import annotations

import torch
from torch import Tensor


def masked_mean(x: Tensor, mask: Tensor) -> Tensor:
    """Mean of ``x`` over the entries where ``mask`` is 1 (0 if there are none)."""
    return (x * mask).sum() / mask.sum().clamp(min=1)


def discounted_returns(rewards: Tensor, dones: Tensor, gamma: float) -> Tensor:
    """Reward-to-go G_t = r_t + gamma * G_{t+1}, restarting after each episode end.

    Args:
        rewards: ``[T, N]`` rewards.
        dones: ``[T, N]`` 1 where an episode ended at that step.
        gamma: discount factor in [0, 1].

    Returns:
        ``[T, N]`` returns (the return after the last step of the rollout is 0).
    """
    returns = torch.zeros_like(rewards)
    running = torch.zeros_like(rewards[0])
    for t in range(rewards.shape[0] - 1, -1, -1):
        running = rewards[t] + gamma * running * (1.0 - dones[t])
        returns[t] = running
    return returns


def gae(rewards: Tensor, values: Tensor, dones: Tensor, next_values: Tensor, gamma: float,
        lam: float) -> tuple[Tensor, Tensor]:
    """Generalised advantage estimation (Schulman et al. 2016).

    delta_t = r_t + gamma * V(s_{t+1}) * (1 - done_t) - V(s_t);
    A_t = delta_t + gamma * lam * (1 - done_t) * A_{t+1}.

    Args:
        rewards: ``[T, N]`` rewards.
        values: ``[T, N]`` V(s_t).
        dones: ``[T, N]`` 1 where the episode terminated at step t.
        next_values: ``[T, N]`` V(s_{t+1}) (used where not done: lets a truncated
            episode or the rollout's last step bootstrap).
        gamma: discount factor.
        lam: GAE lambda (1 gives Monte-Carlo returns minus V, 0 gives TD(0)).

    Returns:
        ``(advantages, returns)``, both ``[T, N]``; returns = advantages + values.
    """
    advantages = torch.zeros_like(rewards)
    running = torch.zeros_like(rewards[0])
    for t in range(rewards.shape[0] - 1, -1, -1):
        live = 1.0 - dones[t]
        delta = rewards[t] + gamma * next_values[t] * live - values[t]
        running = delta + gamma * lam * live * running
        advantages[t] = running
    return advantages, advantages + values


def group_baseline(returns: Tensor, mask: Tensor, groups: Tensor, leave_one_out: bool = True) -> Tensor:
    """Baseline from a group of episodes played on the same world and seed.

    For env ``n`` at step ``t`` the baseline is the mean reward-to-go at step
    ``t`` of the other episodes in its group (an ended episode's reward-to-go is
    0). Leaving the episode itself out keeps the estimator unbiased (RLOO).

    Args:
        returns: ``[T, N]`` reward-to-go, one episode per env.
        mask: ``[T, N]`` valid steps.
        groups: ``[N]`` integer group id of each env.
        leave_one_out: exclude the episode itself from its baseline.

    Returns:
        ``[T, N]`` baselines.
    """
    same = (groups[:, None] == groups[None, :]).to(returns.dtype)  # [N, N]
    if leave_one_out:
        same = same - torch.eye(len(groups), dtype=returns.dtype)
    counts = same.sum(1).clamp(min=1)  # [N]
    return (returns * mask) @ same.T / counts


def normalize_advantages(advantages: Tensor, mask: Tensor, eps: float = 1e-8) -> Tensor:
    """Zero mean, unit variance over the valid steps (invalid steps become 0)."""
    mean = masked_mean(advantages, mask)
    var = masked_mean((advantages - mean) ** 2, mask)
    return (advantages - mean) / (var.sqrt() + eps) * mask


def reinforce_loss(logprobs: Tensor, advantages: Tensor, mask: Tensor) -> Tensor:
    """REINFORCE: loss = -mean_t[A_t * log pi(a_t|s_t)].

    Its gradient is -mean_t[A_t * grad log pi(a_t|s_t)], the negative of the
    policy-gradient estimator grad J = E[G_t * grad log pi] (with A_t = G_t - b).
    ``advantages`` is treated as a constant.
    """
    return -masked_mean(advantages.detach() * logprobs, mask)


def ppo_policy_loss(logprobs: Tensor, old_logprobs: Tensor, advantages: Tensor, mask: Tensor,
                    clip: float) -> tuple[Tensor, Tensor, Tensor]:
    """PPO's clipped surrogate, with diagnostics.

    loss = -mean(min(r * A, clip(r, 1 - eps, 1 + eps) * A)), r = pi / pi_old.

    Returns:
        ``(loss, approx_kl, clip_fraction)``; approx_kl is the k3 estimator
        mean((r - 1) - log r) of KL(pi_old || pi).
    """
    log_ratio = logprobs - old_logprobs.detach()
    ratio = log_ratio.exp()
    adv = advantages.detach()
    surrogate = torch.min(ratio * adv, ratio.clamp(1.0 - clip, 1.0 + clip) * adv)
    with torch.no_grad():
        approx_kl = approx_kl_old_new(logprobs, old_logprobs, mask)
        clip_fraction = masked_mean(((ratio - 1.0).abs() > clip).to(ratio.dtype), mask)
    return -masked_mean(surrogate, mask), approx_kl, clip_fraction


def approx_kl_old_new(logprobs: Tensor, old_logprobs: Tensor, mask: Tensor) -> Tensor:
    """k3 estimate of KL(pi_old || pi) from actions sampled by pi_old: mean((r - 1) - log r),
    r = pi / pi_old (Schulman's "approximating KL divergence")."""
    log_ratio = logprobs.detach() - old_logprobs.detach()
    return masked_mean(log_ratio.exp() - 1.0 - log_ratio, mask)


def value_loss(values: Tensor, returns: Tensor, mask: Tensor, old_values: Tensor | None = None,
               clip: float | None = None) -> Tensor:
    """0.5 * mean squared error to the returns, optionally PPO-clipped around old values."""
    target = returns.detach()
    loss = (values - target) ** 2
    if old_values is not None and clip is not None:
        clipped = old_values + (values - old_values).clamp(-clip, clip)
        loss = torch.max(loss, (clipped - target) ** 2)
    return 0.5 * masked_mean(loss, mask)


def categorical_kl(logp: Tensor, ref_logp: Tensor, valid: Tensor) -> Tensor:
    """KL(p || q) = sum_a p(a) (log p(a) - log q(a)) over the valid entries of the last axis.

    Args:
        logp: ``[..., A]`` log-probabilities of the policy.
        ref_logp: ``[..., A]`` log-probabilities of the reference.
        valid: ``[..., A]`` 1 for real actions, 0 for padding.

    Returns:
        ``[...]`` KL per distribution.
    """
    diff = torch.where(valid.bool(), logp - ref_logp.detach(), torch.zeros_like(logp))
    return (logp.exp() * diff * valid).sum(-1)


def sample_kl(logprobs: Tensor, ref_logprobs: Tensor) -> Tensor:
    """Per-sample k3 estimate of KL(pi || ref) from actions sampled from pi: (r - 1) - log r,
    with r = ref / pi (always >= 0; unbiased)."""
    log_r = ref_logprobs.detach() - logprobs
    return log_r.exp() - 1.0 - log_r


def categorical_entropy(logp: Tensor, valid: Tensor) -> Tensor:
    """-sum_a p(a) log p(a) over the valid entries of the last axis."""
    safe = torch.where(valid.bool(), logp, torch.zeros_like(logp))
    return -(safe.exp() * safe * valid).sum(-1)
