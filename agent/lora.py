"""LoRA: train low-rank adapters on a frozen model through Hugging Face ``peft`` (an extra:
``pip install -e .[lora]``).

``--lora R`` wraps the policy's model in a ``PeftModel`` with rank-R adapters on the
attention projections (GPT-2 ``c_attn``/``c_proj``; Llama, Qwen2 and similar
``q_proj``/``k_proj``/``v_proj``/``o_proj``); only the adapters and the value head train.
A checkpoint of such a policy holds the adapter (``adapter_model.safetensors``,
``adapter_config.json``, which names the base model's folder or hub id) instead of the
whole model; exporting merges the adapter into the base weights, so the exported folder
is a plain model folder.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path

from game.errors import LanternError

ADAPTER_CONFIG = "adapter_config.json"
# attention projections by model_type; other architectures need --lora-targets
DEFAULT_TARGETS = {
    "gpt2": ("c_attn", "c_proj"),
    **{kind: ("q_proj", "k_proj", "v_proj", "o_proj")
       for kind in ("llama", "qwen2", "qwen3", "mistral", "gemma", "gemma2", "olmo", "smollm3")},
}


@dataclass(frozen=True)
class LoraSettings:
    """Rank, scale and target modules of the adapters.

    Attributes:
        rank: adapter rank R (the adapters add R * (in + out) weights per target module).
        alpha: scale numerator: the adapter's output is multiplied by alpha / R
            (None: 2 * R).
        targets: names of the modules to adapt (None: the architecture's attention
            projections, ``DEFAULT_TARGETS``).
    """

    rank: int
    alpha: float | None = None
    targets: tuple[str, ...] | None = None


def lora_settings(config) -> LoraSettings | None:
    """The adapters a run's config (``lora``, ``lora_alpha``, ``lora_targets``) asks for, or None
    (every weight trains)."""
    return LoraSettings(config.lora, config.lora_alpha, config.lora_targets) if config.lora else None


def check_lora(rank: int | None, alpha: float | None, targets) -> None:
    """Refuse settings that make no adapter (one line naming the flag).

    Raises:
        LanternError: a rank below 0, an alpha that is not positive, an empty target, or
            --lora-alpha / --lora-targets without --lora.
    """
    if rank is not None and rank < 0:
        raise LanternError(f"--lora must be at least 0 (0 = off), got {rank}")
    if not rank and (alpha is not None or targets):
        raise LanternError("--lora-alpha and --lora-targets set up LoRA adapters; add --lora R (the rank)")
    if alpha is not None and not alpha > 0:
        raise LanternError(f"--lora-alpha must be positive, got {alpha}")
    if targets is not None and (not targets or not all(isinstance(t, str) and t.strip() for t in targets)):
        raise LanternError(f"--lora-targets: expected module names separated by commas, got {targets!r}")


def parse_targets(text: str) -> tuple[str, ...]:
    """``--lora-targets q_proj,v_proj`` -> ('q_proj', 'v_proj')."""
    return tuple(part.strip() for part in text.split(","))


def is_lora(model) -> bool:
    """Whether ``model`` is wrapped in peft adapters."""
    return hasattr(model, "peft_config") and hasattr(model, "get_base_model")


def base_model(model):
    """The transformers model under a peft wrapper (``model`` itself when there is none)."""
    return model.get_base_model() if is_lora(model) else model


def add_lora(model, settings: LoraSettings, base_name: str):
    """Freeze ``model`` and wrap it with fresh adapters; returns the ``PeftModel``.

    Args:
        model: a Hugging Face causal LM (its adapters' A matrices draw from torch's global RNG).
        settings: rank, alpha, targets.
        base_name: the model's folder or hub id, recorded so that checkpoints, which hold only
            the adapter, can find it again.

    Raises:
        LanternError: peft is missing, ``model`` has adapters already, the architecture has no
            default targets, or a target matches no module.
    """
    peft = _peft()
    if is_lora(model):
        raise LanternError(f"--lora: {base_name} is a LoRA checkpoint; start from a merged model folder "
                           f"(write one with train --export DIR) or continue that run with --resume")
    kind = model.config.model_type
    targets = settings.targets or DEFAULT_TARGETS.get(kind)
    if targets is None:
        raise LanternError(f"--lora: no default target modules for model type {kind!r}; name them with "
                           f"--lora-targets (e.g. q_proj,v_proj)")
    names = {name.rsplit(".", 1)[-1] for name, _ in model.named_modules()}
    if missing := [t for t in targets if t not in names]:
        raise LanternError(f"--lora-targets: {', '.join(missing)} is not a module of this {kind} model; "
                           f"its linear layers include {', '.join(sorted(_linear_names(model))[:12])}")
    config = peft.LoraConfig(r=settings.rank, lora_alpha=settings.alpha or 2 * settings.rank,
                             target_modules=list(targets), lora_dropout=0.0, bias="none",
                             task_type="CAUSAL_LM", fan_in_fan_out=kind == "gpt2")  # GPT-2's Conv1D is (in, out)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # peft calls deprecated transformers names
        wrapped = peft.get_peft_model(model, config)
    wrapped.peft_config["default"].base_model_name_or_path = base_name
    return wrapped


def load_adapter(folder: Path):
    """A saved adapter on its base model, the adapter trainable (a ``PeftModel``).

    Raises:
        LanternError: peft is missing, the adapter config is unreadable, or its base model
            cannot be loaded (one line naming the folder and the base).
    """
    from agent.lm import load_lm
    peft = _peft()
    path = folder / ADAPTER_CONFIG
    try:
        base = json.loads(path.read_text(encoding="utf-8")).get("base_model_name_or_path")
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, AttributeError) as exc:
        raise LanternError(f"{path}: cannot read it ({str(exc)[:120]}); the checkpoint is damaged") from None
    if not isinstance(base, str) or not base:
        raise LanternError(f"{path}: names no base model (base_model_name_or_path); the checkpoint is damaged")
    try:
        model, _ = load_lm(base)
    except LanternError as exc:
        raise LanternError(f"{folder}: its LoRA adapter's base model cannot be loaded: {exc}") from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            wrapped = peft.PeftModel.from_pretrained(model, str(folder), is_trainable=True)
    except Exception as exc:  # noqa: BLE001 - a damaged adapter is one clear line
        raise LanternError(f"{folder}: cannot load its LoRA adapter onto {base} "
                           f"({str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__})"
                           ) from None
    wrapped.eval()
    return wrapped


def _linear_names(model) -> set[str]:
    import torch
    return {name.rsplit(".", 1)[-1] for name, module in model.named_modules()
            if isinstance(module, torch.nn.Linear) or type(module).__name__ == "Conv1D"}


def _peft():
    try:
        import peft
    except ImportError:
        raise LanternError("--lora needs the peft package: pip install -e .[lora] (or pip install peft)") from None
    return peft


def lora_policy(policy, settings: LoraSettings, base_name: str):
    """Give ``policy``'s model fresh adapters (``add_lora``), in place; returns the policy."""
    policy.model = add_lora(policy.model, settings, base_name)
    policy.model.eval()  # no dropout: acting and updating see the same function
    return policy


def trainable(module) -> list:
    """The parameters an optimizer should update: the adapters and the value head under LoRA,
    every parameter otherwise (in ``module.parameters()`` order, as checkpoints count them)."""
    return [p for p in module.parameters() if p.requires_grad]


def merge_adapters(policy) -> None:
    """Fold ``policy``'s adapters into its model's weights, in place (the adapters are gone
    after this: export is the last thing a run does)."""
    if is_lora(policy.model):
        policy.model = policy.model.merge_and_unload()


def model_name(name: str) -> str:
    """How an adapter names its base model: the absolute folder (so that a run resumes from any
    working directory), or the hub id."""
    from agent.lm import resolve_model
    where = resolve_model(name)
    return str(where.resolve()) if isinstance(where, Path) else where
