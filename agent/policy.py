"""The LM policy: score candidate commands (choose) or generate one; a value head.

choose:   pi(a|s) = softmax_a( score(a) / temperature ), where score(a) is the LM's
          log-probability of the command's tokens after the prompt (summed; or divided
          by its token or word count), over the admissible commands.
generate: write the command token by token from the tempered distribution. Over
          'admissible' commands (the default), only tokens that continue some admissible
          command's tokens are allowed (a trie of the candidates): at each step the model's
          probabilities are renormalised over the allowed tokens, so the command written is
          always admissible and log pi(a|s) = sum_k [log p(a_k | s, a_<k) - log sum_{t allowed
          after a_<k} p(t | s, a_<k)], a distribution over the admissible commands that the
          candidates' own token log-probabilities give exactly (``trie_logp``). 'free': any
          tokens until a newline or EOS; log pi(a|s) = the sum of their log-probabilities.
V(s) is a linear head on the LM's last hidden state at the prompt's last token.

All candidates of all environments are scored together, several ways with the same
numbers up to float rounding (``method``):
  flat:   every real token once in one unpadded batch; each prompt's keys and values are
          shared by its candidates inside the forward (``agent/flat.py``; GPT-2 models;
          used for acting and updates where the model allows it);
  packed: one row per state, ``prompt + cand_1 + cand_2 + ...``, with a 4-D attention
          mask that lets each candidate see the prompt and itself only, and position
          ids that restart after the prompt for each candidate: a single forward, no
          cache copies (the update's fallback when the model accepts 4-D masks);
  cached: encode each prompt once, then run every candidate on a copy of its
          prompt's KV cache (the acting fallback);
  full:   every (prompt + candidate) row in full (the plain reference).
'auto' takes the first of flat, packed and cached that the model allows.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from agent import flat
from agent.lora import base_model
from agent.pg import categorical_entropy
from agent.prompt import FITS, PromptBuilder, View
from game.errors import LanternError
from game.journal import WORDINGS

MODES = ("choose", "generate")
GENERATE_OVER = ("admissible", "free")
METHODS = ("auto", "flat", "packed", "cached", "full")
LENGTH_NORMS = ("none", "token", "word")


@dataclass
class PolicyConfig:
    """How the LM acts.

    Attributes:
        mode: 'choose' among admissible commands, or 'generate' a command.
        length_norm: choose-mode score: 'none' (sum of token log-probs), 'token'
            (mean per token) or 'word' (sum divided by the command's word count).
        temperature: divides scores (choose) or token logits (generate).
        top_k: generate mode: sample among the k likeliest tokens (0 = all).
        max_command_tokens: generate mode: most tokens per command ('free'; an admissible
            command is written whole).
        generate_over: generate mode: write only 'admissible' commands (constrained to their
            token trie) or 'free' text (the parser reads it).
        prompt_tokens: token budget of the prompt.
        history: most earlier (observation, command) pairs in the prompt.
        journal: the prompt carries the actor's journal (``info["notes"]``: what is
            here, unexplored exits, what it saw elsewhere and the first step there, and
            where the things its unmet goals name were last seen).
        prompt_fit: how a prompt over ``prompt_tokens`` is cut: 'oldest' (oldest pairs, then
            the start of the observation) or 'ordered' (least needed first; ``agent/prompt.py``).
        read_commands: ``read X`` of each readable thing in reach is among the candidates.
        journal_wording: how the journal names things (``game.journal.WORDINGS``; 1 is what
            models trained before wording 2 read).
        request_first: while the player's request is open the prompt puts the quest on hold
            (no goal, to-do or 'Wanted' line: ``agent.prompt.request_view``); older models
            read both.
        request_names: with ``request_first``, the prompt also says where the actor remembers
            what the request's words name (a 'Named' line in the Wanted line's place).
    """

    mode: str = "choose"
    length_norm: str = "none"
    temperature: float = 1.0
    top_k: int = 0
    max_command_tokens: int = 12
    generate_over: str = "admissible"
    prompt_tokens: int = 384
    history: int = 4
    journal: bool = False
    prompt_fit: str = "oldest"
    read_commands: bool = False
    journal_wording: int = 1
    request_first: bool = False
    request_names: bool = False

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise LanternError(f"mode must be one of {', '.join(MODES)}, got {self.mode!r}")
        if self.length_norm not in LENGTH_NORMS:
            raise LanternError(f"length_norm must be one of {', '.join(LENGTH_NORMS)}, got {self.length_norm!r}")
        if self.journal_wording not in WORDINGS:
            raise LanternError(f"journal_wording must be one of {', '.join(map(str, WORDINGS))}, "
                               f"got {self.journal_wording!r}")
        if self.generate_over not in GENERATE_OVER:
            raise LanternError(f"generate_over must be one of {', '.join(GENERATE_OVER)}, got {self.generate_over!r}")
        if self.prompt_fit not in FITS:
            raise LanternError(f"prompt_fit must be one of {', '.join(FITS)}, got {self.prompt_fit!r}")
        if not self.temperature > 0:
            raise LanternError(f"temperature must be > 0, got {self.temperature}")
        for name in ("top_k", "history"):
            if getattr(self, name) < 0:
                raise LanternError(f"{name} must be >= 0, got {getattr(self, name)}")
        for name in ("max_command_tokens", "prompt_tokens"):
            if getattr(self, name) < 1:
                raise LanternError(f"{name} must be >= 1, got {getattr(self, name)}")

    @property
    def picks_candidate(self) -> bool:
        """Whether an action is an index into the admissible commands (choose, and generate over
        admissible commands) rather than free text's tokens."""
        return self.mode == "choose" or self.generate_over == "admissible"

    def env_settings(self) -> dict:
        """What ``LanternEnv.for_agent`` needs to show the world as this policy reads it."""
        return {"read_commands": self.read_commands, "journal_wording": self.journal_wording}


