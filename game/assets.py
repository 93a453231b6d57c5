"""Where the project's own files are: bundled worlds, held-out worlds, fonts.

Paths a user types (``--world assets/worlds/manor.toml``) are read relative to the
working directory first and then to the project folder, so commands work from anywhere.
"""

from __future__ import annotations

from pathlib import Path

from game.world import World

PROJECT_DIR = Path(__file__).resolve().parent.parent
ASSETS_DIR = PROJECT_DIR / "assets"
WORLDS_DIR = ASSETS_DIR / "worlds"  # the bundled worlds: play, training and pretraining read them
HELDOUT_DIR = ASSETS_DIR / "heldout"  # hand-written worlds kept for evaluation only
TEXTWORLD_DIR = ASSETS_DIR / "textworld"  # games TextWorld made, imported, for evaluation only
AUTHORED_DIR = ASSETS_DIR / "authored"  # hand-written worlds for training only (imitate/train --authored)


def resolve_asset(path: str) -> Path:
    """``path`` relative to the working directory if it is there, else to the project folder.

    A path found in neither place is returned as given, so the error that follows names it.
    """
    p = Path(path)
    if not p.exists() and not p.is_absolute():
        here = PROJECT_DIR / p
        if here.exists():
            return here
    return p


def bundled_worlds() -> list[tuple[str, World]]:
    """Every bundled world, in file-name order: [(stem, World)]."""
    from game.loader import load_world_folder
    return load_world_folder(WORLDS_DIR)


def learning_worlds(authored: bool = False, reskins: int = 0, seed: int = 0) -> list[tuple[str, World]]:
    """The hand-written worlds training learns from by walkthrough: the bundled ones, and with
    ``authored`` those of ``assets/authored/`` after them: [(stem, World)]. With ``reskins`` > 0
    each of the latter comes as that many reskins (``game/reskin.py``; ``seed`` draws them)
    instead of as written, so its walkthrough cannot be learnt by heart."""
    from game.loader import load_world_folder
    if not authored:
        return bundled_worlds()
    if not reskins:
        return bundled_worlds() + load_world_folder(AUTHORED_DIR)
    from game.reskin import reskinned_folder
    return bundled_worlds() + reskinned_folder(AUTHORED_DIR, reskins, seed)
