"""Is there a screen to open the window on? Asked before anything slow is loaded.

This module does not import pygame, so ``main.py`` can answer "no display" in a
fraction of a second instead of after loading the NPC's model.
"""

from __future__ import annotations

import os
import sys

from game.errors import LanternError

HEADLESS_DRIVERS = ("dummy", "offscreen")  # SDL video drivers that draw into memory only


def check_display(screenshot: bool = False) -> None:
    """Raise a one-line LanternError when the window could not be seen.

    Args:
        screenshot: a picture is saved and the window never shown, so SDL's
            headless drivers (``SDL_VIDEODRIVER=dummy``) are enough.
    """
    driver = os.environ.get("SDL_VIDEODRIVER", "").strip().lower()
    if driver in HEADLESS_DRIVERS:
        if screenshot:
            return
        raise LanternError(f"SDL_VIDEODRIVER={driver} draws nowhere: add --screenshot PNG to save a picture "
                           f"(python main.py play --screenshot shot.png), or play in the terminal with "
                           f"python main.py play --text")
    if driver or sys.platform in ("win32", "darwin"):
        return  # a driver the user chose (x11, wayland, kmsdrm ...), or a desktop system
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise LanternError("no display: the window needs one (DISPLAY and WAYLAND_DISPLAY are not set); "
                           "play in the terminal with python main.py play --text, or save a picture "
                           "with SDL_VIDEODRIVER=dummy and --screenshot PNG")
