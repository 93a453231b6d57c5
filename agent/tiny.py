"""Tiny GPT-2 models built locally (tests, benchmarks, and a first model to train).

Nothing downloads: the project's tokenizer (``agent.tokenizer``) is trained on
text from the game itself, and a small ``GPT2LMHeadModel`` is initialised from a
seed. The result is a normal Hugging Face model folder (``config.json``,
``model.safetensors``, tokenizer files) that ``agent.lm.load_lm`` can read.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from pathlib import Path

from agent.tokenizer import build_tokenizer


def game_corpus(difficulties: Iterable[int] = (1, 2), seeds: Iterable[int] = range(8),
                extra_worlds: Iterable = (), steps: int = 12) -> list[str]:
    """Text the game produces: observations, goals and commands from random play.

    Args:
        difficulties: generated-world levels to sample.
        seeds: world seeds per level.
        extra_worlds: further World objects (or world file paths) to include.
        steps: random commands played per world.
    """
    from game.env import LanternEnv
    from game.generator import generate

    worlds = [generate(d, s) for d in difficulties for s in seeds]
    worlds.extend(extra_worlds)
    rng = random.Random(0)
    texts: list[str] = []
    for world in worlds:
        env = LanternEnv(world)
        obs, info = env.reset(seed=0)
        texts.extend([obs, info["goal"], " ".join(info["inventory"])])
        for _ in range(steps):
            options = info["admissible_commands"]
            if not options:
                break
            texts.extend(options)
            obs, _, term, trunc, info = env.step(rng.choice(options))
            texts.append(obs)
            if term or trunc:
                break
    return texts


ARCHS = ("gpt2", "llama", "qwen2")


def build_tiny_model(path: str | Path, texts: Iterable[str] | None = None, *, vocab_size: int = 1024,
                     n_layer: int = 2, n_embd: int = 64, n_head: int = 4, n_positions: int = 512,
                     seed: int = 0, arch: str = "gpt2") -> Path:
    """Write a small, randomly initialised GPT-2 (or Llama, or Qwen2) and its tokenizer to ``path``.

    Args:
        path: folder to write (missing parents are made; an old one is replaced whole).
        texts: tokenizer training text (default: ``game_corpus()``).
        vocab_size: BPE vocabulary size (byte alphabet included).
        n_layer: transformer blocks.
        n_embd: hidden size.
        n_head: attention heads.
        n_positions: longest sequence the model accepts.
        seed: initialisation seed.
        arch: 'gpt2', 'llama' or 'qwen2' (these two with grouped-query attention: half as many
            key/value heads as query heads).

    Returns:
        The folder written.
    """
    import torch
    from transformers import AutoModelForCausalLM, GPT2Config, LlamaConfig, Qwen2Config

    path = Path(path)
    tokenizer = build_tokenizer(list(texts) if texts is not None else game_corpus(), vocab_size)
    eos = tokenizer.eos_token_id
    if arch == "gpt2":
        config = GPT2Config(vocab_size=len(tokenizer), n_positions=n_positions, n_embd=n_embd,
                            n_layer=n_layer, n_head=n_head, resid_pdrop=0.0, embd_pdrop=0.0,
                            attn_pdrop=0.0, activation_function="gelu", bos_token_id=eos, eos_token_id=eos)
    elif arch in ARCHS:
        kind = LlamaConfig if arch == "llama" else Qwen2Config
        config = kind(vocab_size=len(tokenizer), hidden_size=n_embd, intermediate_size=2 * n_embd,
                      num_hidden_layers=n_layer, num_attention_heads=n_head,
                      num_key_value_heads=max(1, n_head // 2), max_position_embeddings=n_positions,
                      bos_token_id=eos, eos_token_id=eos, tie_word_embeddings=True)
    else:
        raise ValueError(f"arch must be one of {', '.join(ARCHS)}, got {arch!r}")
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(config)
    from agent.checkpoint import model_folder
    with model_folder(path) as tmp:
        model.save_pretrained(tmp, safe_serialization=True)
        tokenizer.save_pretrained(tmp)
    return path
