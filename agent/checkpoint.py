"""Saving and loading policies and training state: safetensors + JSON, never pickle.

A policy folder is a Hugging Face model folder (``config.json``,
``model.safetensors``, tokenizer files) plus ``value_head.safetensors`` and
``lantern.json`` (policy settings and where it was trained). A training
checkpoint adds ``optimizer.safetensors`` (Adam moments), ``rng.safetensors``
(the sampling generator) and ``trainer.json`` (config, counters, optimizer
hyper-parameters). Each is written to a temporary folder and renamed into place;
the run's ``latest`` file then names it, so a killed run always finds a whole one.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, fields
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from agent.lm import LATEST, load_lm, resolve_model
from agent.policy import LMPolicy, PolicyConfig
from game.files import write_text
from game.errors import LanternError

VALUE_HEAD = "value_head.safetensors"
POLICY_META = "lantern.json"
OPTIMIZER = "optimizer.safetensors"
RNG = "rng.safetensors"
TRAINER = "trainer.json"
KEEP = 2  # checkpoints kept in a run folder


def load_policy(name: str, **overrides) -> LMPolicy:
    """Load a policy from a model folder, run folder or hub id.

    The value head and policy settings are read when the folder has them
    (otherwise a fresh head); ``overrides`` replace PolicyConfig fields.

    Raises:
        LanternError: unreadable model, or a value head of the wrong shape.
    """
    model, tokenizer = load_lm(name)
    where = resolve_model(name)
    meta = read_meta(where) if isinstance(where, Path) else {}
    saved = {f.name: meta["policy"][f.name] for f in fields(PolicyConfig) if f.name in meta.get("policy", {})}
    policy = LMPolicy(model, tokenizer, PolicyConfig(**{**saved, **overrides}))
    if isinstance(where, Path) and (where / VALUE_HEAD).is_file():
        state = _read_tensors(where / VALUE_HEAD)
        expected = {k: tuple(v.shape) for k, v in policy.value_head.state_dict().items()}
        got = {k: tuple(v.shape) for k, v in state.items()}
        if got != expected:
            raise LanternError(f"{where / VALUE_HEAD}: value head shapes {got} do not fit this model "
                               f"({expected}); the checkpoint is from another architecture")
        policy.value_head.load_state_dict(state)
    return policy


def read_meta(folder: Path) -> dict:
    """``lantern.json`` of a policy folder, or {} when it has none."""
    path = folder / POLICY_META
    if not path.is_file():
        return {}
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LanternError(f"{path}: not valid JSON ({exc}); the checkpoint is damaged") from None
    if not isinstance(meta, dict):
        raise LanternError(f"{path}: expected a JSON object; the checkpoint is damaged")
    return meta


def save_policy(policy: LMPolicy, folder: Path, meta: dict) -> None:
    """Write a loadable policy folder (model, tokenizer, value head, settings)."""
    folder.mkdir(parents=True, exist_ok=True)
    policy.model.save_pretrained(folder, safe_serialization=True)
    policy.tokenizer.save_pretrained(folder)
    save_file({k: v.contiguous() for k, v in policy.value_head.state_dict().items()}, str(folder / VALUE_HEAD))
    body = {"policy": asdict(policy.config), **meta}
    (folder / POLICY_META).write_text(json.dumps(body, indent=1), encoding="utf-8")


def machine() -> dict:
    """What the floats of a run depend on besides its settings: the same commands give the same
    weights bit for bit only where the kernels torch picks are the same (AVX2 and AVX-512
    kernels round differently)."""
    import platform
    return {"python": platform.python_version(), "torch": torch.__version__, "machine": platform.machine(),
            "cpu_capability": torch.backends.cpu.get_cpu_capability(), "cpus": os.cpu_count(),
            "threads": torch.get_num_threads()}


def export_policy(policy: LMPolicy, folder: Path, meta: dict, records: dict[str, dict] | None = None) -> None:
    """Write a standalone policy folder (no optimizer) to a temporary sibling, then rename it
    into place; an existing ``folder`` is replaced only once the new one is whole.

    Args:
        records: extra JSON files to put beside the model (name -> content).
    """
    tmp = folder.with_name(f".{folder.name}.tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    save_policy(policy, tmp, meta)
    for name, body in (records or {}).items():
        (tmp / name).write_text(json.dumps(body, indent=1), encoding="utf-8")
    if folder.exists():
        shutil.rmtree(folder)
    os.replace(tmp, folder)


def save_checkpoint(run: Path, name: str, policy: LMPolicy, optimizer: torch.optim.Optimizer,
                    generator: torch.Generator, trainer: dict, meta: dict) -> Path:
    """Write checkpoint ``run/checkpoints/<name>`` atomically, point ``latest`` at it, prune old ones."""
    final = run / "checkpoints" / name
    tmp = run / "checkpoints" / f".{name}.tmp"
    if tmp.exists():
        shutil.rmtree(tmp)
    save_policy(policy, tmp, meta)
    tensors, groups = _flatten_optimizer(optimizer)
    save_file(tensors, str(tmp / OPTIMIZER))
    save_file({"generator": generator.get_state()}, str(tmp / RNG))
    (tmp / TRAINER).write_text(json.dumps({**trainer, "param_groups": groups}, indent=1), encoding="utf-8")
    if final.exists():
        shutil.rmtree(final)
    os.replace(tmp, final)
    write_text(run / LATEST, f"checkpoints/{name}\n")
    for old in sorted(p for p in (run / "checkpoints").iterdir() if not p.name.startswith("."))[:-KEEP]:
        if old != final:
            shutil.rmtree(old)
    return final


def latest_checkpoint(run: Path) -> Path | None:
    """The folder ``run/latest`` names, or None when the run has no checkpoint."""
    pointer = run / LATEST
    if not pointer.is_file():
        return None
    folder = run / pointer.read_text(encoding="utf-8").strip()
    if not (folder / TRAINER).is_file():
        raise LanternError(f"{pointer}: names {folder}, which is not a whole checkpoint; "
                           f"delete {pointer} to start over, or point it at a folder under {run / 'checkpoints'}")
    return folder


def load_training_state(folder: Path, optimizer: torch.optim.Optimizer, generator: torch.Generator) -> dict:
    """Restore optimizer and generator from a checkpoint; return its trainer.json."""
    try:
        trainer = json.loads((folder / TRAINER).read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LanternError(f"{folder / TRAINER}: not valid JSON ({exc}); the checkpoint is damaged") from None
    tensors = _read_tensors(folder / OPTIMIZER)
    state: dict[int, dict] = {}
    for key, value in tensors.items():
        _, index, name = key.split("/")
        state.setdefault(int(index), {})[name] = value
    try:
        optimizer.load_state_dict({"state": state, "param_groups": trainer["param_groups"]})
    except (ValueError, KeyError, RuntimeError) as exc:
        raise LanternError(f"{folder / OPTIMIZER}: does not fit this model's parameters ({exc}); "
                           f"the checkpoint is from another model or damaged") from None
    generator.set_state(_read_tensors(folder / RNG)["generator"])
    return trainer


def _flatten_optimizer(optimizer: torch.optim.Optimizer) -> tuple[dict[str, torch.Tensor], list[dict]]:
    sd = optimizer.state_dict()
    tensors = {f"state/{i}/{k}": (v if torch.is_tensor(v) else torch.tensor(v)).contiguous()
               for i, s in sd["state"].items() for k, v in s.items()}
    return tensors, sd["param_groups"]


def _read_tensors(path: Path) -> dict[str, torch.Tensor]:
    if not path.is_file():
        raise LanternError(f"{path}: missing; the checkpoint is incomplete")
    try:
        return load_file(str(path))
    except (SafetensorError, OSError, ValueError) as exc:
        raise LanternError(f"{path}: cannot read it ({exc}); the checkpoint is damaged") from None
