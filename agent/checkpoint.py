"""Saving and loading policies and training state: safetensors + JSON, never pickle.

A policy folder is a Hugging Face model folder (``config.json``,
``model.safetensors``, tokenizer files) plus ``value_head.safetensors`` and
``lantern.json`` (policy settings and where it was trained). A LoRA policy's
checkpoints hold its adapter (``adapter_config.json``, naming the base model, and
``adapter_model.safetensors``) in place of the model; its exports are merged. A training
checkpoint adds ``optimizer.safetensors`` (Adam moments), ``rng.safetensors``
(the sampling generator) and ``trainer.json`` (config, counters, optimizer
hyper-parameters). Each is built in a temporary folder, fsynced and swapped into
place whole (``game.files.folder_writer``); the run's ``latest`` file then names it,
so a killed run always finds a whole one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, fields
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save

from agent.lm import LATEST, load_lm, read_latest, resolve_model
from agent.lora import is_lora, merge_adapters
from agent.policy import LMPolicy, PolicyConfig
from game.errors import LanternError
from game.files import folder_writer, remove_temps, write_bytes, write_text

VALUE_HEAD = "value_head.safetensors"
POLICY_META = "lantern.json"
OPTIMIZER = "optimizer.safetensors"
RNG = "rng.safetensors"
TRAINER = "trainer.json"
TRAIN_RECORD = "train.json"  # what an exported trained model keeps of its run
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
    """Write a loadable policy folder (model, tokenizer, value head, settings) into ``folder``,
    which is being built by ``model_folder``."""
    policy.model.save_pretrained(folder, safe_serialization=True)
    if is_lora(policy.model):  # peft's model-card template, to be filled in by hand: not ours to ship
        (folder / "README.md").unlink(missing_ok=True)
    policy.tokenizer.save_pretrained(folder)
    write_tensors(folder / VALUE_HEAD, policy.value_head.state_dict())
    write_json(folder / POLICY_META, {"policy": asdict(policy.config), **meta})


@contextmanager
def model_folder(final: Path) -> Iterator[Path]:
    """``folder_writer`` for model folders: a failed safetensors write (its errors are not
    OSErrors) is one line naming ``final`` and the cause too, and leaves ``final`` as it was."""
    from transformers.utils import logging as hf_logging
    hf_logging.disable_progress_bar()  # no "Writing model shards" bar
    with folder_writer(final) as tmp:
        try:
            yield tmp
        except SafetensorError as exc:
            raise _os_error(exc) from None


def _os_error(exc: SafetensorError) -> OSError:
    """The OSError behind a safetensors write error ("... (os error 28)")."""
    found = re.search(r"os error (\d+)", str(exc))
    return OSError(int(found.group(1)), os.strerror(int(found.group(1)))) if found else OSError(str(exc))


def write_tensors(path: Path, tensors: dict[str, torch.Tensor]) -> None:
    """A safetensors file, written whole through ``game.files``."""
    write_bytes(path, save({k: v.contiguous() for k, v in tensors.items()}))


def write_json(path: Path, body: dict) -> None:
    """An indented JSON file, written whole through ``game.files``."""
    write_text(path, json.dumps(body, indent=1))


def machine() -> dict:
    """What the floats of a run depend on besides its settings: the same commands give the same
    weights bit for bit only where the kernels torch picks are the same (AVX2 and AVX-512
    kernels round differently)."""
    import platform
    return {"python": platform.python_version(), "torch": torch.__version__, "machine": platform.machine(),
            "cpu_capability": torch.backends.cpu.get_cpu_capability(), "cpus": os.cpu_count(),
            "threads": torch.get_num_threads()}


def export_policy(policy: LMPolicy, folder: Path, meta: dict, records: dict[str, dict] | None = None) -> None:
    """Write a standalone policy folder (no optimizer); an existing ``folder`` is replaced only
    once the new one is whole. A LoRA policy's adapters are merged into its model first, in
    place (export ends a run), so the folder is a plain model folder.

    Args:
        records: extra JSON files to put beside the model (name -> content).
    """
    merge_adapters(policy)
    with model_folder(folder) as tmp:
        save_policy(policy, tmp, meta)
        for name, body in (records or {}).items():
            write_json(tmp / name, body)


def save_checkpoint(run: Path, name: str, policy: LMPolicy, optimizer: torch.optim.Optimizer,
                    generator: torch.Generator, trainer: dict, meta: dict) -> Path:
    """Write checkpoint ``run/checkpoints/<name>`` whole, point ``latest`` at it, prune old ones
    (and what killed writes left behind)."""
    checkpoints = run / "checkpoints"
    final = checkpoints / name
    checkpoints.mkdir(parents=True, exist_ok=True)
    with model_folder(final) as tmp:
        save_policy(policy, tmp, meta)
        tensors, groups = _flatten_optimizer(optimizer)
        write_tensors(tmp / OPTIMIZER, tensors)
        write_tensors(tmp / RNG, {"generator": generator.get_state()})
        write_json(tmp / TRAINER, {**trainer, "param_groups": groups})
    write_text(run / LATEST, f"checkpoints/{name}\n")
    remove_temps(checkpoints)
    for old in sorted(p for p in checkpoints.iterdir() if not p.name.startswith("."))[:-KEEP]:
        if old != final:
            shutil.rmtree(old, ignore_errors=True)
    return final


def latest_checkpoint(run: Path) -> Path | None:
    """The folder ``run/latest`` names, or None when the run has no checkpoint."""
    folder = read_latest(run)
    if folder is None:
        return None
    if not (folder / TRAINER).is_file():
        raise LanternError(f"{run / LATEST}: names {folder}, which is not a whole checkpoint; delete "
                           f"{run / LATEST} to start over, or point it at a folder under {run / 'checkpoints'}")
    return folder


COUNTERS = ("update", "global_step", "episodes", "level")


def read_trainer(folder: Path) -> dict:
    """A checkpoint's ``trainer.json``: counters, the run's config and the optimizer's groups.

    Raises:
        LanternError: not JSON, or a field missing or of the wrong kind (one line naming it).
    """
    path = folder / TRAINER
    try:
        trainer = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise LanternError(f"{path}: not valid JSON ({str(exc)[:120]}); the checkpoint is damaged") from None
    if not isinstance(trainer, dict):
        raise LanternError(f"{path}: expected a JSON object; the checkpoint is damaged")
    for key in COUNTERS:
        value = trainer.get(key)
        if type(value) is not int or value < 0:
            raise LanternError(f"{path}: {key!r} is {value!r}, not a count; the checkpoint is damaged")
    for key, kind in (("config", dict), ("param_groups", list), ("recent_success", list)):
        if not isinstance(trainer.get(key, kind()), kind):
            raise LanternError(f"{path}: {key!r} is not a JSON {kind.__name__}; the checkpoint is damaged")
    if "config" not in trainer or "param_groups" not in trainer:
        raise LanternError(f"{path}: has no {'config' if 'config' not in trainer else 'param_groups'!r}; "
                           f"the checkpoint is damaged")
    return trainer


def trained_env_steps(folder: Path) -> int | None:
    """Environment steps ``train`` took to make the policy in ``folder`` (a checkpoint's
    ``trainer.json`` or an exported model's ``train.json``), or None when it has neither
    (a pretrained, imitated or downloaded model).

    Raises:
        LanternError: the record is damaged (one line naming it).
    """
    if (folder / TRAINER).is_file():
        return read_trainer(folder)["global_step"]
    path = folder / TRAIN_RECORD
    if not path.is_file():
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise LanternError(f"{path}: not valid JSON ({str(exc)[:120]}); the model's training record "
                           f"is damaged") from None
    steps = record.get("global_step") if isinstance(record, dict) else None
    if type(steps) is not int or steps < 0:
        raise LanternError(f"{path}: 'global_step' is {str(steps)[:40]!r}, not a count; the model's training "
                           f"record is damaged")
    return steps


def load_training_state(folder: Path, optimizer: torch.optim.Optimizer, generator: torch.Generator) -> dict:
    """Restore optimizer and generator from a checkpoint; return its trainer.json."""
    trainer = read_trainer(folder)
    tensors = _read_tensors(folder / OPTIMIZER)
    state: dict[int, dict] = {}
    try:
        for key, value in tensors.items():
            _, index, name = key.split("/")
            state.setdefault(int(index), {})[name] = value
        optimizer.load_state_dict({"state": state, "param_groups": trainer["param_groups"]})
    except (ValueError, KeyError, RuntimeError, TypeError) as exc:
        raise LanternError(f"{folder / OPTIMIZER}: does not fit this model's parameters ({str(exc)[:120]}); "
                           f"the checkpoint is from another model or damaged") from None
    try:
        generator.set_state(_read_tensors(folder / RNG)["generator"])
    except (KeyError, RuntimeError, TypeError) as exc:
        raise LanternError(f"{folder / RNG}: not a generator state ({str(exc)[:120]}); "
                           f"the checkpoint is damaged") from None
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
