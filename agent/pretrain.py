"""Pretrain the small base NPC model on the game's own language.

Reads top to bottom: corpus (``agent.corpus``) -> byte-level BPE tokenizer ->
a small GPT-2 trained by next-token prediction (AdamW, warm-up then cosine decay,
validation loss on held-out worlds) -> a model folder built under a temporary name
and swapped in whole, with a model card (``README.md``) and ``pretrain.json``.

Each document is one row starting at position 0, as a prompt does when the NPC
acts; rows of similar length are batched together and padding is not scored.
"""

from __future__ import annotations

import math
import random
import sys
import time
from dataclasses import asdict
from pathlib import Path

import torch

from agent.checkpoint import machine, model_folder, write_json
from agent.corpus import Corpus, CorpusConfig, build_corpus
from agent.pretrain_config import PretrainConfig
from agent.tokenizer import build_tokenizer
from agent.metrics import say
from game.errors import LanternError
from game.files import check_output_folder, write_text

CARD = "README.md"
RECORD = "pretrain.json"
IGNORE = -100  # label of padding: not scored


def pretrain(config: PretrainConfig, corpus_config: CorpusConfig | None = None) -> dict:
    """Make the base model in ``config.out``; return the figures recorded in its card.

    Args:
        config: the run's settings.
        corpus_config: corpus settings (default: ``config.corpus_config()``).

    Raises:
        LanternError: ``out`` exists (without ``force``) or cannot be written.
    """
    out = Path(config.out)
    _check_out(out, config.force)
    started = time.time()
    if config.threads:
        torch.set_num_threads(config.threads)
    # -- corpus and tokenizer -------------------------------------------------------------
    corpus = build_corpus(corpus_config or config.corpus_config())
    train_docs, val_docs = corpus.split(config.val_share)
    if not train_docs or not val_docs:
        raise LanternError(f"--corpus-episodes {config.corpus_episodes} is too few to split into training "
                           f"and validation worlds; raise it (the default is 1200)")
    tokenizer = build_tokenizer(train_docs, config.vocab_size)
    train_rows = encode_rows(tokenizer, train_docs, config.n_positions)
    val_rows = encode_rows(tokenizer, val_docs, config.n_positions)
    tokenizer.model_max_length = config.n_positions
    data = corpus_summary(corpus, train_rows, val_rows, time.time() - started)
    say(f"corpus: {data['worlds']} worlds, {data['documents']} documents, {data['train_tokens']} training "
         f"+ {data['val_tokens']} validation tokens ({data['seconds']:.0f}s)")
    # -- model --------------------------------------------------------------------------
    torch.manual_seed(config.seed)
    model = new_model(config, tokenizer).to(config.device)
    # -- train ----------------------------------------------------------------------------
    curve = train_lm(model, train_rows, val_rows[:config.eval_docs], config, tokenizer.pad_token_id)
    # -- save -----------------------------------------------------------------------------
    figures = {"parameters": sum(p.numel() for p in model.parameters()), "wall_seconds": round(time.time() - started, 1),
               "val_loss_initial": curve[0]["val_loss"], "val_loss": curve[-1]["val_loss"],
               "train_loss": curve[-1]["train_loss"], "curve": curve, "corpus": data}
    save_model(model.cpu(), tokenizer, out, config, figures)
    say(f"saved {out} ({figures['size_mb']:.1f} MB, {figures['parameters'] / 1e6:.2f}M parameters); "
         f"validation loss {figures['val_loss_initial']:.3f} -> {figures['val_loss']:.3f} "
         f"in {figures['wall_seconds'] / 60:.1f} min")
    return figures


def _check_out(out: Path, force: bool) -> None:
    if out.exists() and not force:
        raise LanternError(f"{out}: already exists; add --force to replace it, or choose another --out")
    check_output_folder(out, "--out")


def encode_rows(tokenizer, docs: list[str], length: int) -> list[list[int]]:
    """Token ids of each document followed by EOS, cut into rows of at most ``length``."""
    rows = []
    for ids in tokenizer(docs, add_special_tokens=False)["input_ids"]:
        ids = ids + [tokenizer.eos_token_id]
        rows.extend(ids[i:i + length] for i in range(0, len(ids), length))
    return rows


def corpus_summary(corpus: Corpus, train_rows: list[list[int]], val_rows: list[list[int]], seconds: float) -> dict:
    levels: dict[str, int] = {}
    for name in corpus.names:
        key = name.split("-")[0] if name.startswith("d") and "-s" in name else "bundled"
        levels[key] = levels.get(key, 0) + 1
    return {"worlds": len(corpus.names), "worlds_by_level": levels, "documents": len(corpus.documents),
            "characters": sum(map(len, corpus.documents)), "train_tokens": sum(map(len, train_rows)),
            "val_tokens": sum(map(len, val_rows)), "seconds": round(seconds, 1)}


