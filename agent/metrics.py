"""Training metrics: metrics.jsonl (always), TensorBoard (when installed), the learning curve."""

from __future__ import annotations

import io
import json
import math
import sys
from pathlib import Path

from game.errors import LanternError
from game.files import append_line, write_bytes, write_text


def say(text: str) -> None:
    """A progress line on stderr that leaves a running tqdm bar whole."""
    from tqdm import tqdm
    tqdm.write(text, file=sys.stderr)


def read_metrics(path: Path) -> tuple[list[dict], bool]:
    """The rows of ``metrics.jsonl`` and whether a torn last line was left out.

    A kill in the middle of a write leaves an unfinished last line (no newline, not whole
    JSON): that line is dropped. Damage anywhere else is an error.

    Raises:
        LanternError: a line before the last is not a JSON object with an integer ``update``.
    """
    if not path.is_file():
        return [], False
    *lines, tail = path.read_bytes().split(b"\n")  # tail: b"" after a final newline
    rows = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        row = _metric_row(line)
        if row is None:
            raise LanternError(f"{path}: line {number} is not a metrics row (damaged); delete that line "
                               f"or the file, then resume")
        rows.append(row)
    last = _metric_row(tail) if tail.strip() else None
    if last is not None:  # whole but for its newline: keep it
        rows.append(last)
    return rows, bool(tail.strip()) and last is None


def _metric_row(line: bytes) -> dict | None:
    try:
        row = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None
    return row if isinstance(row, dict) and type(row.get("update")) is int else None


def trim_metrics(path: Path, update: int) -> None:
    """On resume, forget metric lines logged after the checkpoint's update (they will be redone)
    and a torn last line (with a note)."""
    rows, torn = read_metrics(path)
    if torn:
        print(f"note: {path}: dropped its torn last line (the run was stopped while writing it)",
              file=sys.stderr)
    if path.is_file():
        write_text(path, "".join(json.dumps(r) + "\n" for r in rows if r["update"] <= update))


class MetricLogger:
    """metrics.jsonl (always, one fsynced line per update) and TensorBoard (when installed)."""

    def __init__(self, run: Path) -> None:
        self.path = run / "metrics.jsonl"
        try:
            from torch.utils.tensorboard import SummaryWriter
            self.tb = SummaryWriter(str(run / "tensorboard"))
        except ImportError:
            self.tb = None

    def log(self, metrics: dict[str, float]) -> None:
        append_line(self.path, json.dumps(metrics))
        if self.tb is not None:
            for key, value in metrics.items():
                if "/" in key:
                    self.tb.add_scalar(key, value, metrics["global_step"])

    def close(self) -> None:
        if self.tb is not None:
            self.tb.close()


def plot_learning_curve(run: Path) -> Path | None:
    """learning_curve.png: return and success rate (quests, and requests when the run has them)
    against environment steps."""
    rows, _ = read_metrics(run / "metrics.jsonl")
    if not rows:
        return None
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    x = [r["global_step"] for r in rows]
    segments = level_segments(rows)
    fig, ax = plt.subplots(1, 2, figsize=(9, 3.2))
    curves = [(ax[0], "charts/episodic_return", "episodic return", "tab:blue"),
              (ax[1], "charts/success_rate", "success rate", "tab:green")]
    if any("charts/request_success_rate" in r for r in rows):
        curves.append((ax[1], "charts/request_success_rate", "success rate (green: quests, red: requests)",
                       "tab:red"))
    for n_curve, (axis, key, title, color) in enumerate(curves):
        y = [r.get(key, math.nan) for r in rows]  # an update may have no quest (or no request) episode
        axis.plot(x, y, color=color, alpha=0.35, linewidth=1)
        smooth = smoothed(rows, key, 10)
        for n, (start, end, _) in enumerate(segments):  # one line per level: the average restarts there
            axis.plot(x[start:end], smooth[start:end], color=color,
                      label=None if n or n_curve > 1 else "mean of 10 updates")
        axis.set(title=title, xlabel="environment steps")
        for start, _, level in segments[1:]:  # a curriculum move: the curve's drop is the harder level
            axis.axvline(x[start], color="grey", linestyle="--", linewidth=0.8)
            axis.annotate(f"difficulty {level}", (x[start], 1), xycoords=("data", "axes fraction"),
                          xytext=(3, -10), textcoords="offset points", fontsize=7, color="grey")
    ax[1].set_ylim(-0.05, 1.05)
    ax[1].legend(loc="lower right", fontsize=8)
    return save_figure(fig, run / "learning_curve.png", dpi=90)


def save_figure(fig, path: Path, dpi: int) -> Path:
    """Write a matplotlib figure as a PNG through game/files.py (whole or not at all) and close it."""
    import matplotlib.pyplot as plt
    fig.tight_layout()
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=dpi)
    plt.close(fig)
    write_bytes(path, png.getvalue())
    return path


def level_segments(rows: list[dict]) -> list[tuple[int, int, int]]:
    """(first index, end index, difficulty) of each run of updates at one curriculum level."""
    segments: list[tuple[int, int, int]] = []
    for i, r in enumerate(rows):
        level = int(r.get("charts/difficulty", 0))
        if segments and segments[-1][2] == level:
            segments[-1] = (segments[-1][0], i + 1, level)
        else:
            segments.append((i, i + 1, level))
    return segments


def smoothed(rows: list[dict], key: str, k: int) -> list[float]:
    """Moving average of ``key`` that restarts at each curriculum level (never mixes levels)."""
    out: list[float] = []
    for start, end, _ in level_segments(rows):
        out += _moving_average([r.get(key, math.nan) for r in rows[start:end]], k)
    return out


def _moving_average(y: list[float], k: int) -> list[float]:
    """Mean of the last (up to) k values at each point, over those that are not NaN (NaN: none)."""
    out = []
    for i in range(len(y)):
        window = [v for v in y[max(0, i - k + 1):i + 1] if not math.isnan(v)]
        out.append(sum(window) / len(window) if window else math.nan)
    return out
