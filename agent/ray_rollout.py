"""Rollouts played by workers: in this process, or by Ray actors (``train --ray``).

The unit of work is a whole group of episodes (``agent.rollout.Group``): its envs, seeds
and sampling seed are fixed by the driver, so a group gives the same episodes whoever
plays it. ``LocalRollouts`` plays the groups one after another with the trainer's own
policy; ``RayRollouts`` starts (or joins) Ray, builds the policy in each of N actors
from the same local model folder and settings, sends them the trainable weights once per
update (one ``ray.put``), and hands each idle actor the next group. The learner stays in
the driver. Ray is an extra (``pip install -e .[ray]``), imported only here and only
when asked for.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from agent.rollout import Group, GroupResult, play_group
from game.errors import LanternError

ROOT = Path(__file__).resolve().parent.parent
# Workers never download: the model comes from a local folder (checked before Ray starts).
OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}


class LocalRollouts:
    """Plays the groups one after another in this process, with the trainer's policy."""

    def __init__(self, policy) -> None:
        self.policy = policy

    def sync(self, policy, version: int) -> None:
        """Nothing to send: the groups are played with the learner's own weights."""

    def play(self, groups: list[Group], stop: Callable[[], bool]) -> list[GroupResult] | None:
        results = []
        for group in groups:
            played = play_group(self.policy, group, stop)
            if played is None:
                return None
            results.append(played)
        return results

    def close(self) -> None:
        """Nothing to stop."""


class GroupPlayer:
    """A rollout worker (a Ray actor): the run's policy, built as the trainer builds it."""

    def __init__(self, config, source: str, fresh: bool) -> None:
        from agent.kernels import use_cpu
        use_cpu(config.cpu)  # before any tensor work in this process
        from agent.train import build_policy
        self.policy = build_policy(config, source, fresh)  # on the CPU
        self.params = dict(self.policy.named_parameters())

    def set_weights(self, weights: dict) -> None:
        """Copy in the learner's trainable weights (the frozen ones came from the model folder)."""
        import torch
        with torch.no_grad():
            for name, tensor in weights.items():
                self.params[name].copy_(tensor)

    def play(self, group: Group) -> GroupResult:
        return play_group(self.policy, group)


class RayRollouts:
    """``config.rollout_workers`` GroupPlayer actors on a Ray cluster started for the run
    (``config.ray == 'local'``) or joined (``'auto'``, ``'ray://host:10001'``, ...)."""

    def __init__(self, config, source: str, fresh: bool) -> None:
        self.ray = import_ray()
        self._started = not self.ray.is_initialized()  # a caller's own ray.init() is kept
        if self._started:
            local = config.ray == "local"
            try:
                self.ray.init(address=config.ray, num_cpus=config.rollout_workers if local else None,
                              include_dashboard=False, log_to_driver=False)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise LanternError(f"--ray {config.ray}: could not {'start' if local else 'join'} Ray "
                                   f"({_last_line(exc)}); check the address, or use --ray alone for a local "
                                   f"Ray") from None
        actor = self.ray.remote(num_cpus=1)(GroupPlayer).options(runtime_env={"env_vars": worker_env(config)})
        self.workers = [actor.remote(config, source, fresh) for _ in range(config.rollout_workers)]
        self._version: int | None = None

    def sync(self, policy, version: int) -> None:
        """Send the trainable weights to every worker, once per ``version`` (the update)."""
        if version == self._version:
            return
        weights = {n: p.detach().cpu() for n, p in policy.named_parameters() if p.requires_grad}
        ref = self.ray.put(weights)  # one copy in the object store, read by every worker
        for worker in self.workers:  # an actor runs its calls in order: weights before groups
            worker.set_weights.remote(ref)
        self._version = version

    def play(self, groups: list[Group], stop: Callable[[], bool]) -> list[GroupResult] | None:
        """Each idle worker takes the next group; results in the groups' order (None when stopped)."""
        results: list[GroupResult | None] = [None] * len(groups)
        waiting, idle, running = list(enumerate(groups)), list(self.workers), {}
        while waiting or running:
            while waiting and idle:
                index, group = waiting.pop(0)
                worker = idle.pop(0)
                running[worker.play.remote(group)] = (index, worker)
            done, _ = self.ray.wait(list(running), num_returns=1, timeout=0.5)
            if stop():
                return None
            for ref in done:
                index, worker = running.pop(ref)
                results[index] = self._get(ref)
                idle.append(worker)
        return results

    def _get(self, ref) -> GroupResult:
        try:
            return self.ray.get(ref)
        except self.ray.exceptions.RayError as exc:
            cause = getattr(exc, "cause", None)
            said = str(cause) if isinstance(cause, LanternError) else _last_line(exc)
            raise LanternError(f"--ray: a rollout worker failed: {said}") from None

    def close(self) -> None:
        """Stop the workers, and Ray itself when it was started for the run."""
        for worker in self.workers:
            self.ray.kill(worker)
        self.workers = []
        if self._started:
            self.ray.shutdown()


def import_ray():
    """The ``ray`` module, or a LanternError saying how to install it."""
    try:
        import ray
    except ImportError:
        raise LanternError("--ray needs Ray: pip install -e .[ray]") from None
    return ray


def worker_env(config) -> dict[str, str]:
    """Environment variables of every worker: offline, Lantern importable, the run's kernels."""
    from agent.kernels import AVX2_SETTINGS
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {**OFFLINE, "PYTHONPATH": path, **(AVX2_SETTINGS if config.kernels == "avx2" else {})}


def _last_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[-1] if lines else type(exc).__name__
