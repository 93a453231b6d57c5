"""Policy-gradient losses on hand-computed numbers."""

import math

import pytest

torch = pytest.importorskip("torch")

from agent import pg  # noqa: E402


def t(rows):
    return torch.tensor(rows, dtype=torch.float64)


def test_discounted_returns_restart_after_episode_end():
    rewards = t([[1.0], [0.0], [2.0], [3.0]])
    dones = t([[0.0], [1.0], [0.0], [0.0]])
    got = pg.discounted_returns(rewards, dones, gamma=0.5)
    # episode 1: G1 = 0, G0 = 1 + 0.5*0 = 1; episode 2: G3 = 3, G2 = 2 + 1.5 = 3.5
    assert got.flatten().tolist() == [1.0, 0.0, 3.5, 3.0]


def test_gae_matches_hand_computation():
    rewards = t([[1.0], [0.0]])
    values = t([[0.5], [0.25]])
    next_values = t([[0.25], [2.0]])
    dones = t([[0.0], [0.0]])
    adv, ret = pg.gae(rewards, values, dones, next_values, gamma=0.9, lam=0.8)
    d1 = 0.0 + 0.9 * 2.0 - 0.25            # 1.55
    d0 = 1.0 + 0.9 * 0.25 - 0.5            # 0.725
    a0 = d0 + 0.9 * 0.8 * d1               # 1.841
    assert adv.flatten().tolist() == pytest.approx([a0, d1])
    assert ret.flatten().tolist() == pytest.approx([a0 + 0.5, d1 + 0.25])
    # lambda = 1 and terminal end: advantages are Monte-Carlo returns minus values
    adv1, _ = pg.gae(rewards, values, t([[0.0], [1.0]]), next_values, gamma=0.9, lam=1.0)
    assert adv1.flatten().tolist() == pytest.approx([1.0 - 0.5, 0.0 - 0.25])


def test_group_baseline_leave_one_out():
    returns = t([[1.0, 3.0, 10.0, 5.0]])
    mask = t([[1.0, 1.0, 1.0, 0.0]])
    groups = torch.tensor([0, 0, 1, 0])
    got = pg.group_baseline(returns, mask, groups)
    # env0: others in group 0 are env1 (3) and env3 (ended -> 0): 1.5
    assert got.flatten().tolist() == pytest.approx([1.5, 0.5, 0.0, 2.0])
    got = pg.group_baseline(returns, mask, groups, leave_one_out=False)
    assert got.flatten().tolist() == pytest.approx([4 / 3, 4 / 3, 10.0, 4 / 3])


def test_normalize_advantages_ignores_padding():
    adv = t([[1.0, 3.0], [100.0, 5.0]])
    mask = t([[1.0, 1.0], [0.0, 1.0]])
    got = pg.normalize_advantages(adv, mask)
    std = math.sqrt(((1 - 3) ** 2 + 0 + (5 - 3) ** 2) / 3)
    assert got.flatten().tolist() == pytest.approx([-2 / std, 0.0, 0.0, 2 / std])


def test_reinforce_gradient_is_return_times_grad_log_pi():
    """grad of the loss == -(1/T) sum_t G_t * grad log pi(a_t), by hand for a softmax policy."""
    theta = torch.tensor([0.2, -0.1, 0.4], dtype=torch.float64, requires_grad=True)
    actions = [2, 0, 2]
    rewards = t([[0.0], [1.0], [2.0]])
    dones = t([[0.0], [0.0], [1.0]])
    returns = pg.discounted_returns(rewards, dones, gamma=0.9)  # [2.52, 2.8, 2.0]
    assert returns.flatten().tolist() == pytest.approx([0.9 * 2.8, 1.0 + 0.9 * 2.0, 2.0])
    logp = torch.log_softmax(theta, 0)
    chosen = torch.stack([logp[a] for a in actions])[:, None]
    loss = pg.reinforce_loss(chosen, returns, torch.ones_like(returns))
    loss.backward()
    probs = torch.softmax(theta.detach(), 0)
    expected = torch.zeros(3, dtype=torch.float64)
    for a, g in zip(actions, returns.flatten()):
        grad_log_pi = torch.nn.functional.one_hot(torch.tensor(a), 3).double() - probs
        expected += g * grad_log_pi
    assert theta.grad.tolist() == pytest.approx((-expected / 3).tolist(), abs=1e-12)


def test_ppo_clipped_loss_kl_and_clip_fraction():
    old = torch.log(t([0.5, 0.5]))
    new = torch.log(t([0.75, 0.25])).requires_grad_()
    adv = t([1.0, 1.0])
    mask = t([1.0, 1.0])
    loss, kl, clip_frac = pg.ppo_policy_loss(new, old, adv, mask, clip=0.2)
    # ratios 1.5 (clipped to 1.2) and 0.5 (min keeps 0.5): -(1.2 + 0.5) / 2
    assert loss.item() == pytest.approx(-0.85)
    assert clip_frac.item() == pytest.approx(1.0)
    k3 = ((1.5 - 1) - math.log(1.5) + (0.5 - 1) - math.log(0.5)) / 2
    assert kl.item() == pytest.approx(k3)
    loss.backward()
    # clipped sample has zero gradient; the other: d(-r/2)/dlogp = -r/2 = -0.25
    assert new.grad.tolist() == pytest.approx([0.0, -0.25])


def test_value_loss_plain_and_clipped():
    values, returns, old = t([1.0, 3.0]), t([2.0, 0.0]), t([0.0, 2.5])
    mask = t([1.0, 1.0])
    assert pg.value_loss(values, returns, mask).item() == pytest.approx(0.5 * (1 + 9) / 2)
    # clipped values: 0 + clamp(1, -.5, .5) = .5 -> (1.5)^2 = 2.25 > 1; 2.5 + .5 = 3 -> 9 = 9
    assert pg.value_loss(values, returns, mask, old, clip=0.5).item() == pytest.approx(0.5 * (2.25 + 9) / 2)


def test_kl_and_entropy_of_categoricals_with_padding():
    p = torch.log(t([[0.5, 0.5, 1.0]]))  # third entry is padding
    q = torch.log(t([[0.25, 0.75, 1.0]]))
    valid = t([[1.0, 1.0, 0.0]])
    assert pg.categorical_kl(p, q, valid).item() == pytest.approx(0.5 * math.log(2) + 0.5 * math.log(0.5 / 0.75))
    assert pg.categorical_entropy(p, valid).item() == pytest.approx(math.log(2))
    assert pg.categorical_kl(p, p, valid).item() == 0.0
    # the k3 sample estimate is unbiased: its expectation under p equals KL(p||q)
    k3 = pg.sample_kl(p[0, :2], q[0, :2])
    assert (k3 * p[0, :2].exp()).sum().item() == pytest.approx(pg.categorical_kl(p, q, valid).item())
