"""The desktop viewer: play alongside the NPC, watch it, replay episodes (pygame).

This is the only package that imports pygame. Game logic never draws: the
sessions (``session.py``) drive a ``LanternEnv`` and keep what is shown (the
transcript, discovered rooms, the NPC's last decision); the drawing modules read
that state; ``app.py`` owns the window, the event handler and the blocking loop.
"""

import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
