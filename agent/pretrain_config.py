"""Configuration of the base model's pretraining (``main.py pretrain``), validated on construction.

The defaults make the shipped ``assets/models/npc-base``; the fields with help are flags of
``main.py pretrain`` (``agent/config_cli.py``), the rest (optimiser and schedule) are the
Python API's.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.config_cli import VOCABULARY_HELP, command_line, setting
from agent.corpus import CorpusConfig
from agent.kernels import CPU_HELP, CpuPinned, cpu_setting
from agent.lm import BASE_MODEL
from game.cli import check_vocabulary, positive_int
from game.errors import LanternError
from game.generator import VOCABULARIES


@dataclass
class PretrainConfig(CpuPinned):
    """How the base model is made (``agent/pretrain.py``)."""

    out: str = setting(BASE_MODEL, "model folder to write", metavar="DIR")
    seed: int = setting(0, "seed of the corpus, the initialisation and the batch order")
    steps: int = setting(1200, "optimizer steps", type=positive_int, metavar="N")
    corpus_episodes: int = setting(1200, "exploratory episodes over generated worlds in the corpus",
                                   type=positive_int, metavar="N")
    vocabulary: str = setting("plain", VOCABULARY_HELP, choices=VOCABULARIES)
    vocab_size: int = setting(2048, "BPE vocabulary (byte alphabet and EOS included)", cli=False)
    n_layer: int = setting(4, "transformer blocks", type=positive_int, metavar="N")
    n_embd: int = setting(128, "hidden size", type=positive_int, metavar="N")
    n_head: int = setting(4, "attention heads", type=positive_int, metavar="N")
    n_positions: int = setting(512, "context length (the policy's prompt budget is below it)", cli=False)
    batch: int = setting(16, "documents per step", cli=False)
    lr: float = setting(2e-3, "peak AdamW learning rate", cli=False)
    min_lr_ratio: float = setting(0.1, "the cosine decays to lr * this", cli=False)
    warmup: int = setting(100, "linear warm-up steps", cli=False)
    weight_decay: float = setting(0.1, "AdamW decay of the weight matrices", cli=False)
    max_grad_norm: float = setting(1.0, "gradient clipping", cli=False)
    eval_every: int = setting(250, "steps between validation losses", cli=False)
    eval_docs: int = setting(256, "held-out documents scored per validation", cli=False)
    val_share: float = setting(0.05, "share of worlds held out for validation", cli=False)
    device: str = setting("cpu", "torch device: cpu, cuda, cuda:N, mps (the saved model is the same kind)",
                          metavar="D")
    cpu: str = setting("pinned", CPU_HELP, type=cpu_setting, metavar="{pinned,native}", aliases=("--kernels",))
    force: bool = setting(False, "replace --out if it exists")
    progress: bool = setting(True, "show a progress bar")

    def __post_init__(self) -> None:
        from agent.device import check_device
        check_device(self.device)
        check_vocabulary(self.vocabulary)
        self.cpu = cpu_setting(self.cpu)
        for name in ("steps", "corpus_episodes", "n_layer", "n_embd", "n_head", "n_positions", "batch",
                     "eval_every", "eval_docs"):
            if getattr(self, name) < 1:
                raise LanternError(f"{name.replace('_', '-')} must be at least 1, got {getattr(self, name)}")
        if self.vocab_size < 300:
            raise LanternError(f"vocab-size must be at least 300 (256 bytes + merges), got {self.vocab_size}")
        if self.n_embd % self.n_head:
            raise LanternError(f"--n-embd ({self.n_embd}) must be a multiple of --n-head ({self.n_head})")
        if not self.lr > 0 or not 0 <= self.min_lr_ratio <= 1 or self.warmup < 0 or self.weight_decay < 0:
            raise LanternError("need lr > 0, 0 <= min_lr_ratio <= 1, warmup >= 0, weight_decay >= 0")
        if not 0 < self.val_share < 0.5:
            raise LanternError(f"val_share must be in (0, 0.5), got {self.val_share}")

    def corpus_config(self) -> CorpusConfig:
        return CorpusConfig(episodes=self.corpus_episodes, seed=self.seed, vocabulary=self.vocabulary)

    def command_line(self) -> str:
        """The ``main.py pretrain`` command that makes this model (its settings off the defaults)."""
        return command_line("pretrain", self, always=("out",), skip=("force", "progress"))
