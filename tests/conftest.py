"""Test setup: headless pygame, deterministic hypothesis, shared fixtures."""

import os
import sys
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from hypothesis import settings  # noqa: E402

settings.register_profile("lantern", derandomize=True, deadline=None, max_examples=200)
settings.load_profile("lantern")

WORLDS = ROOT / "assets" / "worlds"
