"""Configuration of an evaluation (``main.py eval``), validated on construction.

Each field is a flag of ``main.py eval`` (``agent/config_cli.py``). What the model reads and how
it scores commands come from the model folder; ``mode`` alone may be changed here.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.config_cli import MECHANICS_HELP, VOCABULARY_HELP, difficulty_level, seed_range, setting
from agent.kernels import CPU_HELP, cpu_setting
from agent.train_config import MODES, model_or_default
from game.cli import check_vocabulary, positive_int
from game.errors import LanternError
from game.generator import MECHANICS, VOCABULARIES
from game.request_gen import HELD_OUT, HELD_OUT_SETS

EVAL_SEEDS = (1_000_000, 1_000_020)
REQUEST_EVAL_SEEDS = (1_000_000, 1_000_010)  # held-out worlds, as EVAL_SEEDS; fewer, as each plays ~40 requests


@dataclass
class EvalConfig:
    """What to evaluate, on which worlds, and how the model acts."""

    model: str | None = setting(None, "model folder, run folder or hub id", metavar="M", shown="the bundled model")
    baseline: str | None = setting(None, "a baseline run folder ('main.py baseline --out'): its row beside the "
                                         "model's, on the same worlds and seeds", metavar="RUN")
    no_model: bool = setting(False, "with --baseline: leave the LM policy out")
    world: str | None = setting(None, "a world file", metavar="PATH")
    worlds: str | None = setting(None, "every *.toml world file in a folder, one row per world and their average "
                                       "(e.g. assets/heldout)", metavar="DIR")
    difficulty: int | None = setting(None, "generated worlds of difficulty D", type=difficulty_level, metavar="D")
    seeds: tuple[int, int] | None = setting(
        None, "generated-world seeds A <= s < B", type=seed_range, metavar="A:B",
        shown=f"{EVAL_SEEDS[0]}:{EVAL_SEEDS[1]}; with --requests {REQUEST_EVAL_SEEDS[0]}:{REQUEST_EVAL_SEEDS[1]}")
    companion: bool = setting(False, "with --difficulty: generated worlds get a companion (Ada, sharing the "
                                     "quest); each agent drives the whole team in turn (--requests always gives one)")
    vocabulary: str = setting("plain", VOCABULARY_HELP, choices=VOCABULARIES)
    mechanics: str = setting("level", MECHANICS_HELP, choices=MECHANICS)
    episodes: int | None = setting(None, "episodes per world", type=positive_int, metavar="K",
                                   shown="1 per generated world, 10 per world file (3 with --requests)")
    max_steps: int | None = setting(None, "episode step limit", type=positive_int, metavar="N",
                                    shown="the world's")
    mode: str | None = setting(None, "how the model acts", choices=MODES, shown="as it was trained")
    greedy: bool = setting(False, "take the likeliest command (off: sample from the policy, as the NPC plays)")
    seed: int = setting(0, "sampling seed")
    requests: bool = setting(False, "measure requests instead: the share of generated requests (held-out "
                                    "phrasings) the NPC fulfils within 10 moves, told vs. untold vs. random, per "
                                    "kind (generated worlds get a companion)")
    per_kind: int = setting(1, "with --requests: requests of each kind per world and episode", type=positive_int,
                            metavar="N")
    phrasings: str = setting(HELD_OUT, "with --requests: the held-out phrasings told (never in training): "
                                       "held_out, or held_out_2, long questions and wishes ('would you mind "
                                       "...?') in a style of their own", choices=tuple(HELD_OUT_SETS))
    agreement: bool = setting(False, "measure the model state by state instead: along the guide's walkthrough of "
                                     "each world, the probability it puts on the guide's command and how often that "
                                     "is its likeliest, walking and other commands apart (no episodes are played)")
    misses: int = setting(0, "with --agreement: also show, per world, the N states where the model puts the least on "
                             "the guide's command, with its own likeliest commands and the journal lines of its "
                             "prompt (where it parts from the guide, and what it knew there)", metavar="N")
    json: bool = setting(False, "print JSON instead of a table")
    device: str = setting("cpu", "torch device: cpu, cuda, cuda:N, mps", metavar="D")
    cpu: str = setting("pinned", CPU_HELP, type=cpu_setting, metavar="{pinned,native}", aliases=("--kernels",))

    def __post_init__(self) -> None:
        from agent.device import check_device
        check_device(self.device)
        self.cpu = cpu_setting(self.cpu)
        if sum(bool(x) for x in (self.world, self.worlds, self.difficulty)) != 1:
            raise LanternError("give one of --world PATH, --worlds DIR or --difficulty D (with --seeds A:B)")
        if self.companion and not self.difficulty:
            raise LanternError("--companion gives generated worlds a companion; use it with --difficulty, not --world")
        if self.seeds is not None and not self.difficulty:
            raise LanternError("--seeds goes with --difficulty; world files are fixed worlds (use --episodes)")
        check_vocabulary(self.vocabulary, self.world or self.worlds)
        if self.mechanics != "level" and not self.difficulty:
            raise LanternError(f"--mechanics {self.mechanics} goes with --difficulty: a world file has its own puzzle")
        if self.mode is not None and self.mode not in MODES:
            raise LanternError(f"--mode must be one of {', '.join(MODES)}, got {self.mode!r}")
        if self.seeds is not None:
            self.seeds = tuple(self.seeds)
        if self.episodes is not None and self.episodes < 1 or self.per_kind < 1:
            raise LanternError("--episodes and --per-kind must be at least 1")
        if self.no_model and self.model:
            raise LanternError("give --model M or --no-model, not both")
        if self.no_model and not self.baseline:
            raise LanternError("--no-model leaves the LM policy out: give --baseline RUN to evaluate instead")
        if self.phrasings not in HELD_OUT_SETS:
            raise LanternError(f"--phrasings must be one of {', '.join(HELD_OUT_SETS)}, got {self.phrasings!r}")
        if self.baseline and self.requests:
            raise LanternError("--baseline goes with the success table; --requests measures the LM policy alone")
        if self.misses < 0 or self.misses and not self.agreement:
            raise LanternError(f"--misses N goes with --agreement and must be at least 0, got {self.misses}")
        if self.agreement and (self.requests or self.baseline):
            raise LanternError("--agreement measures the LM policy against the guide; leave out --requests and "
                               "--baseline")
        self.model = None if self.no_model else model_or_default(self.model)
