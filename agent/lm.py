"""Load a Hugging Face causal language model and its tokenizer, offline by default.

``--model`` may name a local model folder, a training run folder (its latest
checkpoint is used), or a hub id. A local folder never touches the network; a
hub id is read from the local cache first and downloaded only when the cache
lacks it and the network is allowed (``HF_HUB_OFFLINE`` unset).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from agent.lora import ADAPTER_CONFIG
from game.assets import resolve_asset
from game.errors import LanternError

BUNDLED_NPC = "assets/models/npc"
BASE_MODEL = "assets/models/npc-base"
LATEST = "latest"  # file in a run folder naming its newest checkpoint folder
HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")


def default_model(include_base: bool = True) -> str | None:
    """The bundled NPC model, else (if ``include_base``) the bundled base model, else None.

    Play and watch pass ``include_base=False``: the base model has learnt the game's
    language but not to pursue goals, and plays worse than the random NPC.
    """
    for name in (BUNDLED_NPC, BASE_MODEL) if include_base else (BUNDLED_NPC,):
        if found := bundled(name):
            return found
    return None


def bundled(name: str) -> str | None:
    """The folder of a bundled model (``BUNDLED_NPC`` or ``BASE_MODEL``) if it is there, else None."""
    folder = resolve_asset(name)
    return str(folder) if (folder / "config.json").is_file() else None


def resolve_model(name: str, flag: str = "--model") -> Path | str:
    """A local model folder for ``name`` (following a run's ``latest``), or the hub id itself;
    an error names ``name`` as given to ``flag``.

    Raises:
        LanternError: the path exists but holds no model, or names nothing at all.
    """
    path = resolve_asset(name)
    if path.is_dir():
        path = read_latest(path) or path
        if not (path / "config.json").is_file() and not (path / ADAPTER_CONFIG).is_file():
            raise LanternError(f"{flag} {name}: {path} is not a model folder (no config.json); give "
                               f"a folder written by save_pretrained, a training run folder, or a hub id")
        return path
    if path.exists():
        raise LanternError(f"{flag} {name}: is a file; give a model folder or a hub id")
    looks_local = (name.startswith((".", "/", "~")) or name.count("/") > 1 or os.sep in name.replace("/", "")
                   or (len(path.parts) > 1 and resolve_asset(str(path.parent)).is_dir()))  # e.g. runs/typo
    if looks_local or not HUB_ID.match(name):
        raise LanternError(f"{flag} {name}: no such model folder; check the path, or give a "
                           f"Hugging Face hub id like 'gpt2'")
    return name


def read_latest(run: Path) -> Path | None:
    """The checkpoint folder a run's ``latest`` file names, or None when there is no such file.

    Raises:
        LanternError: the file is not one line of text naming a folder under ``run/checkpoints``.
    """
    pointer = run / LATEST
    fix = "write the name of a whole checkpoint in it (checkpoints/update-NNNNNN), or delete it to start over"
    if not pointer.is_file():
        if pointer.exists() or pointer.is_symlink():  # not "no checkpoint": the run's checkpoints are there
            raise LanternError(f"{pointer}: is not a file (a folder, a device or a broken link); {fix}")
        return None
    try:
        with open(pointer, "rb") as f:
            text = f.read(4097).decode("utf-8").strip()  # a name, not a file to read whole
    except UnicodeDecodeError:
        raise LanternError(f"{pointer}: not text (damaged?); {fix}") from None
    except OSError as exc:
        raise LanternError(f"{pointer}: cannot read it ({exc.strerror or exc})") from None
    target = Path(text)
    if (not text or "\n" in text or len(text) > 4096 or target.is_absolute()
            or len(target.parts) != 2 or target.parts[0] != "checkpoints" or target.parts[1] in (".", "..")):
        raise LanternError(f"{pointer}: names {text[:80]!r}, not a folder under {run / 'checkpoints'}; {fix}")
    return run / target


def load_lm(name: str):
    """Load ``(model, tokenizer)``; the tokenizer always has a pad token.

    Raises:
        LanternError: one line naming the model and what to do.
    """
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # no "Loading weights" bars: our output is ours
    where = resolve_model(name)
    local = isinstance(where, Path)
    if local and (where / ADAPTER_CONFIG).is_file():  # a LoRA checkpoint: adapter + tokenizer
        from agent.lora import load_adapter
        return load_adapter(where), _load_tokenizer(name, where)
    offline = local or os.environ.get("HF_HUB_OFFLINE", "0") not in ("", "0", "false")
    try:
        try:
            tokenizer = AutoTokenizer.from_pretrained(where, local_files_only=True)
            model = AutoModelForCausalLM.from_pretrained(where, local_files_only=True)
        except OSError:
            if offline:
                raise
            from huggingface_hub.utils import logging as hub_logging
            hub_logging.set_verbosity_error()  # its retry warnings are not for the user: our error is one line
            tokenizer = AutoTokenizer.from_pretrained(where)
            model = AutoModelForCausalLM.from_pretrained(where)
    except Exception as exc:  # noqa: BLE001 - any failure to load a user's model is one clear line
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        hint = ("the folder is incomplete, corrupt, or not a causal language model" if local
                else "not found in the local cache and downloads are off (HF_HUB_OFFLINE)" if offline
                else "not in the local cache, and the hub did not give it (no network, or no such model)")
        raise LanternError(f"--model {name}: cannot load it: {hint} ({reason[:200]})") from None
    model.eval()  # no dropout: rollouts and updates see the same function
    return model, _with_pad(name, tokenizer)


def _load_tokenizer(name: str, folder: Path):
    from transformers import AutoTokenizer
    try:
        return _with_pad(name, AutoTokenizer.from_pretrained(folder, local_files_only=True))
    except (OSError, ValueError) as exc:
        raise LanternError(f"--model {name}: cannot load its tokenizer ({str(exc).strip()[:200]})") from None


def _with_pad(name: str, tokenizer):
    """``tokenizer`` with a pad token (its EOS when it has none)."""
    if tokenizer.pad_token_id is None:
        if tokenizer.eos_token_id is None:
            raise LanternError(f"--model {name}: its tokenizer has neither a pad nor an EOS token")
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer
