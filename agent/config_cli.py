"""Command-line flags built from a command's config dataclass, so each setting is written once.

A field made with ``setting(default, "help")`` becomes the flag ``--field-name`` with that
help, its default said once as "(default: X)", in the argument group it names. Flags given
on the command line are the only ones ``config_from_args`` passes on: every default comes
from the dataclass (CleanRL's ``Args``, TRL's ``*Config``), and the CLI cannot disagree
with the Python API. Adding a setting is adding a field.
"""

from __future__ import annotations

import argparse
import dataclasses
import shlex
import types
import typing
from collections.abc import Callable
from typing import Any

from game.cli import MECHANICS_HELP, VOCABULARY_HELP, difficulty as difficulty_level  # noqa: F401 (the configs import them from here)
from game.errors import LanternError

LORA_HELP = ("train rank-R LoRA adapters (and the value head) on the frozen model instead of every weight; "
             "needs peft (pip install -e .[lora]) (0 = off)")
LORA_TARGETS = "the attention projections: GPT-2 c_attn,c_proj; Llama/Qwen2 q_proj,k_proj,v_proj,o_proj"


def setting(default: Any = dataclasses.MISSING, help: str = "", *, group: str | None = None,
            flag: str | None = None, aliases: tuple[str, ...] = (), type: Callable | None = None,
            metavar: str | None = None, choices: tuple | None = None, shown: str | None = None,
            cli: bool = True, const: Any = None) -> Any:
    """A config field and how it shows on the command line.

    Args:
        default: the field's default (the shipped recipe); none makes the flag required.
        help: one line on what it does (the default is appended, once).
        group: the ``--help`` group it is listed under (None: the command's own options).
        flag: the flag, if not ``--`` + the field's name with dashes.
        aliases: older spellings, accepted but not listed in ``--help``.
        type: converts the flag's text (default: the field's type); may raise ``LanternError``.
        metavar: the value's name in ``--help``.
        choices: the values allowed.
        shown: how ``--help`` states the default, where the value itself says too little
            (a ``None`` default without it is not stated).
        cli: False keeps the field out of the command line (Python API only).
        const: the value the flag takes when given without one (its value is then optional).
    """
    meta = {"help": help, "group": group, "flag": flag, "aliases": aliases, "type": type, "metavar": metavar,
            "choices": choices, "shown": shown, "cli": cli,
            "const": const}
    return dataclasses.field(default=default, metadata={"cli": meta})


class _Refused(argparse.Action):
    """A flag that is no longer taken: one line saying what to use instead."""

    def __init__(self, option_strings, dest, message: str = "", **kwargs) -> None:
        super().__init__(option_strings, argparse.SUPPRESS, nargs="?", help=argparse.SUPPRESS, **kwargs)
        self.message = message

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        parser.error(f"{option_string}: {self.message}")


def add_config_arguments(parser: argparse.ArgumentParser, cls: type, groups: tuple[str, ...] = (),
                         refused: dict[str, str] | None = None) -> None:
    """Add one flag per command-line field of ``cls`` to ``parser``.

    Args:
        parser: the command's parser.
        cls: its config dataclass (fields made with ``setting``).
        groups: ``--help`` group titles in the order shown (others follow as first met).
        refused: flags the command no longer takes -> what to use instead.
    """
    hints = typing.get_type_hints(cls)
    made = {title: parser.add_argument_group(title) for title in groups}
    for f in dataclasses.fields(cls):
        meta = f.metadata.get("cli")
        if meta is None or not meta["cli"]:
            continue
        where = parser
        if meta["group"]:
            if meta["group"] not in made:
                made[meta["group"]] = parser.add_argument_group(meta["group"])
            where = made[meta["group"]]
        _add_flag(where, f, meta, hints[f.name])
    for flag, message in (refused or {}).items():
        parser.add_argument(flag, action=_Refused, message=message)