@dataclass
class Scored:
    """Scores of a batch of states and their actions.

    Attributes:
        logp: ``[N, A]`` log pi over each state's candidates (choose), or ``[N, 1]``
            the sampled command's log-probability (generate); padding is 0.
        valid: ``[N, A]`` 1 for real candidates.
        values: ``[N]`` V(s).
        entropy: ``[N]`` entropy over candidates (choose) or mean per-token
            entropy of the generated command (generate).
        written: ``[N, A]`` choose mode with ``score(..., written=True)``: log-probability of
            each candidate written token by token over the candidates' trie (generate mode's
            distribution over the same candidates); padding is 0.
    """

    logp: Tensor
    valid: Tensor
    values: Tensor
    entropy: Tensor
    written: Tensor | None = None


@dataclass
class Acted:
    """What the policy did in a batch of states (no gradients)."""

    commands: list[str]
    actions: list[list[int]]       # chosen index [i] (choose) or command token ids (generate)
    candidates: list[list[str]]    # the commands considered (generate: the sampled one)
    logp: Tensor                   # [N] log pi(a|s)
    probs: list[list[float]]       # probabilities of the candidates
    values: Tensor                 # [N]


class LMPolicy(nn.Module):
    """A causal LM with a value head, acting in the game.

    Args:
        model: a Hugging Face causal LM.
        tokenizer: its tokenizer (with a pad token).
        config: how to act.
    """

    def __init__(self, model, tokenizer, config: PolicyConfig | None = None) -> None:
        super().__init__()
        self.model = model
        self.tokenizer = tokenizer
        self.config = config or PolicyConfig()
        hidden = model.config.get_text_config().hidden_size
        self.value_head = nn.Linear(hidden, 1)
        nn.init.normal_(self.value_head.weight, std=0.01)
        nn.init.zeros_(self.value_head.bias)
        self.value_head.to(next(model.parameters()).dtype)
        limit = getattr(model.config, "n_positions", None) or getattr(model.config, "max_position_embeddings", None)
        self.max_positions: int | None = limit
        budget = self.config.prompt_tokens
        if limit:
            budget = min(budget, limit - self.config.max_command_tokens)
        self.prompts = PromptBuilder(tokenizer, budget, self.config.history, self.config.journal,
                                     self.config.prompt_fit, self.config.request_first, self.config.request_names)
        self.stop_ids = self._stop_ids()
        # transformers renamed past_key_values -> cache (5.x); speak whichever this model takes.
        # A peft wrapper's forward takes **kwargs and passes them on: read the model under it.
        params = inspect.signature(base_model(model).forward).parameters
        self._cache_kw = "cache" if "cache" in params else "past_key_values"
        self._keep_kw = "logits_to_keep" if "logits_to_keep" in params else None
        self._packed_ok: bool | None = None  # does the model honour 4-D attention masks?
        self._flat_ok: bool | None = None    # does agent.flat compute what the model does?

    def _prompt_forward(self, prompts: list[list[int]], use_cache: bool):
        """Run right-padded prompts; return (ids mask [N, P], lengths [N], logits and hidden state
        at each prompt's last token ([N, V], [N, H]), model output)."""
        ids, mask = _pad(prompts, self.tokenizer.pad_token_id, self.device)   # [N, P]
        plen = mask.sum(1)                                                    # [N]
        extra = {}
        last = plen - 1
        if self._keep_kw:  # compute logits only at the positions we read
            keep, last = torch.unique(plen - 1, return_inverse=True)
            extra[self._keep_kw] = keep
        out = self.model(input_ids=ids, attention_mask=mask, use_cache=use_cache, output_hidden_states=True, **extra)
        rows = torch.arange(len(prompts), device=ids.device)
        return mask, plen, out.logits[rows, last], out.hidden_states[-1][rows, plen - 1], out

    def _cache_of(self, out):
        return out["cache"] if "cache" in out else out["past_key_values"]

    def _stop_ids(self) -> Tensor:
        """Token ids that end a generated command: EOS and any token containing a newline."""
        vocab = self.tokenizer.get_vocab()
        ids = {i for t, i in vocab.items() if "\n" in self.tokenizer.convert_tokens_to_string([t])}
        ids.add(self.tokenizer.eos_token_id if self.tokenizer.eos_token_id is not None else -1)
        return torch.tensor(sorted(i for i in ids if i >= 0), dtype=torch.long)

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    # -- scoring ------------------------------------------------------------------------------

    def token_logprobs(self, prompts: list[list[int]], seqs: list[list[int]], owner: list[int],
                       method: str = "auto", with_entropy: bool = False) -> tuple[Tensor, Tensor, Tensor, Tensor]:
        """Log-probabilities of continuation tokens after their prompts, in one batch.

        Args:
            prompts: N prompt token lists.
            seqs: M continuation token lists (each non-empty).
            owner: M indices into ``prompts``: the prompt each continuation follows.
            method: 'auto', 'flat', 'packed', 'cached' or 'full' (see the module docstring).
            with_entropy: also return each position's vocabulary entropy.

        Returns:
            ``(token_logp [M, C], token_mask [M, C], values [N], entropy [M, C])``
            (entropy is zeros unless asked for).
        """
        dev = self.device
        longest = max(map(len, seqs))
        if self.max_positions and max(map(len, prompts)) + longest > self.max_positions:
            keep = self.max_positions - longest  # a very long command: drop the prompt's oldest tokens
            prompts = [p[-keep:] if len(p) > keep else p for p in prompts]
        seq_ids, seq_mask = _pad(seqs, self.tokenizer.pad_token_id, dev)   # [M, C]
        owner_t = torch.tensor(owner, dtype=torch.long, device=dev)
        plen = torch.tensor([len(p) for p in prompts], device=dev)        # [N]
        method = self._method(method)
        if method == "flat":
            lay = flat.layout(prompts, seqs, owner)
            rows, last_hidden = flat.forward(self.model, lay)               # [R, V], [N, H]
            pick = lay.pick.to(dev)                                         # [M, C] rows of `rows`
        else:
            if method == "packed":
                logits, last_hidden = self._packed_logits(prompts, seqs, owner_t, plen)
            elif method == "full":
                logits, last_hidden = self._full_logits(prompts, seqs, owner_t, plen)
            else:
                logits, last_hidden = self._cached_logits(prompts, seq_ids, seq_mask, owner_t, plen)
            rows = logits.reshape(-1, logits.shape[-1])                     # [M * C, V]
            pick = torch.arange(rows.shape[0], device=dev).view(seq_ids.shape)
        rows = rows.float()
        if self._token_temperature() != 1.0:  # x / 1 is x: choose mode skips a pass over every logit
            rows = rows / self._token_temperature()
        log_z = torch.logsumexp(rows, -1)                                   # [R]
        # each token's logit and normaliser by index_select (thread-order-free backward, see steady.py)
        at = (pick * rows.shape[-1] + seq_ids).view(-1)
        token_logp = (rows.reshape(-1).index_select(0, at).view(pick.shape)
                      - log_z.index_select(0, pick.view(-1)).view(pick.shape)) * seq_mask
        entropy = torch.zeros_like(token_logp)
        if with_entropy:
            logp_all = rows - log_z[:, None]
            per_row = -(logp_all.exp() * logp_all).sum(-1)                  # [R]
            entropy = per_row.index_select(0, pick.view(-1)).view(pick.shape) * seq_mask
        values = self.value_head(last_hidden).squeeze(-1).float()             # [N]
        return token_logp, seq_mask, values, entropy

    def _method(self, method: str) -> str:
        """The scoring path to take: 'auto' is 'flat' where the model allows it, else 'packed'
        where it honours 4-D masks, else 'cached'; 'flat' and 'packed' fall back the same way."""
        if method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
        if method in ("auto", "flat") and self._flattens():
            return "flat"
        if method in ("auto", "flat", "packed") and self._packs():
            return "packed"
        return "full" if method == "full" else "cached"

    def _token_temperature(self) -> float:
        return self.config.temperature if self.config.mode == "generate" else 1.0

    def _full_logits(self, prompts, seqs, owner_t, plen) -> tuple[Tensor, Tensor]:
        """Run each (prompt + continuation) row in full; slice the continuation's logits."""
        rows = [prompts[i] + s for i, s in zip(owner_t.tolist(), seqs)]
        ids, mask = _pad(rows, self.tokenizer.pad_token_id, self.device)       # [M, L]
        out = self.model(input_ids=ids, attention_mask=mask, output_hidden_states=True)
        c = max(map(len, seqs))
        start = plen[owner_t] - 1                                               # [M]
        pos = (start[:, None] + torch.arange(c, device=ids.device)).clamp(max=ids.shape[1] - 1)
        logits = out.logits.gather(1, pos[..., None].expand(-1, -1, out.logits.shape[-1]))  # [M, C, V]
        first = {}
        for m, i in enumerate(owner_t.tolist()):
            first.setdefault(i, m)
        rows_of_prompt = torch.tensor([first[i] for i in range(len(prompts))], device=ids.device)
        hidden = out.hidden_states[-1][rows_of_prompt, plen - 1]                # [N, H]
        return logits, hidden

    def _cached_logits(self, prompts, seq_ids, seq_mask, owner_t, plen) -> tuple[Tensor, Tensor]:
        """Encode prompts once; continue each candidate from its prompt's KV cache."""
        dev = self.device
        p_mask, _, last_logits, hidden, out = self._prompt_forward(prompts, use_cache=True)
        # index_select, not [owner_t]: see _packed_logits
        first = last_logits.index_select(0, owner_t)[:, None]                   # [M, 1, V]
        if seq_ids.shape[1] == 1:
            return first, hidden
        cache = self._cache_of(out)
        cache.reorder_cache(owner_t)                                            # [M, ...]
        inputs = seq_ids[:, :-1]                                                # [M, C-1]
        mask = torch.cat([p_mask[owner_t], seq_mask[:, :-1]], 1)                # [M, P + C-1]
        positions = plen[owner_t][:, None] + torch.arange(inputs.shape[1], device=dev)
        rest = self.model(input_ids=inputs, attention_mask=mask, position_ids=positions,
                          use_cache=True, **{self._cache_kw: cache}).logits         # [M, C-1, V]
        return torch.cat([first, rest], 1), hidden

    def _packed_logits(self, prompts, seqs, owner_t, plen) -> tuple[Tensor, Tensor]:
        """One row per prompt: the prompt, then each continuation minus its last token.

        Rows are left-padded so that every row's candidates sit at the end, and the
        LM head runs only on that tail (``logits_to_keep``). The candidates' logits are picked with
        ``index_select``, not advanced indexing: a prompt's last position is picked once per candidate,
        and index_select's backward adds those repeats in the same order on any number of threads
        (advanced indexing's does not), so training on N threads gives the 1-thread floats.
        """
        dev = self.device
        rows = [list(p) for p in prompts]
        segment = [[-1] * len(p) for p in prompts]                              # -1: prompt
        positions = [list(range(len(p))) for p in prompts]
        where = []                                                              # (row, start in row) per seq
        for m, (i, seq) in enumerate(zip(owner_t.tolist(), seqs)):
            where.append((i, len(rows[i])))
            rows[i] += seq[:-1]
            segment[i] += [m] * (len(seq) - 1)
            positions[i] += range(len(prompts[i]), len(prompts[i]) + len(seq) - 1)
        width = max(map(len, rows))
        offset = [width - len(r) for r in rows]                                 # left padding per row
        ids = torch.full((len(rows), width), self.tokenizer.pad_token_id, dtype=torch.long)
        seg = torch.full((len(rows), width), -2, dtype=torch.long)              # -2: padding
        pos = torch.zeros((len(rows), width), dtype=torch.long)
        for i, (r, sg, ps) in enumerate(zip(rows, segment, positions)):
            ids[i, offset[i]:] = torch.tensor(r, dtype=torch.long)
            seg[i, offset[i]:] = torch.tensor(sg, dtype=torch.long)
            pos[i, offset[i]:] = torch.tensor(ps, dtype=torch.long)
        causal = torch.ones(width, width, dtype=torch.bool).tril()
        allow = causal & ((seg[:, :, None] == seg[:, None, :]) | (seg == -1)[:, None, :])  # [N, L, L]
        dtype = next(self.model.parameters()).dtype
        mask = torch.zeros(allow.shape, dtype=dtype).masked_fill(~allow, torch.finfo(dtype).min)
        last = torch.tensor([o + len(p) - 1 for o, p in zip(offset, prompts)])  # prompt's last token [N]
        tail = width - int(last.min())                                          # positions that need logits
        extra = {self._keep_kw: tail} if self._keep_kw else {}
        out = self.model(input_ids=ids.to(dev), attention_mask=mask[:, None].to(dev), position_ids=pos.to(dev),
                         output_hidden_states=True, **extra)
        skip = width - out.logits.shape[1]                                      # logits start at this position
        c = max(map(len, seqs))
        row_t = torch.tensor([i for i, _ in where])                             # [M]
        start = torch.tensor([offset[i] + f for i, f in where])
        k = torch.arange(c)
        at = torch.where(k == 0, last[row_t, None], start[:, None] + k - 1).clamp(max=width - 1)  # [M, C]
        flat = out.logits.reshape(-1, out.logits.shape[-1])                                       # [N * kept, V]
        picks = (row_t[:, None] * out.logits.shape[1] + (at - skip).clamp(min=0)).reshape(-1)  # [M * C]
        logits = flat.index_select(0, picks.to(dev)).view(*at.shape, -1)                         # [M, C, V]
        hidden = out.hidden_states[-1][torch.arange(len(prompts), device=dev), last.to(dev)]
        return logits, hidden

    def _flattens(self) -> bool:
        """Whether ``agent.flat`` runs this model (a GPT-2, checked once against 'full')."""
        if not flat.supports(self.model):
            return False
        if self._flat_ok is None:
            prompts, seqs, owner = [[1, 2, 3], [4]], [[4, 5], [6, 7, 8], [9]], [0, 0, 1]
            real = torch.tensor([[1, 1, 0], [1, 1, 1], [1, 0, 0]], dtype=torch.bool, device=self.device)
            try:
                with torch.no_grad():
                    lay = flat.layout(prompts, seqs, owner)
                    rows, _ = flat.forward(self.model, lay)
                    a = rows[lay.pick.to(self.device)]                                  # [M, C, V]
                    b, _ = self._full_logits(prompts, seqs, torch.tensor(owner, device=self.device),
                                             torch.tensor([3, 1], device=self.device))
                self._flat_ok = bool(torch.allclose(a[real], b[real], atol=1e-4))
            except (RuntimeError, ValueError, TypeError, AttributeError):
                self._flat_ok = False
        return self._flat_ok

    def _packs(self) -> bool:
        """Whether this model honours a 4-D attention mask (checked once against 'full')."""
        if self._packed_ok is None:
            probe_prompts, probe = [[1, 2, 3]], [[4, 5], [6, 7, 8]]
            owner = torch.tensor([0, 0], device=self.device)
            plen = torch.tensor([3], device=self.device)
            try:
                with torch.no_grad():
                    a, _ = self._packed_logits(probe_prompts, probe, owner, plen)
                    b, _ = self._full_logits(probe_prompts, probe, owner, plen)
                self._packed_ok = bool(torch.allclose(a[0, :2], b[0, :2], atol=1e-4)
                                       and torch.allclose(a[1], b[1], atol=1e-4))
            except (RuntimeError, ValueError, TypeError):
                self._packed_ok = False
        return self._packed_ok

    def score(self, prompts: list[list[int]], candidates: list[list[list[int]]],
              words: list[list[int]] | None = None, method: str = "auto", written: bool = False) -> Scored:
        """Log pi over candidates (choose) or of the given commands (generate).

        Args:
            prompts: N prompt token lists.
            candidates: per prompt, its candidate commands as token lists (generate:
                exactly one, the sampled command's tokens).
            words: per prompt, each candidate's word count (for 'word' normalisation).
            method: 'auto', 'flat', 'packed', 'cached' or 'full' (see the module docstring).
            written: choose mode: also give ``Scored.written``, the candidates as generate
                mode would write them, from the same forward pass.
        """
        owner = [i for i, cands in enumerate(candidates) for _ in cands]
        seqs = [c for cands in candidates for c in cands]
        generate = self.config.mode == "generate"
        free = generate and not self.config.picks_candidate
        tok_logp, tok_mask, values, tok_ent = self.token_logprobs(
            prompts, seqs, owner, method=method, with_entropy=free)
        seq_logp = tok_logp.sum(1)                                              # [M]
        counts = [len(c) for c in candidates]
        n, a = len(prompts), max(counts)
        valid = torch.zeros(n, a, device=seq_logp.device)
        index = torch.tensor([j for c in counts for j in range(c)], device=seq_logp.device)
        owner_t = torch.tensor(owner, device=seq_logp.device)
        valid[owner_t, index] = 1.0
        if free:
            logp = torch.zeros(n, a, device=seq_logp.device).index_put((owner_t, index), seq_logp)
            entropy = tok_ent.sum(1) / tok_mask.sum(1)
            return Scored(logp, valid, values, entropy)

        def over_trie() -> Tensor:  # written over the candidates' trie: already a distribution over them
            grid = torch.full((n, a), float("-inf"), device=seq_logp.device)
            return grid.index_put((owner_t, index), trie_logp(tok_logp, seqs, owner)).masked_fill(valid == 0, 0.0)

        if generate:
            logp = over_trie()
        else:
            scores = seq_logp / self._length(tok_mask, words)
            scores = scores / self.config.temperature
            grid = torch.full((n, a), float("-inf"), device=seq_logp.device).index_put((owner_t, index), scores)
            logp = torch.log_softmax(grid, -1).masked_fill(valid == 0, 0.0)     # [N, A]
        return Scored(logp, valid, values, categorical_entropy(logp, valid),
                      over_trie() if written and not generate else None)

    def _length(self, tok_mask: Tensor, words: list[list[int]] | None) -> Tensor:
        if self.config.length_norm == "token":
            return tok_mask.sum(1)
        if self.config.length_norm == "word":
            if words is None:
                raise ValueError("length_norm='word' needs the candidates' word counts")
            return torch.tensor([w for ws in words for w in ws], dtype=tok_mask.dtype, device=tok_mask.device)
        return torch.ones(tok_mask.shape[0], device=tok_mask.device)

    def values(self, prompts: list[list[int]]) -> Tensor:
        """V(s) of each prompt alone, ``[N]``."""
        _, _, _, last, _ = self._prompt_forward(prompts, use_cache=False)
        return self.value_head(last).squeeze(-1).float()

    # -- acting -------------------------------------------------------------------------------

    def encode_views(self, views: list[View]) -> list[list[int]]:
        return [self.prompts.build(v) for v in views]

    def encode_candidates(self, candidates: list[list[str]]) -> tuple[list[list[list[int]]], list[list[int]]]:
        """Token ids and word counts of each state's candidate commands."""
        ids = [[self.prompts.command_ids(c) for c in cands] for cands in candidates]
        words = [[max(len(c.split()), 1) for c in cands] for cands in candidates]
        return ids, words

    @torch.no_grad()
    def act(self, views: list[View], candidates: list[list[str]], generator: torch.Generator | None = None,
            greedy: bool = False) -> tuple[Acted, list[list[int]], list[list[list[int]]], list[list[int]]]:
        """Pick a command in each state.

        Args:
            views: N states.
            candidates: per state, its admissible commands (each non-empty; generate
                mode writes one of them, or ignores them when it writes free text).
            generator: source of sampling randomness (seeded by the caller).
            greedy: take the likeliest action instead of sampling.

        Returns:
            ``(acted, prompt_ids, candidate_ids, word_counts)``; the ids are what
            the update needs to score the same actions again.
        """
        prompts = self.encode_views(views)
        if self.config.mode == "generate":
            if self.config.picks_candidate:
                return self._write_admissible(prompts, candidates, generator, greedy)
            return self._generate(prompts, generator, greedy)
        cand_ids, words = self.encode_candidates(candidates)
        # Without the flat path: for one state (an NPC's move) packing prompt and candidates in one
        # row beats copying the prompt's KV cache per candidate (manor, one thread: median 24 ms vs 33-42 ms).
        method = "flat" if self._flattens() else "packed" if len(views) == 1 else "cached"
        s = self.score(prompts, cand_ids, words, method=method)
        if greedy:
            choice = s.logp.masked_fill(s.valid == 0, float("-inf")).argmax(-1)
        else:
            probs = s.logp.exp() * s.valid
            choice = torch.multinomial(probs.cpu(), 1, generator=generator)[:, 0].to(probs.device)
        picked = s.logp.gather(1, choice[:, None])[:, 0]
        probs = [s.logp[i, :len(c)].exp().tolist() for i, c in enumerate(candidates)]
        acted = Acted([candidates[i][k] for i, k in enumerate(choice.tolist())], [[k] for k in choice.tolist()],
                      [list(c) for c in candidates], picked, probs, s.values)
        return acted, prompts, cand_ids, words

    def _write_admissible(self, prompts: list[list[int]], candidates: list[list[str]],
                          generator: torch.Generator | None, greedy: bool):
        """Write one admissible command per prompt, token by token (reusing the KV cache), each
        token drawn from the model's tempered probabilities renormalised over the tokens that
        continue some candidate's tokens."""
        dev = self.device
        cand_ids, words = self.encode_candidates(candidates)
        tries = [_children(ids) for ids in cand_ids]
        n = len(prompts)
        mask, plen, logits, hidden, out = self._prompt_forward(prompts, use_cache=True)
        values = self.value_head(hidden).squeeze(-1).float()
        cache, written = self._cache_of(out), [() for _ in range(n)]
        chosen: list[int | None] = [None] * n
        logp = torch.zeros(n, device=dev)
        step = 0
        while True:
            allowed = torch.zeros(logits.shape, dtype=torch.bool, device=dev)           # [N, V]
            for i in range(n):
                nxt_ok = list(tries[i].get(written[i], {})) if chosen[i] is None else [0]
                allowed[i, nxt_ok] = True
            lp = torch.log_softmax((logits.float() / self.config.temperature).masked_fill(~allowed, float("-inf")), -1)
            nxt = self._sample(lp, generator, greedy)
            for i, token in enumerate(nxt.tolist()):
                if chosen[i] is None:
                    logp[i] += lp[i, token]
                    written[i] += (token,)
                    if written[i] in tries[i][None]:
                        chosen[i] = tries[i][None][written[i]]
            if all(c is not None for c in chosen):
                break
            mask = torch.cat([mask, torch.ones_like(mask[:, :1])], 1)
            out = self.model(input_ids=nxt[:, None], attention_mask=mask, position_ids=(plen + step)[:, None],
                             use_cache=True, **{self._cache_kw: cache})
            cache, logits = self._cache_of(out), out.logits[:, -1]
            step += 1
        commands = [candidates[i][k] for i, k in enumerate(chosen)]
        acted = Acted(commands, [[k] for k in chosen], [[c] for c in commands], logp,
                      [[float(p)] for p in logp.exp()], values)
        return acted, prompts, cand_ids, words

    def _generate(self, prompts: list[list[int]], generator: torch.Generator | None, greedy: bool):
        """Sample free text, one command per prompt, token by token, reusing the KV cache."""
        dev = self.device
        n = len(prompts)
        mask, plen, logits, hidden, out = self._prompt_forward(prompts, use_cache=True)
        values = self.value_head(hidden).squeeze(-1).float()
        cache, tokens = self._cache_of(out), [[] for _ in range(n)]
        done = torch.zeros(n, dtype=torch.bool, device=dev)
        logp = torch.zeros(n, device=dev)
        stop = self.stop_ids.to(dev)
        for step in range(self.config.max_command_tokens):
            lp = torch.log_softmax(logits.float() / self.config.temperature, -1)    # [N, V]
            nxt = self._sample(lp, generator, greedy)
            logp += torch.where(done, 0.0, lp.gather(1, nxt[:, None])[:, 0])
            for i in (~done).nonzero()[:, 0].tolist():
                tokens[i].append(int(nxt[i]))
            done |= torch.isin(nxt, stop)
            if bool(done.all()) or step == self.config.max_command_tokens - 1:
                break
            mask = torch.cat([mask, torch.ones_like(mask[:, :1])], 1)
            out = self.model(input_ids=nxt[:, None], attention_mask=mask, position_ids=(plen + step)[:, None],
                             use_cache=True, **{self._cache_kw: cache})
            cache, logits = self._cache_of(out), out.logits[:, -1]
        commands = [self.tokenizer.decode(t).split("\n")[0].replace(self.tokenizer.eos_token or "\0", "").strip()
                    for t in tokens]
        acted = Acted(commands, tokens, [[c] for c in commands], logp, [[float(p)] for p in logp.exp()], values)
        return acted, prompts, [[t] for t in tokens], [[max(len(c.split()), 1)] for c in commands]

    def _sample(self, logp: Tensor, generator: torch.Generator | None, greedy: bool) -> Tensor:
        if greedy:
            return logp.argmax(-1)
        if self.config.top_k:
            kth = logp.topk(min(self.config.top_k, logp.shape[-1]), -1).values[:, -1:]
            logp = logp.masked_fill(logp < kth, float("-inf"))
        return torch.multinomial(logp.exp().cpu(), 1, generator=generator)[:, 0].to(logp.device)