def new_model(config: PretrainConfig, tokenizer):
    """A freshly initialised GPT-2 (no dropout: RL acts and updates with the same function)."""
    from transformers import GPT2Config, GPT2LMHeadModel
    gpt = GPT2Config(vocab_size=len(tokenizer), n_positions=config.n_positions, n_embd=config.n_embd,
                     n_layer=config.n_layer, n_head=config.n_head, resid_pdrop=0.0, embd_pdrop=0.0,
                     attn_pdrop=0.0, bos_token_id=tokenizer.eos_token_id, eos_token_id=tokenizer.eos_token_id,
                     pad_token_id=tokenizer.pad_token_id)
    return GPT2LMHeadModel(gpt)


def batches(rows: list[list[int]], size: int, rng: random.Random):
    """Endless batches of row indices: each epoch shuffled, then grouped by similar length."""
    while True:
        order = list(range(len(rows)))
        rng.shuffle(order)
        pool = size * 32  # sort within pools: little padding, still random
        chunks = []
        for start in range(0, len(order), pool):
            part = sorted(order[start:start + pool], key=lambda i: len(rows[i]))
            chunks.extend(part[i:i + size] for i in range(0, len(part), size))
        rng.shuffle(chunks)
        yield from chunks


def collate(rows: list[list[int]], pad: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(input_ids, attention_mask, labels), each ``[B, T]`` with T the longest row."""
    width = max(map(len, rows))
    ids = torch.full((len(rows), width), pad, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, row in enumerate(rows):
        ids[i, :len(row)] = torch.tensor(row)
        mask[i, :len(row)] = 1
    labels = ids.masked_fill(mask == 0, IGNORE)
    return ids, mask, labels


def lr_factor(step: int, config: PretrainConfig) -> float:
    """Linear warm-up, then cosine decay to ``min_lr_ratio``."""
    warmup = min(config.warmup, config.steps // 5)  # a short run still decays
    if step < warmup:
        return (step + 1) / warmup
    progress = (step - warmup) / max(1, config.steps - warmup)
    return config.min_lr_ratio + (1 - config.min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * min(progress, 1.0)))


def make_optimizer(model, config: PretrainConfig) -> torch.optim.AdamW:
    """AdamW with decay on weight matrices only (not biases, norms)."""
    params = [p for p in model.parameters() if p.requires_grad]
    groups = [{"params": [p for p in params if p.dim() >= 2], "weight_decay": config.weight_decay},
              {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0}]
    return torch.optim.AdamW(groups, lr=config.lr, betas=(0.9, 0.95))


def token_loss(model, rows: list[list[int]], pad: int) -> tuple[torch.Tensor, int]:
    """Summed next-token loss over the scored tokens of ``rows``, and how many were scored."""
    ids, mask, labels = (t.to(model.device) for t in collate(rows, pad))
    logits = model(input_ids=ids, attention_mask=mask).logits[:, :-1]  # [B, T-1, V]
    target = labels[:, 1:]                                              # [B, T-1]
    loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.size(-1)), target.reshape(-1),
                                             ignore_index=IGNORE, reduction="sum")
    return loss, int((target != IGNORE).sum())


@torch.no_grad()
def validation_loss(model, rows: list[list[int]], pad: int, size: int = 32) -> float:
    """Mean next-token loss per scored token over ``rows``."""
    model.eval()
    total, count = 0.0, 0
    for start in range(0, len(rows), size):
        loss, n = token_loss(model, rows[start:start + size], pad)
        total += loss.item()
        count += n
    return total / max(count, 1)


def train_lm(model, train_rows: list[list[int]], val_rows: list[list[int]], config: PretrainConfig,
             pad: int) -> list[dict]:
    """Next-token training; returns the validation curve ``[{step, train_loss, val_loss}, ...]``."""
    from tqdm import tqdm
    if not train_rows or not val_rows:
        raise LanternError("the corpus is too small to split into training and validation worlds; "
                           "raise --corpus-episodes")
    optimizer = make_optimizer(model, config)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: lr_factor(s, config))
    order = batches(train_rows, config.batch, random.Random(config.seed))
    curve = [{"step": 0, "train_loss": None, "val_loss": round(validation_loss(model, val_rows, pad), 4)}]
    say(f"step 0: validation loss {curve[0]['val_loss']:.3f}")
    recent: list[float] = []
    bar = tqdm(range(1, config.steps + 1), desc="pretrain", unit="step", disable=not config.progress,
               dynamic_ncols=True)
    for step in bar:
        model.train()
        total, count = token_loss(model, [train_rows[i] for i in next(order)], pad)
        loss = total / max(count, 1)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), config.max_grad_norm)
        optimizer.step()
        schedule.step()
        recent = (recent + [loss.item()])[-50:]
        bar.set_postfix(loss=f"{sum(recent) / len(recent):.3f}", lr=f"{schedule.get_last_lr()[0]:.1e}")
        if step % config.eval_every == 0 or step == config.steps:
            val = validation_loss(model, val_rows, pad)
            curve.append({"step": step, "train_loss": round(sum(recent) / len(recent), 4), "val_loss": round(val, 4)})
            bar.write(f"step {step}: train loss {curve[-1]['train_loss']:.3f}, validation loss {val:.3f}",
                      file=sys.stderr)
    bar.close()
    model.eval()
    return curve


def save_model(model, tokenizer, out: Path, config: PretrainConfig, figures: dict) -> None:
    """Write model, tokenizer, card and record into a temporary folder and swap it in as ``out``
    (an old ``out``, with --force, stays until the new one is whole)."""
    with model_folder(out) as tmp:
        model.save_pretrained(tmp, safe_serialization=True)
        tokenizer.save_pretrained(tmp)
        figures["size_mb"] = round(sum(f.stat().st_size for f in tmp.iterdir()) / 2**20, 2)
        record = {"command": config.command_line(), "config": {k: v for k, v in asdict(config).items()
                                                                if k not in ("force", "progress")},
                  **figures, **machine()}
        write_json(tmp / RECORD, record)
        write_text(tmp / CARD, model_card(record))
        figures["size_mb"] = round(sum(f.stat().st_size for f in tmp.iterdir()) / 2**20, 2)


def model_card(record: dict) -> str:
    """The model folder's README.md."""
    c, data = record["config"], record["corpus"]
    levels = ", ".join(f"{k}: {v}" for k, v in sorted(data["worlds_by_level"].items()))
    curve = "\n".join(f"| {p['step']} | {p['train_loss'] if p['train_loss'] is not None else '-'} | {p['val_loss']} |"
                      for p in record["curve"])
    return f"""# npc-base: Lantern's small base language model

A GPT-2 style causal LM pretrained by next-token prediction on the game's own language only.
It knows how the game talks (rooms, things, replies, the shape of a command) but has never seen a
reward or a walkthrough: goal-directed play is for reinforcement learning (`python main.py train
--model {record['config']['out']}`).

## Size

- {c['n_layer']} layers, {c['n_embd']} hidden, {c['n_head']} heads, context {c['n_positions']} tokens
- {record['parameters']:,} parameters (float32, tied input/output embeddings), {record['size_mb']} MB on disk

## Tokenizer

Byte-level BPE trained with `tokenizers` on the training corpus: {c['vocab_size']} tokens
(256 byte symbols, merges, `<|endoftext|>` as EOS and padding); saved as a `transformers`
fast tokenizer.

## Data

Made by `agent/corpus.py` (seed {c['seed']}): {data['worlds']} worlds ({levels}; generated worlds use
training seeds only, below 1,000,000), {data['documents']:,} documents, {data['characters']:,}
characters. Each world gives a description (rooms, exits, `examine` of every thing) and episodes of
random exploratory play (mostly admissible commands, some look/examine/inventory, a few refused
commands), cut into segments laid out as the policy's prompt (a `Goal:` line, `observation` and
`> command` lines, and the `To do:` / `Carrying:` lines just above the last `>`). No rewards, scores or solver walkthroughs.
Every {round(1 / c['val_share'])}th world is held out for validation: {data['train_tokens']:,} training and
{data['val_tokens']:,} validation tokens.

## Training

```
{record['command']}
```

Seed {c['seed']}; {c['steps']} steps of {c['batch']} documents (one per row, from position 0); AdamW
(lr {c['lr']}, betas 0.9/0.95, weight decay {c['weight_decay']}), {c['warmup']} warm-up steps then
cosine decay to {c['min_lr_ratio']} x lr, gradient clipping {c['max_grad_norm']}. Wall time
{record['wall_seconds'] / 60:.1f} min on a {record['cpus']}-core {record['machine']} CPU ({record['cpu_capability']} kernels) with {record['threads']} torch thread(s)
(corpus {data['seconds']:.0f}s included); python {record['python']}, torch {record['torch']}.

| step | train loss | validation loss |
|---|---|---|
{curve}

Validation loss (nats per token, held-out worlds): {record['val_loss_initial']} at initialisation,
**{record['val_loss']}** at the end.
"""
