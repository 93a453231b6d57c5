"""One unpadded forward of a GPT-2 over prompts and the candidates that follow them.

Scoring N states means running each state's prompt once and each candidate command after
it. Here every real token sits once in one flat ``[T, hidden]`` batch, so the linear layers
(most of the work) see no padding and no copy of a prompt. Only attention needs rows:

- prompts: ``[n, P]`` right-padded, causal (a real token never sees the padding after it),
  in groups of similar length so that little of the grid is padding (``Group``);
- candidates: each state's candidate tokens side by side in ``[n, C]``, attending to their
  prompt's keys and values (computed once, shared as a KV cache would be) and to the earlier
  tokens of their own candidate.

The LM head runs only on the rows whose logits are read: each prompt's last token and every
candidate token but the last. All picking and spreading goes through ``index_select`` (whose
backward adds repeats in index order on any number of threads, see ``agent/steady.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import Tensor
from torch.nn import functional as F


# Attention cost of one more group of prompts, in (query, key) pairs: what a separate
# attention call costs in time beyond its arithmetic (measured order of magnitude, one thread).
GROUP_COST = 32768


@dataclass
class Group:
    """States whose prompts share one padded attention grid.

    Attributes:
        width: P, the longest prompt of the group.
        cand_width: C, the most candidate tokens a state of the group feeds.
        rows: ``[n * (P + C)]`` flat index of each state's P prompt slots, then its C candidate
            slots; padding repeats token 0, which no real token attends to (causality and
            ``cand_mask`` keep it out), so it adds nothing to any output or gradient.
        real: how many of ``rows`` are real tokens.
        cand_mask: ``[n, 1, C, P + C]`` True where a candidate slot may attend.
    """

    n: int
    width: int
    cand_width: int
    rows: Tensor
    real: int
    cand_mask: Tensor


@dataclass
class Layout:
    """Where each token of a flat batch sits, and what it may attend to.

    Attributes:
        ids: ``[T]`` token ids, prompts first (state by state), then candidates' fed tokens.
        positions: ``[T]`` position ids (a candidate's tokens continue its prompt's).
        groups: states grouped by prompt length, each with its own attention grid.
        back: ``[T]`` index of each flat token in the groups' outputs laid end to end
            (per group: its prompt slots, then its candidate slots).
        heads: ``[N + T_c]`` flat rows that need logits: prompts' last tokens, then candidates'.
        pick: ``[M, L]`` row of ``heads`` whose logits predict each continuation token.
        n: N, the number of prompts.
    """

    ids: Tensor
    positions: Tensor
    groups: list[Group]
    back: Tensor
    heads: Tensor
    pick: Tensor
    n: int


def layout(prompts: list[list[int]], seqs: list[list[int]], owner: list[int]) -> Layout:
    """Lay out N prompts and M continuations (``owner[m]``: the prompt seq m follows)."""
    if any(len(p) == 0 for p in prompts) or any(len(s) == 0 for s in seqs):
        raise ValueError("prompts and continuations must be non-empty")
    n = len(prompts)
    ids = [t for p in prompts for t in p]
    positions = [j for p in prompts for j in range(len(p))]
    t_p = len(ids)
    first = [0] * n                                       # flat index of each prompt's first token
    for i in range(1, n):
        first[i] = first[i - 1] + len(prompts[i - 1])
    slots: list[list[int]] = [[] for _ in prompts]        # per state: flat index of each candidate token
    segs: list[list[int]] = [[] for _ in prompts]         # per state: the seq each of those belongs to
    pick = []
    for m, (i, seq) in enumerate(zip(owner, seqs)):
        pick.append([i, *range(n + len(ids) - t_p, n + len(ids) - t_p + len(seq) - 1)])
        for k, tok in enumerate(seq[:-1]):
            slots[i].append(len(ids))
            segs[i].append(m)
            ids.append(tok)
            positions.append(len(prompts[i]) + k)
    t = len(ids)
    back = [0] * t
    groups, offset = [], 0
    for members in _groups([len(p) for p in prompts]):
        width, c = max(len(prompts[i]) for i in members), max(len(slots[i]) for i in members)
        rows, seg = [], []
        for r, i in enumerate(members):
            span = range(first[i], first[i] + len(prompts[i]))
            rows += [*span, *[0] * (width - len(span)), *slots[i], *[0] * (c - len(slots[i]))]
            for j, flat in enumerate(span):
                back[flat] = offset + r * width + j
            seg.append(segs[i] + [-1] * (c - len(segs[i])))
            for s, flat in enumerate(slots[i]):
                back[flat] = offset + len(members) * width + r * c + s
        offset += len(members) * (width + c)
        plen = torch.tensor([len(prompts[i]) for i in members])
        real = sum(len(prompts[i]) + len(slots[i]) for i in members)
        groups.append(Group(len(members), width, c, torch.tensor(rows), real,
                            _cand_mask(plen, width, torch.tensor(seg, dtype=torch.long).view(len(members), c))))
    longest = max(map(len, seqs))
    pick_t = torch.tensor([r + [0] * (longest - len(r)) for r in pick], dtype=torch.long)      # [M, L]
    heads = [first[i] + len(prompts[i]) - 1 for i in range(n)] + list(range(t_p, t))
    return Layout(torch.tensor(ids), torch.tensor(positions), groups, torch.tensor(back), torch.tensor(heads),
                  pick_t, n)


def _cand_mask(plen: Tensor, width: int, seg: Tensor) -> Tensor:
    """``[n, 1, C, P + C]``: a candidate slot sees its prompt and the earlier slots of its own candidate
    (a padding slot sees the prompt only, so that no row is all masked)."""
    n, c = seg.shape
    see_prompt = (torch.arange(width)[None, None, :] < plen[:, None, None]).expand(n, c, width)
    own = (seg[:, :, None] == seg[:, None, :]) & (seg[:, :, None] >= 0) & torch.ones(c, c, dtype=torch.bool).tril()
    return torch.cat([see_prompt, own], 2)[:, None]


def _groups(lengths: list[int]) -> list[list[int]]:
    """Split states (by index) into groups of similar prompt length, minimising the padded
    attention area plus ``GROUP_COST`` per group (dynamic programming over the sorted lengths)."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    best = [0.0] + [float("inf")] * len(order)          # best[j]: cost of the first j states (longest first)
    cut = [0] * (len(order) + 1)
    for j in range(1, len(order) + 1):
        for i in range(j):                              # group = order[i:j], its width lengths[order[i]]
            cost = best[i] + (j - i) * lengths[order[i]] ** 2 + GROUP_COST
            if cost < best[j]:
                best[j], cut[j] = cost, i
    groups, j = [], len(order)
    while j:
        groups.append(order[cut[j]:j])
        j = cut[j]
    return groups[::-1]


