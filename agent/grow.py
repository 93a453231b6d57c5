"""``python main.py grow``: a deeper copy of a model that computes exactly what it computed.

A small model at capacity pays for each new skill with old ones: fine-tuning the 4-block NPC on
other authors' worlds has always cost it the bundled worlds. ``grow`` puts new transformer blocks
between the model's own (by default one after each), each with its output projections (the
attention's and the MLP's) set to zero, so a new block adds nothing to the residual stream and the
grown model's logits are the original's exactly; fine-tuning then starts from the model's own
policy with room to learn in the new blocks (a function-preserving deepening: Net2DeeperNet, Chen et
al. 2016; zero-initialised residual branches, as in ReZero and Fixup). The value head, tokenizer
and prompt settings are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from agent.config_cli import setting
from game.errors import LanternError

# The weights of a GPT-2 block whose zero makes the block add nothing to the residual stream.
ZEROED = ("attn.c_proj.weight", "attn.c_proj.bias", "mlp.c_proj.weight", "mlp.c_proj.bias")


@dataclass
class GrowConfig:
    """What ``grow`` deepens, how far, and where it writes the result."""

    model: str = setting(help="model folder (or hub id) to grow: a GPT-2", metavar="M")
    out: str = setting(help="model folder to write", metavar="DIR")
    layers: int | None = setting(None, "transformer blocks of the grown model", type=int, metavar="N",
                                 shown="twice the model's")
    seed: int = setting(0, "seed of the new blocks' other weights (the input projections)", type=int)


def placement(old: int, total: int) -> list[int | None]:
    """Which old block sits at each of ``total`` positions (None: a new block), the new ones spread
    evenly: each old block is followed by its share of them."""
    new = total - old
    order: list[int | None] = []
    for i in range(old):
        order.append(i)
        order += [None] * ((i + 1) * new // old - i * new // old)
    return order


def grow(config: GrowConfig) -> tuple[Path, int, int]:
    """Write the grown model to ``config.out``; returns (folder, blocks before, blocks after).

    Raises:
        LanternError: the model does not load, is not a GPT-2, or ``layers`` is not above its own.
    """
    import torch

    from agent.blend import training_record
    from agent.checkpoint import export_policy, load_policy
    from agent.lm import resolve_model
    from agent.lora import merge_adapters
    from agent.policy import LMPolicy
    where = resolve_model(config.model, flag="--model")
    policy = load_policy(str(where))
    merge_adapters(policy)
    model = policy.model
    if getattr(model.config, "model_type", None) != "gpt2":
        raise LanternError(f"--model {config.model}: grow deepens GPT-2 models, and this one is "
                           f"{getattr(model.config, 'model_type', 'unknown')!r}")
    old = model.config.n_layer
    total = 2 * old if config.layers is None else config.layers
    if total <= old:
        raise LanternError(f"--layers {total}: the model already has {old} blocks; give more than {old}")
    new_config = type(model.config).from_dict({**model.config.to_dict(), "n_layer": total})
    torch.manual_seed(config.seed)
    grown = type(model)(new_config).to(next(model.parameters()).dtype)
    source, state = model.state_dict(), grown.state_dict()
    order = placement(old, total)
    with torch.no_grad():
        for key in state:
            if ".h." not in key:
                state[key] = source[key].clone()
                continue
            head, rest = key.split(".h.", 1)
            position, name = rest.split(".", 1)
            origin = order[int(position)]
            if origin is not None:
                state[key] = source[f"{head}.h.{origin}.{name}"].clone()
            elif name in ZEROED:
                state[key] = torch.zeros_like(state[key])
        grown.load_state_dict(state)
    grown.eval()
    bigger = LMPolicy(grown, policy.tokenizer, policy.config)
    bigger.value_head.load_state_dict(policy.value_head.state_dict())
    out = Path(config.out)
    export_policy(bigger, out, {"trained_on": training_record(where),
                                "grown_from": {"model": config.model, "layers": [old, total]}})
    return out, old, total
