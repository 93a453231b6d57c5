"""Which CPU kernels torch computes with: the machine's best (``native``) or AVX2 on any CPU (``avx2``).

The floats of a training run depend on the kernels: AVX2 and AVX-512 matrix products and
reductions round differently, and a run grows the difference until the weights, and what the
model learns, part ways. ``avx2`` makes torch's own kernels and MKL's (conditional numerical
reproducibility, strict) take their AVX2 paths on every x86-64 CPU that has AVX2, so that the
same command gives the same floats there: two runs on one Intel machine kind agree bit for
bit, but an AMD EPYC parted from them within 500 training steps of the pinned pretrain command
(which library's kernels differ there is not isolated).
torch and MKL read these settings once, at their first operation, so ``use_kernels`` must run
before any tensor work in the process.
"""

from __future__ import annotations

import os

from game.errors import LanternError

KERNELS = ("native", "avx2")
AVX2_SETTINGS = {"ATEN_CPU_CAPABILITY": "avx2", "MKL_CBWR": "AVX2,STRICT", "DNNL_MAX_CPU_ISA": "AVX2"}


def check_kernels(kernels: str) -> None:
    """Refuse a kernels setting other than those in ``KERNELS``."""
    if kernels not in KERNELS:
        raise LanternError(f"kernels {kernels!r}: unknown; use one of {', '.join(KERNELS)}")


def use_kernels(kernels: str) -> str:
    """Pin torch to ``kernels`` for this process (and the workers it starts); returns the
    capability torch reports. ``native`` leaves torch's own choice."""
    check_kernels(kernels)
    if kernels == "avx2":
        os.environ.update(AVX2_SETTINGS)
    import torch
    capability = torch.backends.cpu.get_cpu_capability()
    if kernels == "avx2" and capability != "AVX2":
        raise LanternError(f"--cpu pinned: torch runs {capability} kernels here (the CPU lacks AVX2, or "
                           f"torch had already computed in this process); use --cpu native")
    return capability


# -- the --cpu setting: kernels, threads and processes in one ------------------------------------

CPUS = ("pinned", "native")
CPU_HELP = ("pinned: AVX2 kernels (MKL in strict reproducible mode), one torch thread, and side jobs "
            "(train's KL reference model and progress searches, imitate's validation) in second processes "
            "when there is a second core: the same command gives the same weights on any Intel x86-64 CPU with AVX2 (the shipped "
            "models' setting); native: this CPU's fastest kernels on torch's own thread count, in one "
            "process (floats tied to the machine)")


def cpu_setting(text: str) -> str:
    """``--cpu pinned|native`` (the older ``--kernels avx2|native`` spelling maps onto it)."""
    value = {"avx2": "pinned"}.get(text, text)
    if value not in CPUS:
        raise LanternError(f"--cpu: unknown setting {text!r}; use one of {', '.join(CPUS)}")
    return value


def cpu_kernels(cpu: str) -> str:
    """The ``KERNELS`` entry a ``--cpu`` setting computes with."""
    return "avx2" if cpu == "pinned" else "native"


def cpu_threads(cpu: str) -> int | None:
    """torch CPU threads of the main process (None: torch's default)."""
    return 1 if cpu == "pinned" else None


def cpu_workers(cpu: str) -> int:
    """Processes a run uses: with ``pinned`` a second one for the side job where there is a second core
    (the same floats as one process, sooner)."""
    return 2 if cpu == "pinned" and (os.cpu_count() or 1) > 1 else 1


def use_cpu(cpu: str) -> str:
    """Pin this process to ``cpu`` before any tensor work (kernels and threads, and freed memory kept
    for the next step: ``agent/memory.py``); returns the capability."""
    from agent.memory import keep_freed_memory
    keep_freed_memory()
    capability = use_kernels(cpu_kernels(cpu))
    threads = cpu_threads(cpu)
    if threads:
        import torch
        torch.set_num_threads(threads)
    return capability


class CpuPinned:
    """What a config's ``cpu`` field (``--cpu``) pins, for the configs that have one."""

    @property
    def threads(self) -> int | None:
        """torch CPU threads of the main process (None: torch's default)."""
        return cpu_threads(self.cpu)

    @property
    def kernels(self) -> str:
        """The ``KERNELS`` entry it computes with."""
        return cpu_kernels(self.cpu)

    @property
    def workers(self) -> int:
        """Processes: with ``pinned``, the side jobs (validation, the KL reference, progress searches) on a
        second core."""
        return cpu_workers(self.cpu)