def supports(model) -> bool:
    """Whether ``model`` is a GPT-2 this module can run (self-attention only, no dropout at work)."""
    cfg = getattr(model, "config", None)
    if getattr(cfg, "model_type", None) != "gpt2" or getattr(cfg, "add_cross_attention", False):
        return False
    body = getattr(model, "transformer", None)
    if body is None or not hasattr(model, "lm_head"):
        return False
    dropout = (cfg.attn_pdrop, cfg.resid_pdrop, cfg.embd_pdrop)
    return not (model.training and any(p > 0 for p in dropout))


def forward(model, lay: Layout) -> tuple[Tensor, Tensor]:
    """Run the flat batch: ``(logits [N + T_c, V] at lay.heads, final hidden state at each
    prompt's last token [N, H])``."""
    body = model.transformer
    dev = body.wte.weight.device
    x = body.wte(lay.ids.to(dev)) + body.wpe(lay.positions.to(dev))                  # [T, H]
    groups = [_OnDevice(g, dev, x.dtype) for g in lay.groups]
    rows, back = torch.cat([g.rows for g in lay.groups]).to(dev), lay.back.to(dev)
    keep = torch.is_grad_enabled()  # acting: work in place (fresh big tensors cost page faults)
    for block in body.h:
        a = _attention(block.attn, block.ln_1(x), groups, rows, back)
        x = x + a if keep else x.add_(a)
        m = _mlp(block.mlp, block.ln_2(x), keep)
        x = x + m if keep else x.add_(m)
    out = body.ln_f(x.index_select(0, lay.heads.to(dev)))                            # [N + T_c, H]
    return model.lm_head(out), out[:lay.n]


