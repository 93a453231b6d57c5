"""Configuration of a behaviour-cloning run (``main.py imitate``), validated on construction.

The defaults are the shipped NPC's imitation stage (``assets/models/npc``): each field is a flag
of ``main.py imitate`` (``agent/config_cli.py``), and its help says what it does. The prompt
layout set here (history, journal, length normalisation, ...) is saved with the model, and
``train``, ``eval`` and ``play`` keep it.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.config_cli import (LORA_HELP, LORA_TARGETS, MECHANICS_HELP, VOCABULARY_HELP, difficulty_level, request_kinds, seed_range,
                              setting)
from agent.kernels import CPU_HELP, CpuPinned, cpu_setting
from agent.lora import check_lora, parse_targets
from agent.prompt import FITS
from agent.worlds import check_train_seeds
from game.cli import check_vocabulary, positive_int
from game.errors import LanternError
from game.generator import MECHANICS, VOCABULARIES
from game.journal import WORDINGS

EXPERTS = ("solver", "guide")
LENGTH_NORMS = ("none", "token", "word")


@dataclass
class ImitateConfig(CpuPinned):
    """One behaviour-cloning run (``agent/imitate.py``): walkthroughs, DAgger rounds, settling."""

    out: str = setting(help="model folder to write", metavar="DIR")
    model: str | None = setting(None, "starting model: folder or hub id", metavar="M",
                                shown="the bundled base model, npc-base")
    # -- worlds ---------------------------------------------------------------------------------
    difficulty: int = setting(1, "lowest generated-world difficulty", type=difficulty_level, metavar="D")
    max_difficulty: int | None = setting(3, "highest generated-world difficulty", type=difficulty_level, metavar="D")
    worlds: int = setting(150, "walkthroughs per difficulty (0 with --bundled: a pass over the bundled worlds alone)",
                          type=int, metavar="N")
    train_seeds: tuple[int, int] = setting((0, 1000), "generated-world seeds A <= s < B (eval seeds start at "
                                                      "1000000)", type=seed_range, metavar="A:B", shown="0:1000")
    vocabulary: str = setting("plain", VOCABULARY_HELP, choices=VOCABULARIES)
    mechanics: str = setting("level", MECHANICS_HELP, choices=MECHANICS)
    val_fraction: float = setting(0.1, "share of the worlds held out to measure accuracy", cli=False)
    bundled: int = setting(8, "add each bundled world's walkthrough N times to the training states (the NPC plays "
                              "those worlds in the window)", metavar="N")
    bundled_requests: int = setting(
        0, "shortest plans of N generated requests per bundled world, each asked at a state along its "
           "walkthrough (training phrasings; a companion that knows a world's walkthrough by heart must still "
           "do what it is asked there)", metavar="N")
    bundled_dagger: int = setting(
        0, "episodes of each bundled world the model plays in each DAgger round, the world's whole team in "
           "turn as eval does, every state labelled by the expert (0 = none)", metavar="N")
    authored: bool = setting(False, "also learn from the hand-written training worlds of assets/authored/ wherever "
                                    "the bundled worlds are used (--bundled, --bundled-requests, --bundled-dagger)")
    authored_reskins: int = setting(
        0, "with --authored, learn from N reskins of each hand-written training world instead of the world as "
           "written: new names for its rooms and things and a turned compass, prose and goals rewritten to match, "
           "so its walkthrough must be read rather than learnt by heart (fresh reskins in each DAgger round; "
           "0 = as written)", metavar="N")
    request_worlds: int = setting(
        0, "companion worlds per difficulty whose NPC is shown the shortest plan of one generated request "
             "(training phrasings only, the words in its prompt); DAgger rounds then also label the request "
             "episodes the model plays (0 = none)", metavar="N")
    request_kinds: tuple[str, ...] = setting((), "request kinds to draw, e.g. go,take", type=request_kinds,
                                             metavar="K,K", shown="every kind")
    request_moves: int = setting(10, "NPC commands a DAgger request episode may take", type=positive_int, metavar="N")
    # -- labels and passes ----------------------------------------------------------------------
    expert: str = setting("guide", "who labels the states: the solver (optimal, sees the whole map) or the guide "
                                   "(the solver's plan where the model could know it, else the journal's nearest "
                                   "unexplored exit; use with --journal)", choices=EXPERTS)
    alternatives: bool = setting(True, "also teach every other non-walking command that starts an optimal "
                                       "walkthrough from a state (the expert breaks such ties arbitrarily); "
                                       "generated worlds only")
    epochs: int = setting(3, "passes over the walkthrough states", metavar="N")
    dagger_rounds: int = setting(4, "rounds of playing, labelling by the expert and training after cloning",
                                 metavar="N")
    dagger_worlds: int = setting(60, "worlds per difficulty the model plays in each round", type=positive_int,
                                 metavar="N")
    settle_epochs: int = setting(1, "end with N passes over every gathered state while the learning rate falls "
                                    "linearly to zero: steadier weights", metavar="N")
    batch: int = setting(16, "states per gradient step", type=positive_int, metavar="N")
    lr: float = setting(3e-4, "Adam learning rate", metavar="X")
    value_coef: float = setting(0.0, "also train the value head on the walkthroughs' discounted returns, with "
                                     "this weight (a critic for the PPO run that follows; 0 = off)", metavar="X")
    gamma: float = setting(0.95, "discount of those returns; use the PPO run's --gamma", metavar="X")
    generate_coef: float = setting(0.0, "also train generate mode: this weight on the cross-entropy of the "
                                        "expert's command written token by token over the admissible "
                                        "commands (0 = off: choose mode only)", metavar="X")
    seed: int = setting(2, "world choice, shuffling and initialisation")
    # -- the prompt layout saved with the model ---------------------------------------------------
    length_norm: str = setting("token", "choose-mode score normalisation", choices=LENGTH_NORMS)
    history: int = setting(1, "earlier (observation, command) pairs in the prompt", metavar="N")
    prompt_tokens: int = setting(384, "prompt token budget", type=positive_int, metavar="N")
    journal: bool = setting(True, "show the model its journal (rooms, exits, where it saw things) in the prompt")
    prompt_fit: str = setting("oldest", "how a prompt over its budget is cut: 'oldest' pairs, then the start of "
                                        "the room's text, or 'ordered' (older pairs, repeated goals, long prose, "
                                        "the latest pair, ...; never the journal's Wanted line or the state)",
                              choices=FITS)
    read_commands: bool = setting(False, "offer 'read X' for readable things among the candidates (the guide "
                                         "reads each note it finds)")
    journal_wording: int = setting(1, "journal wording: 1 names things as written and a reach-a-room goal as "
                                      "'you unseen to Roof Leads unseen'; 2 as commands name them and 'you to "
                                      "Roof Leads (unexplored)'", type=int, choices=WORDINGS)
    request_first: bool = setting(False, "while a request is open, the prompt puts the quest on hold: no goal, "
                                         "to-do or 'Wanted' line, only the player's words")
    request_names: bool = setting(False, "with --request-first, a 'Named' line takes the Wanted line's place while a "
                                         "request is open: where the NPC remembers the things and rooms the "
                                         "player's words name, and the player")
    # -- machine --------------------------------------------------------------------------------
    device: str = setting("cpu", "torch device: cpu, cuda, cuda:N, mps (the saved model is the same kind)",
                          metavar="D")
    cpu: str = setting("pinned", CPU_HELP, type=cpu_setting, metavar="{pinned,native}", aliases=("--kernels",))
    force: bool = setting(False, "replace --out if it exists")
    progress: bool = setting(True, "show a progress bar")
    lora: int = setting(0, LORA_HELP, metavar="R")
    lora_alpha: float | None = setting(None, "LoRA scale: adapters add alpha/R times their output", metavar="A",
                                       shown="2R")
    lora_targets: tuple[str, ...] | None = setting(None, "modules to adapt, separated by commas",
                                                   type=parse_targets, metavar="NAMES", shown=LORA_TARGETS)

    def __post_init__(self) -> None:
        from agent.device import check_device
        check_device(self.device)
        self.train_seeds = tuple(self.train_seeds)
        for name in ("worlds", "dagger_rounds", "settle_epochs", "bundled", "bundled_requests", "bundled_dagger",
                     "authored_reskins", "request_worlds", "epochs"):
            if getattr(self, name) < 0:
                raise LanternError(f"--{name.replace('_', '-')} must be at least 0, got {getattr(self, name)}")
        if self.request_names and not (self.request_first and self.journal):
            raise LanternError("--request-names goes with --request-first and the journal (the Named line takes the "
                               "Wanted line's place): add --request-first, or leave --request-names out")
        if not (self.worlds or self.request_worlds or self.bundled or self.bundled_requests):
            raise LanternError("imitate has no states to learn from: give --worlds, --request-worlds, --bundled or "
                               "--bundled-requests a number above 0")
        for name in ("batch", "dagger_worlds", "prompt_tokens"):
            if getattr(self, name) < 1:
                raise LanternError(f"--{name.replace('_', '-')} must be at least 1, got {getattr(self, name)}")
        self._check_worlds()
        if not 0.0 <= self.val_fraction < 1.0:
            raise LanternError(f"val_fraction must be in [0, 1), got {self.val_fraction}")
        if not self.lr > 0:
            raise LanternError(f"--lr must be positive, got {self.lr}")
        for name, allowed in (("expert", EXPERTS), ("length_norm", LENGTH_NORMS), ("prompt_fit", FITS),
                              ("journal_wording", WORDINGS)):
            if getattr(self, name) not in allowed:
                raise LanternError(f"--{name.replace('_', '-')} must be one of "
                                   f"{', '.join(map(str, allowed))}, got {getattr(self, name)!r}")
        for name in ("value_coef", "generate_coef"):
            if not getattr(self, name) >= 0:
                raise LanternError(f"--{name.replace('_', '-')} must be at least 0, got {getattr(self, name)}")
        if not 0.0 <= self.gamma <= 1.0:
            raise LanternError(f"--gamma must be in [0, 1], got {self.gamma}")
        if self.history < 0:
            raise LanternError(f"--history must be at least 0, got {self.history}")
        self.cpu = cpu_setting(self.cpu)
        if self.lora_targets is not None:
            self.lora_targets = tuple(self.lora_targets)
        check_lora(self.lora, self.lora_alpha, self.lora_targets)
        self.model = self.model or _base_model()

    def _check_worlds(self) -> None:
        from agent.requests_train import check_request_kinds
        from game.generator import MAX_DIFFICULTY
        self.max_difficulty = self.max_difficulty or self.difficulty
        if not 1 <= self.difficulty <= self.max_difficulty <= MAX_DIFFICULTY:
            raise LanternError(f"difficulties must satisfy 1 <= --difficulty ({self.difficulty}) <= "
                               f"--max-difficulty ({self.max_difficulty}) <= {MAX_DIFFICULTY}")
        check_train_seeds(self.train_seeds)
        self.request_kinds = check_request_kinds(self.request_kinds)
        if self.request_moves < 1:
            raise LanternError(f"--request-moves must be at least 1, got {self.request_moves}")
        check_vocabulary(self.vocabulary)
        seeds = self.train_seeds[1] - self.train_seeds[0]
        for name in ("worlds", "request_worlds", "dagger_worlds") if self.dagger_rounds else ("worlds", "request_worlds"):
            if getattr(self, name) > seeds:
                raise LanternError(f"--{name.replace('_', '-')} {getattr(self, name)} is more than the {seeds} "
                                   f"training seeds; lower it or widen --train-seeds")

    @property
    def levels(self) -> range:
        return range(self.difficulty, (self.max_difficulty or self.difficulty) + 1)

    def env_settings(self) -> dict:
        """What ``LanternEnv.for_agent`` needs to show the worlds as the model will read them."""
        return {"read_commands": self.read_commands, "journal_wording": self.journal_wording}


def _base_model() -> str:
    from agent.lm import BASE_MODEL, bundled
    model = bundled(BASE_MODEL)
    if model is None:
        raise LanternError("no --model given and no bundled base model (assets/models/npc-base); "
                           "make it with: python main.py pretrain")
    return model
