"""Every file Lantern writes goes through here: whole or not at all.

A file is written under a temporary name in the same folder, flushed and fsynced,
renamed over the final name, and then the folder itself is fsynced, so that after a
crash or a power cut the final name holds either the old version or the new one,
never a mix. A folder (a checkpoint, an exported model) is built under a temporary
name and swapped in the same way. A failure says one line naming the path and the
cause (a full disk, a read-only file system, a part of the path that is not a folder)
and leaves nothing half-written behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import hashlib
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

from game.errors import LanternError

_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EISDIR: "it is a folder, not a file",
    errno.ENOENT: "no such folder",
    errno.EEXIST: "something else already has that name",
    errno.ENAMETOOLONG: "the name is too long",
    errno.EIO: "the disk reported an input/output error",
}

NAME_MAX = 255  # bytes in one file name on Linux, macOS and Windows file systems
DANGLING = "a symbolic link that leads nowhere (a loop, or its target is gone)"


class FileWriteError(LanternError):
    """A file or folder could not be written; the message names the path and the cause.

    Attributes:
        cause: the cause alone ("the disk is full"), when an OS error gave one.
    """

    def __init__(self, message: str, cause: str | None = None) -> None:
        super().__init__(message)
        self.cause = cause


def reason(exc: OSError) -> str:
    """A short, human cause for an OS error (falls back to the system's own words)."""
    return _REASONS.get(exc.errno, exc.strerror or str(exc))


def write_error(path: str | Path, exc: OSError) -> FileWriteError:
    """The one-line error for a failed write of ``path``."""
    return FileWriteError(f"cannot write {path}: {reason(exc)}", reason(exc))


def fsync_folder(folder: str | Path) -> None:
    """Make a rename or a new entry in ``folder`` durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems (and Windows) do not fsync folders; the rename itself is done
    finally:
        os.close(fd)


def temp_name(path: Path, tag: str = "tmp") -> Path:
    """The hidden temporary name beside ``path`` used while it is being written.

    A final name near the file system's limit (255 bytes) keeps a shortened temporary name,
    made unique by a digest, so that every name a user may choose can be written.
    """
    name = f".{path.name}.{tag}"
    if len(os.fsencode(name)) > NAME_MAX:
        digest = hashlib.sha256(os.fsencode(path.name)).hexdigest()[:16]
        name = f".{os.fsencode(path.name)[:160].decode('utf-8', 'ignore')}-{digest}.{tag}"
    return path.with_name(name)


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically and durably; FileWriteError on failure."""
    path = _through_link(Path(path))
    if path.exists() and not path.is_file():
        raise FileWriteError(f"cannot write {path}: it is not a regular file; choose a file name")
    tmp = temp_name(path)
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        _remove(tmp)
        raise write_error(path, exc) from None
    fsync_folder(path.parent)


def _through_link(path: Path) -> Path:
    """The file a symbolic link ``path`` leads to (so the rename replaces the file, not the link)."""
    if not path.is_symlink():
        return path
    try:
        return path.resolve(strict=True)
    except (OSError, RuntimeError):  # a loop, or a link to nothing
        raise FileWriteError(f"cannot write {path}: {DANGLING}; choose another path") from None



def write_text(path: str | Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically and durably; FileWriteError on failure."""
    write_bytes(path, text.encode("utf-8"))


def append_line(path: str | Path, line: str) -> None:
    """Append one line to a log file (``metrics.jsonl``) and fsync it.

    Appending is not atomic: a kill mid-write can leave a torn last line, which the
    reader drops (see ``read_jsonl_lines``).
    """
    path = Path(path)
    try:
        with open(path, "a", encoding="utf-8") as f:
            f.write(line if line.endswith("\n") else line + "\n")
            f.flush()
            os.fsync(f.fileno())
    except OSError as exc:
        raise write_error(path, exc) from None


def fsync_tree(folder: Path) -> None:
    """fsync every file under ``folder`` and every folder in it, deepest first."""
    for root, dirs, files in os.walk(folder, topdown=False):
        for name in files:
            fd = os.open(os.path.join(root, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_folder(root)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one atomic step (Linux renameat2); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS):  # the file system cannot exchange: fall back
        return False
    raise OSError(err, os.strerror(err), str(a))


def replace_folder(tmp: Path, final: Path) -> None:
    """Move the whole folder ``tmp`` to ``final``; an old ``final`` stays until the new one is in.

    Where the kernel can swap the two names atomically, a reader always finds a whole
    folder at ``final``; elsewhere the old one is moved aside first and removed last.
    """
    fsync_tree(tmp)
    if final.exists():
        if _exchange(tmp, final):
            fsync_folder(final.parent)
            shutil.rmtree(tmp)
            return
        old = temp_name(final, "old")
        _remove(old)
        os.replace(final, old)
        try:
            os.replace(tmp, final)
        except OSError:
            os.replace(old, final)  # put the old one back: never leave no folder at all
            raise
        fsync_folder(final.parent)
        shutil.rmtree(old)
        return
    os.replace(tmp, final)
    fsync_folder(final.parent)


def _recover(final: Path) -> None:
    """Undo what a kill in the middle of ``replace_folder``'s fallback left: the old folder
    moved aside and no folder at ``final``."""
    old = temp_name(final, "old")
    if old.is_dir() and not final.exists():
        with contextlib.suppress(OSError):
            os.replace(old, final)
    _remove(old)


def remove_temps(folder: str | Path) -> None:
    """Remove what killed writes left in ``folder``: hidden ``.NAME.tmp`` files and folders."""
    folder = Path(folder)
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if entry.name.startswith(".") and entry.name.endswith(".tmp"):
            _remove(entry)


@contextlib.contextmanager
def folder_writer(final: str | Path) -> Iterator[Path]:
    """Build a folder under a temporary name and swap it in as ``final`` when the block ends.

    Usage::

        with folder_writer(out) as tmp:
            (tmp / "model.safetensors").write_bytes(...)

    On any error inside the block (or while swapping) the temporary folder is removed,
    ``final`` is left as it was, and an OSError becomes a one-line FileWriteError.
    """
    final = Path(final)
    tmp = temp_name(final)
    _recover(final)
    _remove(tmp)
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp.mkdir()
        yield tmp
        replace_folder(tmp, final)
    except OSError as exc:
        _remove(tmp)
        raise write_error(final, exc) from None
    except FileWriteError as exc:  # a file inside failed: name the folder, not its temporary name
        _remove(tmp)
        if exc.cause is None:
            raise
        raise FileWriteError(f"cannot write {final}: {exc.cause}", exc.cause) from None
    except BaseException:
        _remove(tmp)
        raise


def check_output_folder(path: str | Path, what: str = "--out") -> Path:
    """Refuse, before any long work starts, an output folder that could not be written.

    ``path`` may exist (as a folder) or not; its nearest existing parent must be a
    writable folder. Returns ``path`` as a Path.
    """
    path = Path(path)
    with _checking(path, what):
        _check_folder(path, what)
    return path


def _check_folder(path: Path, what: str) -> None:
    _refuse_dangling(path, what)
    if path.exists() and not path.is_dir():
        kind = "a file" if path.is_file() else "a device or other special file"
        raise FileWriteError(f"{what} {path}: is {kind}, not a folder; choose another path")
    _check_writable(path, path, what)


def check_output_file(path: str | Path, what: str = "--out") -> Path:
    """Refuse, before any work, an output file that could not be written whole."""
    path = Path(path)
    with _checking(path, what):
        _check_file(path, what)
    return path


def _check_file(path: Path, what: str) -> None:
    _refuse_dangling(path, what)
    if path.is_dir():
        raise FileWriteError(f"{what} {path}: is a folder, not a file; choose a file name")
    if path.exists() and not path.is_file():
        raise FileWriteError(f"{what} {path}: is not a regular file (a device?); choose a file name")
    if not path.parent.is_dir():
        raise FileWriteError(f"{what} {path}: no such folder {path.parent}")
    _check_writable(path, path.parent, what)


@contextlib.contextmanager
def _checking(path: Path, what: str) -> Iterator[None]:
    """An OS error while looking at ``path`` (a name too long, a folder that cannot be searched)
    is one line too."""
    try:
        yield
    except OSError as exc:
        raise FileWriteError(f"{what} {path}: {reason(exc)}; choose another path") from None


def _refuse_dangling(path: Path, what: str) -> None:
    """A symbolic link that leads nowhere would be replaced by the write: refuse it instead."""
    if path.is_symlink() and not path.exists():
        raise FileWriteError(f"{what} {path}: is {DANGLING}; choose another path")


def _check_writable(path: Path, start: Path, what: str) -> None:
    """Write one byte in the nearest existing folder at or above ``start``."""
    probe = start
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    if not probe.is_dir():
        raise FileWriteError(f"{what} {path}: {probe} is not a folder; choose another path")
    try:
        _probe_write(probe)
    except OSError as exc:
        cause = "it takes no new files" if exc.errno == errno.ENOENT else reason(exc)
        raise FileWriteError(f"{what} {path}: cannot write in {probe}: {cause}; choose another path") from None


def _probe_write(folder: Path) -> None:
    """Write and fsync one byte in ``folder``; OSError where that fails.

    Where the kernel offers unnamed files (Linux O_TMPFILE) the byte never gets a name, so a
    kill at any moment leaves nothing in the user's folder; elsewhere a hidden file is used.
    """
    unnamed = getattr(os, "O_TMPFILE", 0)
    if unnamed:
        try:
            fd = os.open(folder, unnamed | os.O_WRONLY, 0o600)
        except OSError as exc:
            if exc.errno not in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
                raise
        else:
            try:
                os.write(fd, b"x")
                os.fsync(fd)
            finally:
                os.close(fd)
            return
    test = folder / f".lantern-write-test-{os.getpid()}"
    try:
        with open(test, "wb") as f:
            f.write(b"x")
            f.flush()
            os.fsync(f.fileno())
    finally:
        _remove(test)
