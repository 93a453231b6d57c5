"""Training metrics: metrics.jsonl (always), TensorBoard (when installed), the learning curve."""

from __future__ import annotations

import json
from pathlib import Path

from game.files import write_text


def trim_metrics(path: Path, update: int) -> None:
    """On resume, forget metric lines logged after the checkpoint's update (they will be redone)."""
    if not path.is_file():
        return
    keep = [ln for ln in path.read_text(encoding="utf-8").splitlines()
            if ln.strip() and json.loads(ln).get("update", 0) <= update]
    write_text(path, "".join(ln + "\n" for ln in keep))


class MetricLogger:
    """metrics.jsonl (always) and TensorBoard (when installed)."""

    def __init__(self, run: Path) -> None:
        self.file = open(run / "metrics.jsonl", "a", encoding="utf-8")
        try:
            from torch.utils.tensorboard import SummaryWriter
            self.tb = SummaryWriter(str(run / "tensorboard"))
        except ImportError:
            self.tb = None

    def log(self, metrics: dict[str, float]) -> None:
        self.file.write(json.dumps(metrics) + "\n")
        self.file.flush()
        if self.tb is not None:
            for key, value in metrics.items():
                if "/" in key:
                    self.tb.add_scalar(key, value, metrics["global_step"])

    def close(self) -> None:
        self.file.close()
        if self.tb is not None:
            self.tb.close()


def plot_learning_curve(run: Path) -> Path | None:
    """learning_curve.png: return and success rate against environment steps."""
    path = run / "metrics.jsonl"
    rows = [json.loads(ln) for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()] \
        if path.is_file() else []
    if not rows:
        return None
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    x = [r["global_step"] for r in rows]
    segments = level_segments(rows)
    fig, ax = plt.subplots(1, 2, figsize=(9, 3.2))
    for axis, key, title, color in ((ax[0], "charts/episodic_return", "episodic return", "tab:blue"),
                                    (ax[1], "charts/success_rate", "success rate", "tab:green")):
        y = [r[key] for r in rows]
        axis.plot(x, y, color=color, alpha=0.35, linewidth=1)
        smooth = smoothed(rows, key, 10)
        for n, (start, end, _) in enumerate(segments):  # one line per level: the average restarts there
            axis.plot(x[start:end], smooth[start:end], color=color, label=None if n else "mean of 10 updates")
        axis.set(title=title, xlabel="environment steps")
        for start, _, level in segments[1:]:  # a curriculum move: the curve's drop is the harder level
            axis.axvline(x[start], color="grey", linestyle="--", linewidth=0.8)
            axis.annotate(f"difficulty {level}", (x[start], 1), xycoords=("data", "axes fraction"),
                          xytext=(3, -10), textcoords="offset points", fontsize=7, color="grey")
    ax[1].set_ylim(-0.05, 1.05)
    ax[1].legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    out = run / "learning_curve.png"
    fig.savefig(out, dpi=90)
    plt.close(fig)
    return out


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
        out += _moving_average([r[key] for r in rows[start:end]], k)
    return out


def _moving_average(y: list[float], k: int) -> list[float]:
    """Mean of the last (up to) k values at each point."""
    out, total = [], 0.0
    for i, v in enumerate(y):
        total += v - (y[i - k] if i >= k else 0.0)
        out.append(total / min(i + 1, k))
    return out
