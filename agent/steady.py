"""Training floats that do not depend on the number of CPU threads.

On more threads torch splits some backward sums into per-thread partial sums, so a run with
two torch threads would part ways with the same run on one thread (and with the model a card
says it made). Forward passes, Adam and the rest of a policy's backward already agree on any
thread count, and so do matrix products in MKL's strict reproducible mode (``--cpu pinned``, see
``agent/kernels.py``; with ``native`` MKL's own split depends on the threads); two pieces did not,
and are pinned here and in ``agent/policy.py``:

- LayerNorm's backward sums its weight and bias gradients over rows split by thread: it runs
  on one thread (``steady_layer_norms``; LayerNorm is a small share of the work);
- advanced indexing's backward adds repeated rows in thread order: the policy picks
  candidates' logits with ``index_select`` instead (whose backward adds in index order).

Both give exactly the floats they give on one thread, so a 2-thread run reproduces a 1-thread
run bit for bit while its matrix products, attention and activations use both cores. ``train``
and ``imitate`` swap the LayerNorms of the model they train, as a step of their own; a policy
that only acts (eval, play, the KL reference) keeps torch's.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch
from torch import nn


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """Run torch on one CPU thread inside the block (then as many as before)."""
    before = torch.get_num_threads()
    if before == 1:
        yield
        return
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


class _LayerNormFunction(torch.autograd.Function):
    """torch's own layer norm forward and backward, the backward on one thread."""

    @staticmethod
    def forward(ctx, x, weight, bias, shape: list[int], eps: float):
        out, mean, rstd = torch.ops.aten.native_layer_norm(x, shape, weight, bias, eps)
        ctx.save_for_backward(x, weight, bias, mean, rstd)
        ctx.shape = shape
        return out

    @staticmethod
    def backward(ctx, grad):
        x, weight, bias, mean, rstd = ctx.saved_tensors
        with one_thread():
            dx, dw, db = torch.ops.aten.native_layer_norm_backward(
                grad.contiguous(), x, ctx.shape, mean, rstd, weight, bias, list(ctx.needs_input_grad[:3]))
        return dx, dw, db, None, None


class SteadyLayerNorm(nn.LayerNorm):
    """``nn.LayerNorm`` with the same forward and a thread-count-invariant backward."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not torch.is_grad_enabled() or self.weight is None or x.device.type != "cpu":
            return super().forward(x)
        return _LayerNormFunction.apply(x, self.weight, self.bias, list(self.normalized_shape), self.eps)


def steady_layer_norms(model: nn.Module) -> int:
    """Make every plain ``nn.LayerNorm`` in ``model`` a ``SteadyLayerNorm`` (the same parameters and
    saved weights); returns how many."""
    count = 0
    for module in model.modules():
        if type(module) is nn.LayerNorm:
            module.__class__ = SteadyLayerNorm
            count += 1
    return count

