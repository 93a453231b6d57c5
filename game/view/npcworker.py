"""Runs the NPC's ``act`` off the drawing loop, so a slow model never freezes the window."""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass

from game.env import LanternEnv
from game.npc import NPC, Decision


@dataclass
class Thought:
    """A finished request: the decision (or the error) and the token it was asked with."""

    actor: str
    token: object
    decision: Decision | None
    error: str | None = None


class NpcWorker:
    """Asks an NPC for a decision on a clone of the env, in a thread (or at once).

    Args:
        npc: anything with the ``game.npc.NPC`` interface.
        threaded: think in a background thread (the window); False thinks
            synchronously inside ``request`` (tests and screenshots: deterministic).
    """

    def __init__(self, npc: NPC, threaded: bool = True) -> None:
        self.npc = npc
        self.threaded = threaded
        self._results: queue.Queue[Thought] = queue.Queue()
        self._busy = False

    @property
    def busy(self) -> bool:
        """True while a request is being thought about (or waits to be polled)."""
        return self._busy

    def request(self, env: LanternEnv, actor: str, token: object = None) -> None:
        """Start thinking about ``actor``'s next command in ``env``'s current state.

        ``token`` comes back in the Thought, so a caller can tell a stale answer
        (the world moved on meanwhile) from a fresh one.
        """
        if self._busy:
            return
        self._busy = True
        clone = env.clone()
        if self.threaded:
            threading.Thread(target=self._think, args=(clone, actor, token), daemon=True,
                             name="lantern-npc").start()
        else:
            self._think(clone, actor, token)

    def _think(self, env: LanternEnv, actor: str, token: object) -> None:
        try:
            thought = Thought(actor, token, self.npc.act(env, actor))
        except Exception as exc:  # noqa: BLE001 - a broken model must not take the window down
            thought = Thought(actor, token, None, f"{type(exc).__name__}: {exc}")
        self._results.put(thought)

    def poll(self) -> Thought | None:
        """The finished thought, if there is one (never blocks)."""
        try:
            thought = self._results.get_nowait()
        except queue.Empty:
            return None
        self._busy = False
        return thought
