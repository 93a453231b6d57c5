"""Freed memory kept for the next step: the same large blocks come back without page faults."""

import platform
import resource
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Six 24 MB blocks made and freed again and again, as a training step's tensors are; prints the
# page faults of five rounds after a first one.
SCRIPT = """
import resource, sys
from agent.memory import keep_freed_memory
if sys.argv[1] == "keep":
    assert keep_freed_memory()
def rounds(n):
    for _ in range(n):
        blocks = [bytearray(24 << 20) for _ in range(6)]
        del blocks
rounds(1)
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
rounds(5)
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults(how: str) -> int:
    done = subprocess.run([sys.executable, "-c", SCRIPT, how], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return int(done.stdout)


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc's malloc")
def test_freed_blocks_are_reused_without_faulting_their_pages_in_again():
    plain = _faults("plain")
    assert plain > 5 * 6 * (24 << 20) // resource.getpagesize() // 2  # given back: their pages fault in again
    assert _faults("keep") < plain // 100


def test_elsewhere_the_c_library_keeps_its_own_policy(monkeypatch):
    from agent import memory
    monkeypatch.setattr(platform, "system", lambda: "Darwin")
    assert memory.keep_freed_memory() is False
