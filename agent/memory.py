"""Freed memory kept in the process for the next step (glibc).

A training step allocates the same large tensors at every update: activations kept for the
backward pass and their gradients, tens of MB each at 16 envs. glibc hands a block over its
mmap threshold (128 KB, rising by itself to at most 32 MB) back to the kernel when it is freed,
and returns the top of the heap once more than twice that threshold is free there; the next
step's tensors then fault in and zero every page again. On the shipped NPC that was about
100,000 page faults per REINFORCE update of ``bench train`` (16 envs), some 10 % of the update's
time. ``keep_freed_memory`` sets both limits once, so freed blocks stay in the heap and are reused.

The floats do not change (torch aligns every tensor to 64 bytes wherever its memory comes
from); the process keeps its peak memory instead of giving it back between steps.
"""

from __future__ import annotations

import ctypes
import platform

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 << 20  # the highest glibc accepts on 64-bit: larger blocks are still mapped
TRIM_THRESHOLD = -1        # never trim the top of the heap (glibc reads it unsigned)


def keep_freed_memory() -> bool:
    """Keep freed blocks up to ``MMAP_THRESHOLD`` in the heap, for the process's life; True when
    set (glibc), False elsewhere (other C libraries keep their own policy)."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    libc = ctypes.CDLL(None)
    return bool(libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
