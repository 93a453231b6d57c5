"""Text-mode play in a terminal, or scripted from a pipe (one command per line)."""

from __future__ import annotations

import sys
from typing import TextIO

from game.env import LanternEnv

HELP = """Commands are plain English: 'look' (l), 'inventory' (i), 'examine lamp' (x lamp),
'go north' (n, s, e, w, ne, nw, se, sw, up, down, in, out), 'take the brass key',
'take all', 'drop everything but the lamp', 'put the apple in the basket',
'put the lamp on the hook', 'open the door', 'unlock the door with the key',
'turn on the lamp', 'eat the apple', 'taste the apple' (only tastes), 'read the note',
'give the key to Ada', 'tell Ada to bring the lamp', 'wait' (z), 'again' (g).
Extra words for this window: 'score', 'goal', 'admissible' (what would change
something now), 'help', 'quit'."""

NOT_TEXT = "That line is not valid text (it has bytes the terminal's encoding cannot read); nothing happened."


def play_text(env: LanternEnv, seed: int | None, stdin: TextIO = sys.stdin,
              stdout: TextIO = sys.stdout, actor: str | None = None) -> int:
    """Run an episode from typed lines until it ends or input runs out.

    At a terminal it prompts with '> '; from a pipe it echoes each command, so the
    output is a transcript. Returns 0 (won or input finished) or 1 (lost).
    """
    interactive = stdin.isatty()
    obs, info = env.reset(seed=seed, options={"actor": actor} if actor else None)
    _say(stdout, f"{env.world.title}\n{'=' * len(env.world.title)}\n\n{obs}")
    _say(stdout, f"Goal: {info['goal']}")
    while True:
        if interactive:
            stdout.write("\n> ")
            stdout.flush()
        line = read_line(stdin)
        if line is None:
            break
        command, valid = line[0].strip(), line[1]
        if not interactive:
            _say(stdout, f"\n> {command}")
        if not valid:
            _say(stdout, NOT_TEXT)
            continue
        extra = meta_command(command.lower(), env, info)
        if extra == "quit":
            break
        if extra is not None:
            _say(stdout, extra)
            continue
        obs, reward, terminated, truncated, info = env.step(command, actor)
        _say(stdout, obs)
        if reward:
            _say(stdout, score_change(reward, info))
        if terminated or truncated:
            _say(stdout, _ending(info, truncated, env))
            return 1 if info["lost"] else 0
    _say(stdout, f"\n[Score {info['score']} of {info['max_score']} in {info['moves']} moves.]")
    return 0


def score_change(reward: int, info: dict) -> str:
    """'[Your score has gone up by 1 point: 1 of 3.]', or down when a goal was undone."""
    way = "up" if reward > 0 else "down"
    points = abs(reward)
    return (f"[Your score has gone {way} by {points} point{'s' if points != 1 else ''}: "
            f"{info['score']} of {info['max_score']}.]")


def read_line(stdin: TextIO) -> tuple[str, bool] | None:
    """The next typed line and whether it was valid text; None at the end of input.

    Bytes are read and decoded here (not by the terminal's text layer, which may be
    strict), so a line that is not valid in the terminal's encoding becomes a reply
    in the game instead of a crash.
    """
    buffer = getattr(stdin, "buffer", None)
    if buffer is not None:
        raw, encoding = buffer.readline(), getattr(stdin, "encoding", None) or "utf-8"
    else:  # an in-memory stream: lone surrogates (from undecodable bytes) count as invalid
        raw, encoding = stdin.readline().encode("utf-8", "surrogatepass"), "utf-8"
    if not raw:
        return None
    try:
        return raw.decode(encoding), True
    except UnicodeDecodeError:
        return raw.decode(encoding, errors="replace"), False


def meta_command(command: str, env: LanternEnv, info: dict) -> str | None:
    if command in ("quit", "q", "exit game"):
        return "quit"
    if command in ("help", "?", "hint", "hints"):
        return HELP
    if command == "score":
        return f"Score {info['score']} of {info['max_score']} in {info['moves']} moves."
    if command in ("goal", "goals", "quest"):
        return f"Goal: {info['goal']}"
    if command in ("admissible", "commands", "options"):
        return "Commands that would change something now: " + "; ".join(info["admissible_commands"])
    return None


def _ending(info: dict, truncated: bool, env: LanternEnv) -> str:
    if info["won"]:
        head = "*** You have won ***"
    elif info["lost"]:
        head = "*** You have lost ***"
    else:
        head = f"*** Out of time: the episode ends after {env.max_steps} steps ***"
    return f"\n{head}\nScore {info['score']} of {info['max_score']} in {info['moves']} moves."


def _say(stdout: TextIO, text: str) -> None:
    stdout.write(text + "\n")
    stdout.flush()


def replay_text(episode, stdout: TextIO = sys.stdout) -> int:
    """Print a saved episode as a transcript, re-simulating and checking each step."""
    from game.record import replay
    header = episode.header
    _say(stdout, f"Replay of {episode.source}: {header.get('title', '')} (seed {header.get('seed')}, "
                 f"{len(episode.steps)} steps)")
    multi = len(header.get("actors", [])) > 1
    last = None
    for step in replay(episode):
        who = f"{step.record['actor']}> " if multi else "> "
        _say(stdout, f"\n{who}{step.record['command']}\n{step.obs}")
        last = step
    score = f", final score {last.info['score']} of {last.info['max_score']}" if last is not None else ""
    ending = "" if episode.finished else " The recording was stopped before the episode ended."
    _say(stdout, f"\n[Replay verified: {len(episode.steps)} steps{score}, every line's hash chain and every "
                 f"state hash matched.{ending}]")
    return 0
