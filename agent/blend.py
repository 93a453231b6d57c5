"""``python main.py blend``: a policy whose weights are a weighted average of others'.

Fine-tuning a model on new worlds teaches it to read them and costs some of what it could do;
averaging the fine-tuned weights with the model it started from often keeps most of both
(Wortsman et al. 2022, "Robust fine-tuning of zero-shot models", WiSE-FT; "model soups"). It
only means something for models of one lineage (one started from the other, or both from one
model): the same architecture, tokenizer and prompt settings, which ``blend`` checks, except
settings that only add a line to the prompt (``ADDED_LINES``): a fine-tune that learnt to read
one blends with the model it started from, which never saw it, and the blend reads it. The
model and its value head are averaged in float64, then stored in each weight's own dtype.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from pathlib import Path

from agent.config_cli import setting
from game.errors import LanternError


ADDED_LINES = ("request_names",)  # policy settings that add a prompt line and change nothing else


def _parts(value) -> list[str]:
    """A flag's comma-separated text, or the Python API's sequence, as its parts."""
    return [str(part) for part in (value.split(",") if isinstance(value, str) else value)]


def _names(value) -> tuple[str, ...]:
    parts = _parts(value)
    names = tuple(part.strip() for part in parts if part.strip())
    if len(names) < 2:
        raise LanternError(f"--models needs two or more models separated by commas, got {','.join(parts)!r}")
    return names


def _weights(value) -> tuple[float, ...]:
    parts = _parts(value)
    text = ",".join(parts)
    try:
        weights = tuple(float(part) for part in parts)
    except ValueError:
        raise LanternError(f"--weights must be numbers separated by commas, got {text!r}") from None
    if any(not w > 0 for w in weights):
        raise LanternError(f"--weights must all be above 0, got {text!r}")
    return weights


@dataclass
class BlendConfig:
    """What ``blend`` averages, and where it writes the result."""

    models: tuple[str, ...] = setting(help="model folders (or hub ids) of one lineage, separated by commas",
                                      type=_names, metavar="M,M")
    out: str = setting(help="model folder to write", metavar="DIR")
    weights: tuple[float, ...] | None = setting(
        None, "each model's weight, separated by commas (scaled to add up to 1)", type=_weights, metavar="W,W",
        shown="equal")

    def __post_init__(self) -> None:
        self.models = _names(self.models)
        weights = _weights((1.0,) * len(self.models) if self.weights is None else self.weights)
        if len(weights) != len(self.models):
            raise LanternError(f"--weights gives {len(weights)} weights for {len(self.models)} models; "
                               "give one per model")
        self.weights = tuple(w / sum(weights) for w in weights)


def blend(config: BlendConfig) -> Path:
    """Average the models' weights (and value heads) and write the result to ``config.out``.

    Raises:
        LanternError: a model does not load, or is not of the first one's lineage (other
            weight names or shapes, another tokenizer, other prompt settings).
    """
    import torch

    from agent.checkpoint import export_policy, load_policy
    from agent.lm import resolve_model
    from agent.lora import merge_adapters
    places = [resolve_model(name, flag="--models") for name in config.models]  # named by the flag that gave them
    policies = []
    for where in places:
        policy = load_policy(str(where))
        merge_adapters(policy)  # a LoRA run's adapters belong to its weights
        policies.append(policy)
    first = policies[0]
    for name, policy in zip(config.models[1:], policies[1:]):
        _check_lineage(config.models[0], first, name, policy)
    first.config = replace(first.config, **{k: any(getattr(p.config, k) for p in policies) for k in ADDED_LINES})
    with torch.no_grad():
        for module in (lambda p: p.model, lambda p: p.value_head):
            states = [module(p).state_dict() for p in policies]
            mixed = {key: sum(w * s[key].double() for w, s in zip(config.weights, states)).to(tensor.dtype)
                     for key, tensor in states[0].items()}
            module(first).load_state_dict(mixed)
    out = Path(config.out)
    records = [training_record(where) for where in places]
    meta = {"trained_on": _trained_on(records),
            "blend": [{"model": name, "weight": round(w, 6), "trained_on": record}
                      for name, w, record in zip(config.models, config.weights, records)]}
    export_policy(first, out, meta)
    return out


def training_record(where: Path | str) -> dict:
    """A resolved model's ``trained_on`` (empty for a hub model or one that records none)."""
    from agent.checkpoint import read_meta
    return read_meta(where).get("trained_on", {}) if isinstance(where, Path) else {}


def _trained_on(records: list[dict]) -> dict:
    """What the blend was trained on, for ``eval``'s check against held-out seeds: every level and
    every generated-world seed any of its models saw (the span covering them)."""
    levels = [r["difficulty"] for r in records if "difficulty" in r]
    seeds = [r["seeds"] for r in records if "seeds" in r]
    out = {}
    if levels:
        out["difficulty"] = [min(lo for lo, _ in levels), max(hi for _, hi in levels)]
    if seeds:
        out["seeds"] = [min(lo for lo, _ in seeds), max(hi for _, hi in seeds)]
    return out


def _check_lineage(first_name: str, first, name: str, policy) -> None:
    """One line naming what differs when ``policy`` cannot be averaged with ``first``."""
    ours, theirs = first.model.state_dict(), policy.model.state_dict()
    shapes = {k: tuple(v.shape) for k, v in ours.items()}
    other = {k: tuple(v.shape) for k, v in theirs.items()}
    if shapes != other:
        key = next((k for k in sorted(set(shapes) | set(other)) if shapes.get(k) != other.get(k)))
        raise LanternError(f"{name}: weight {key} is {other.get(key, 'missing')} where {first_name} has "
                           f"{shapes.get(key, 'none')}; blend only models of one architecture (a model and "
                           "its fine-tunes)")
    if first.tokenizer.get_vocab() != policy.tokenizer.get_vocab():
        raise LanternError(f"{name}: its tokenizer is not {first_name}'s; blend only models of one lineage")
    a, b = asdict(first.config), asdict(policy.config)
    differ = [k for k in a if a[k] != b.get(k) and k not in ADDED_LINES]
    if differ:
        raise LanternError(f"{name}: its prompt settings differ from {first_name}'s ({', '.join(differ)}); "
                           "blend only models that read the game the same way")