def _add_flag(where, f: dataclasses.Field, meta: dict, hint) -> None:
    flag = meta["flag"] or "--" + f.name.replace("_", "-")
    base = _base_type(hint)
    kw: dict[str, Any] = {"dest": f.name, "default": argparse.SUPPRESS}
    required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    if base is bool:  # --x / --no-x; a field already named no_x is a plain switch (argparse reads --no-* as off)
        kw["action"] = "store_true" if flag.startswith("--no-") else argparse.BooleanOptionalAction
    else:
        kw.update(type=_converter(meta["type"] or base, flag), metavar=meta["metavar"], choices=meta["choices"],
                  required=required)
        if meta["choices"]:
            kw["metavar"] = None
        if meta["const"] is not None:
            kw.update(nargs="?", const=meta["const"])
    kw["help"] = meta["help"] + _default_text(f, meta, base)
    where.add_argument(flag, **kw)
    for alias in meta["aliases"]:
        where.add_argument(alias, **{**kw, "help": argparse.SUPPRESS, "required": False})


def _base_type(hint) -> type:
    """``int | None`` -> int; ``tuple[int, int]`` -> tuple."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        hint = next(h for h in typing.get_args(hint) if h is not type(None))
    return typing.get_origin(hint) or hint


def _default_text(f: dataclasses.Field, meta: dict, base: type) -> str:
    if meta["shown"] is not None:
        return f" (default: {meta['shown']})"
    if base is bool:
        return f" (default: {'on' if f.default else 'off'})"
    if f.default is dataclasses.MISSING or f.default is None:
        return ""
    return f" (default: {f.default})"


def _converter(kind: Callable, flag: str) -> Callable[[str], Any]:
    """``kind`` with its ``LanternError`` turned into argparse's one-line usage error."""
    def convert(text: str):
        try:
            return kind(text)
        except LanternError as exc:
            raise argparse.ArgumentTypeError(str(exc).split(": ", 1)[-1]) from None
    convert.__name__ = getattr(kind, "__name__", flag)  # argparse names it in "invalid <name> value"
    return convert


def given(args: argparse.Namespace, cls: type) -> dict:
    """The fields of ``cls`` set on the command line (the rest keep the dataclass's defaults)."""
    return {f.name: getattr(args, f.name) for f in dataclasses.fields(cls) if hasattr(args, f.name)}


def config_from_args(cls: type, args: argparse.Namespace, **fixed):
    """``cls`` from the flags given, over its defaults (``fixed`` set by the caller)."""
    return cls(**{**given(args, cls), **fixed})



# -- value types shared by the configs (each raises LanternError; flags turn it into a usage error) --

def fraction(text: str) -> float:
    """A number between 0 and 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {value}")
    return value


def seed_range(text: str) -> tuple[int, int]:
    """'A:B' -> (A, B), seeds A <= s < B."""
    from agent.worlds import parse_range
    return parse_range(text, "seeds")


def request_kinds(text: str) -> tuple[str, ...]:
    """'go,take' -> ('go', 'take'), known request kinds only."""
    from agent.requests_train import parse_kinds
    return parse_kinds(text)


def command_line(command: str, config, always: tuple[str, ...] = (), skip: tuple[str, ...] = ()) -> str:
    """The shortest ``python main.py COMMAND`` line that makes ``config``: the ``always`` flags, then
    each command-line setting that differs from its default (``skip``: those that change no result)."""
    words = ["python", "main.py", command]
    for f in dataclasses.fields(config):
        meta = f.metadata.get("cli")
        value = getattr(config, f.name)
        if (meta is None or not meta["cli"] or f.name in skip
                or (f.name not in always and value == f.default)):
            continue
        flag = meta["flag"] or "--" + f.name.replace("_", "-")
        if isinstance(value, bool):
            words.append(flag if value else "--no-" + flag[2:])
        elif isinstance(value, tuple) and meta["metavar"] == "A:B":
            words += [flag, f"{value[0]}:{value[1]}"]
        else:
            words += [flag, ",".join(map(str, value)) if isinstance(value, tuple) else str(value)]
    return " ".join(map(shlex.quote, words))