def _children(seqs: list[list[int]]) -> dict:
    """The token trie of one state's candidates: prefix (tuple) -> {next token: None}, in the
    candidates' order; under the key None, each whole candidate -> its index."""
    trie: dict = {None: {}}
    for m, seq in enumerate(seqs):
        for k, token in enumerate(seq):
            trie.setdefault(tuple(seq[:k]), {})[token] = None
        trie[None].setdefault(tuple(seq), m)
    return trie


def trie_logp(tok_logp: Tensor, seqs: list[list[int]], owner: list[int]) -> Tensor:
    """Log-probability of each candidate written over its state's candidate trie, ``[M]``.

    At each position the allowed tokens are those that continue some candidate of the same
    state with the same prefix; every candidate through that prefix has the same context, so
    the log-probability of each allowed token is that candidate's own token log-probability.
    Numerator and normaliser are both read from one representative per (prefix, token), so the
    candidates' probabilities sum to one exactly.

    Args:
        tok_logp: ``[M, C]`` each candidate's token log-probabilities (tempered), 0 past its end.
        seqs: the M candidates' token ids.
        owner: the state each candidate belongs to.
    """
    m_count, width = tok_logp.shape
    rep: dict[tuple, int] = {}  # (state, prefix + token) -> representative candidate
    for m, (i, seq) in enumerate(zip(owner, seqs)):
        for k in range(len(seq)):
            rep.setdefault((i, tuple(seq[:k + 1])), m)
    siblings: dict[tuple, list[int]] = {}  # (state, prefix) -> representatives of its children
    for (i, path), m in rep.items():
        siblings.setdefault((i, path[:-1]), []).append(m)
    fan = max(map(len, siblings.values()))
    pick = torch.full((m_count, width, fan), -1, dtype=torch.long)                 # [M, C, F]
    pick[..., 0] = torch.arange(m_count)[:, None]  # past its end a candidate reads its own 0 (finite norm)
    for m, (i, seq) in enumerate(zip(owner, seqs)):
        for k in range(len(seq)):
            own = rep[(i, tuple(seq[:k + 1]))]
            others = [r for r in siblings[(i, tuple(seq[:k]))] if r != own]
            pick[m, k, :1 + len(others)] = torch.tensor([own, *others])
    inside = torch.tensor([[k < len(s) for k in range(width)] for s in seqs])      # [M, C]
    real = pick >= 0
    pick = pick.clamp(min=0)
    flat = (pick * width + torch.arange(width)[None, :, None]).reshape(-1).to(tok_logp.device)
    read = tok_logp.reshape(-1).index_select(0, flat).view(m_count, width, fan)    # [M, C, F]
    read = read.masked_fill(~real.to(read.device), float("-inf"))
    norm = torch.logsumexp(read, -1)                                               # [M, C]
    return ((read[..., 0] - norm) * inside.to(read.device)).sum(1)


def _pad(rows: list[list[int]], pad_id: int, device) -> tuple[Tensor, Tensor]:
    """Right-pad token lists: ``(ids [B, L], mask [B, L])``."""
    width = max(map(len, rows))
    ids = torch.tensor([[*r, *[pad_id] * (width - len(r))] for r in rows], dtype=torch.long)  # one copy, not one per row
    mask = (torch.arange(width)[None, :] < torch.tensor([len(r) for r in rows])[:, None]).long()
    return ids.to(device), mask.to(device)
