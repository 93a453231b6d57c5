"""What playing with an NPC needs in any interface: its actor, and the episode file.

The window (``game/view``) and the terminal (``game/play_text.py``) both let a
person and an NPC take turns in one env and save each episode in a folder
(``runs/episodes/`` from the command line); this module is what they share,
without pygame.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

from game import quests
from game.env import LanternEnv
from game.npc import Decision
from game.record import EpisodeRecorder


def turn_count(env: LanternEnv, turns: dict[str, int], name, sep: str = " · ") -> str:
    """Each actor's turns (in a world with several) and the shared turn count out of the
    limit, as the window's top bar and the terminal's status line both say it:
    'Wren 14 · Ada 12 · turn 26 / 50' ('turn 9 / 60' alone).

    Args:
        env: the environment (its actors, steps and step limit).
        turns: commands issued this episode per actor id (they add up to ``env.steps``).
        name: how an actor id is written.
        sep: between the parts.
    """
    shared = f"turn {env.steps} / {env.max_steps}"
    if len(env.actor_ids) < 2:
        return shared
    return sep.join([f"{name(a)} {turns.get(a, 0)}" for a in env.actor_ids] + [shared])


def turns_of(history: list[dict]) -> dict[str, int]:
    """Commands issued per actor in an episode's step records (after an undo or a restore,
    the turns kept)."""
    turns: dict[str, int] = {}
    for record in history:
        turns[record["actor"]] = turns.get(record["actor"], 0) + 1
    return turns


def team(world) -> list[str]:
    """Ids of the player and every actor sharing a quest with the player (player first): the
    actors one model plays in turn when it plays a world alone (training, eval, watch)."""
    mates = {a for qi in quests.quests_of(world, world.player) for a in world.quests[qi].actors}
    return [world.entities[a].id for a in [world.player, *sorted(mates - {world.player})]]


def first_npc(env: LanternEnv, player: str) -> str | None:
    """The NPC's actor: the first actor that is not the person's, or None (solo world)."""
    return next((a for a in env.actor_ids if a != player), None)


def viewer_of(header: dict, steps: list[dict], env: LanternEnv) -> str:
    """Whose view an episode is told from: the NPC's in a watch episode, else the person's."""
    if header.get("mode") == "watch" and steps:
        return steps[0]["actor"]
    return header.get("player") or env.player_id


def episode_path(folder: Path, world_name: str) -> Path:
    """A new episode file name: ``<UTC timestamp>-<world>.jsonl``, never an existing one."""
    slug = re.sub(r"[^a-z0-9]+", "-", world_name.lower()).strip("-") or "world"
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    path = folder / f"{stamp}-{slug}.jsonl"
    n = 2
    while path.exists() or path.with_name(path.name + ".partial").exists():
        path = folder / f"{stamp}-{slug}-{n}.jsonl"
        n += 1
    return path


def start_recording(env: LanternEnv, seed: int | None, folder: Path, meta: dict) -> EpisodeRecorder:
    """A recorder for the episode ``env`` was just reset for, in a new file under ``folder``."""
    return EpisodeRecorder(episode_path(folder, env.world.title or "world"), env, seed, meta=meta)


def candidates_of(decision: Decision | None) -> list[dict] | None:
    """A decision's candidates in the episode file's form."""
    if decision is None or not decision.candidates:
        return None
    return [{"command": c, "prob": float(p)} for c, p in decision.candidates]


def record_step(recorder: EpisodeRecorder, actor: str, command: str, obs: str, reward: float, info: dict,
                done: bool, decision: Decision | None = None) -> None:
    """Write one step (call right after ``env.step``), with the NPC's decision when it chose."""
    recorder.record(actor, command, obs, reward, info, done, candidates=candidates_of(decision),
                    value=None if decision is None else decision.value,
                    notes=None if decision is None else decision.notes)


def finish_recording(recorder: EpisodeRecorder, steps: int) -> Path | None:
    """Close the episode file; one with no steps is not kept. Returns the kept file's path."""
    path = recorder.close()
    if not steps:
        path.unlink(missing_ok=True)
        return None
    return path