class _OnDevice:
    """A group's shape and candidate mask on the model's device."""

    def __init__(self, g: Group, dev, dtype) -> None:
        self.n, self.width, self.cand_width = g.n, g.width, g.cand_width
        # additive, made once: attention would turn a boolean mask into this at every layer
        self.cand_mask = torch.zeros(g.cand_mask.shape, dtype=dtype).masked_fill_(~g.cand_mask, float("-inf")).to(dev)


def _attention(attn, h: Tensor, groups: list[_OnDevice], rows: Tensor, back: Tensor) -> Tensor:
    """Self-attention of one block over the flat batch ``h`` ``[T, H]``."""
    hidden = h.shape[-1]
    heads = attn.num_heads
    qkv = attn.c_attn(h)                                                              # [T, 3H]
    scale = getattr(attn, "scaling", (hidden // heads) ** -0.5)
    # one index_select for all groups, split into them (split's and unbind's backwards fill one
    # buffer each, where a pick per group or per q/k/v would fill a whole-size one each)
    grids = qkv.index_select(0, rows).split([g.n * (g.width + g.cand_width) for g in groups])
    parts = []
    for g, grid in zip(groups, grids):
        p, c = g.width, g.cand_width
        q, k, v = (t.transpose(1, 2) for t in grid.view(g.n, p + c, 3, heads, -1).unbind(2))  # [n, heads, P + C, D]
        (qp, qc), (kp, _), (vp, _) = (t.split([p, c], 2) for t in (q, k, v))
        out = F.scaled_dot_product_attention(qp, kp, vp, is_causal=True, scale=scale)  # [n, heads, P, D]
        parts.append(out.transpose(1, 2).reshape(-1, hidden))
        if c:  # candidates see their prompt's keys and values and their own
            out = F.scaled_dot_product_attention(qc, k, v, attn_mask=g.cand_mask, scale=scale)
            parts.append(out.transpose(1, 2).reshape(-1, hidden))                    # [n * C, H]
    return attn.c_proj(torch.cat(parts).index_select(0, back))                       # [T, H]


def _mlp(mlp, h: Tensor, keep: bool) -> Tensor:
    h = mlp.c_fc(h)
    if type(mlp.act).__name__ == "NewGELUActivation":  # gelu_new is torch's tanh-approximate gelu
        h = _TanhGelu.apply(h) if keep else _tanh_gelu(h, h)
    else:
        h = mlp.act(h)
    return mlp.c_proj(h)


# The tanh-approximate gelu, x/2 (1 + tanh(u)) with u = sqrt(2/pi) (x + 0.044715 x^3), written
# as x sigmoid(2u): the same function (within float rounding), and about twice as fast on CPUs
# where torch's vectorised tanh is slow and its sigmoid is not (measured: 2.7 against 5.3 ms
# for 2,500 x 512 floats on one thread of an AVX2 EPYC).
_GELU_A = 2 * (2 / math.pi) ** 0.5
_GELU_B = _GELU_A * 0.044715


def _tanh_gelu(x: Tensor, out: Tensor) -> Tensor:
    """gelu_new of ``x`` into ``out`` (which may be ``x`` itself)."""
    s = x * x
    s.mul_(_GELU_B).add_(_GELU_A).mul_(x).sigmoid_()
    return torch.mul(x, s, out=out)


class _TanhGelu(torch.autograd.Function):
    """The fast forward above with torch's own gelu backward (which is not slow)."""

    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        ctx.save_for_backward(x)
        return _tanh_gelu(x, torch.empty_like(x))

    @staticmethod
    def backward(ctx, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return torch.ops.aten.gelu_backward(grad, x, approximate="tanh")
