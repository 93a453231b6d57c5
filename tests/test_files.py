"""game/files.py: whole or not at all, the old version kept until the new one is whole, one-line errors.

A full disk and a read-only file system are simulated by making the OS calls raise the
errors the kernel gives (a test cannot mount a tmpfs everywhere).
"""

import errno
import os
import stat
from pathlib import Path

import pytest

from game import files
from game.errors import LanternError
from game.files import (FileWriteError, append_line, check_output_file, check_output_folder, folder_writer,
                        remove_temps, replace_folder, temp_name, write_bytes, write_text)


def full_disk(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def read_only_file_system(monkeypatch) -> None:
    """Every open for writing (by name, or of an unnamed O_TMPFILE) fails as on a read-only mount."""
    real_open, real_os_open = open, os.open

    def read_only(path, mode="r", *args, **kwargs):
        if "w" in mode or "a" in mode:
            raise OSError(errno.EROFS, "Read-only file system")
        return real_open(path, mode, *args, **kwargs)

    def os_read_only(path, flags, *args, **kwargs):
        if flags & (os.O_WRONLY | os.O_RDWR):
            raise OSError(errno.EROFS, "Read-only file system")
        return real_os_open(path, flags, *args, **kwargs)
    monkeypatch.setattr(files, "open", read_only, raising=False)
    monkeypatch.setattr(os, "open", os_read_only)


def one_line(exc: pytest.ExceptionInfo) -> str:
    text = str(exc.value)
    assert "\n" not in text and isinstance(exc.value, LanternError)
    return text


def test_write_text_replaces_the_file_whole(tmp_path):
    path = tmp_path / "w.toml"
    write_text(path, "old")
    write_text(path, "new ✓")
    assert path.read_text(encoding="utf-8") == "new ✓" and leftovers(tmp_path) == []


def test_a_full_disk_keeps_the_old_file_and_leaves_no_temp(tmp_path, monkeypatch):
    path = tmp_path / "w.toml"
    write_text(path, "old")
    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(FileWriteError) as exc:
        write_bytes(path, b"new")
    assert one_line(exc) == f"cannot write {path}: the disk is full"
    assert path.read_text() == "old" and leftovers(tmp_path) == []


def test_a_missing_folder_and_a_device_are_refused(tmp_path):
    with pytest.raises(FileWriteError, match="no such folder"):
        write_text(tmp_path / "nope" / "a.txt", "x")
    with pytest.raises(FileWriteError, match="not a regular file"):
        write_text(tmp_path, "x")
    assert leftovers(tmp_path) == []


def test_append_line_adds_one_line_and_reports_a_full_disk(tmp_path, monkeypatch):
    path = tmp_path / "metrics.jsonl"
    append_line(path, '{"update": 1}')
    append_line(path, '{"update": 2}\n')
    assert path.read_text() == '{"update": 1}\n{"update": 2}\n'
    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(FileWriteError) as exc:
        append_line(path, '{"update": 3}')
    assert one_line(exc) == f"cannot write {path}: the disk is full"


def test_a_file_that_fails_inside_a_folder_names_the_folder(tmp_path, monkeypatch):
    final = tmp_path / "update-000003"
    with pytest.raises(FileWriteError) as exc:
        with folder_writer(final) as tmp:
            monkeypatch.setattr(os, "fsync", full_disk)
            write_text(tmp / "trainer.json", "{}")
    assert one_line(exc) == f"cannot write {final}: the disk is full" and leftovers(tmp_path) == []


def model(folder: Path, text: str) -> None:
    (folder / "a.bin").write_text(text)
    (folder / "sub").mkdir()
    (folder / "sub" / "b.bin").write_text(text)


def test_folder_writer_swaps_a_whole_folder_in(tmp_path):
    final = tmp_path / "deep" / "npc"  # missing parents are made
    for text in ("old", "new"):
        with folder_writer(final) as tmp:
            assert tmp.parent == final.parent and tmp != final
            model(tmp, text)
    assert (final / "a.bin").read_text() == "new" and (final / "sub" / "b.bin").read_text() == "new"
    assert leftovers(final.parent) == []


@pytest.mark.parametrize("failure", [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt(),
                                     ValueError("a bug")])
def test_a_failure_mid_build_keeps_the_old_folder_and_no_temp(tmp_path, failure):
    final = tmp_path / "npc"
    with folder_writer(final) as tmp:
        model(tmp, "old")
    with pytest.raises(FileWriteError if isinstance(failure, OSError) else type(failure)) as exc:
        with folder_writer(final) as tmp:
            (tmp / "a.bin").write_text("half")
            raise failure
    if isinstance(failure, OSError):
        assert one_line(exc) == f"cannot write {final}: the disk is full" and exc.value.cause == "the disk is full"
    assert (final / "a.bin").read_text() == "old" and leftovers(tmp_path) == []


def test_without_an_atomic_exchange_the_old_folder_stays_until_the_new_one_is_in(tmp_path, monkeypatch):
    """Where the kernel cannot swap two names, the old folder is moved aside, and put back when
    the new one cannot be moved in."""
    monkeypatch.setattr(files, "_exchange", lambda a, b: False)
    final = tmp_path / "npc"
    with folder_writer(final) as tmp:
        model(tmp, "old")
    with folder_writer(final) as tmp:
        model(tmp, "new")
    assert (final / "a.bin").read_text() == "new" and leftovers(tmp_path) == []
    real_replace = os.replace

    def refuse_the_new_one(src, dst):
        if Path(src).name == ".npc.tmp":
            raise OSError(errno.EIO, "Input/output error")
        return real_replace(src, dst)
    monkeypatch.setattr(os, "replace", refuse_the_new_one)
    with pytest.raises(FileWriteError, match="input/output error"):
        with folder_writer(final) as tmp:
            model(tmp, "newer")
    assert (final / "a.bin").read_text() == "new" and leftovers(tmp_path) == []


def test_a_kill_between_the_two_renames_is_undone_by_the_next_write(tmp_path):
    final = tmp_path / "npc"
    old = tmp_path / ".npc.old"  # what a kill leaves: the old folder aside, nothing at the name
    old.mkdir()
    model(old, "old")
    with pytest.raises(RuntimeError):
        with folder_writer(final):
            raise RuntimeError("stop")
    assert (final / "a.bin").read_text() == "old" and leftovers(tmp_path) == []


def test_replace_folder_fsyncs_every_file_before_the_rename(tmp_path, monkeypatch):
    tmp, final = tmp_path / ".npc.tmp", tmp_path / "npc"
    tmp.mkdir()
    model(tmp, "x")
    synced, real = set(), os.fsync

    def record(fd):
        synced.add(os.fstat(fd).st_ino)
        real(fd)
    monkeypatch.setattr(os, "fsync", record)
    replace_folder(tmp, final)
    inodes = {p.stat().st_ino for p in [final, *final.rglob("*"), tmp_path]}
    assert inodes <= synced


def test_remove_temps_clears_what_killed_writes_left(tmp_path):
    (tmp_path / ".update-000003.tmp").mkdir()
    (tmp_path / ".w.toml.tmp").write_text("half")
    (tmp_path / "update-000002").mkdir()
    remove_temps(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["update-000002"]


def test_output_folders_are_checked_before_any_work(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("x")
    assert check_output_folder(tmp_path / "new" / "run") == tmp_path / "new" / "run"
    with pytest.raises(FileWriteError) as exc:
        check_output_folder(tmp_path / "file")
    assert one_line(exc) == f"--out {tmp_path / 'file'}: is a file, not a folder; choose another path"
    with pytest.raises(FileWriteError, match="is not a folder"):
        check_output_folder(tmp_path / "file" / "run")
    read_only_file_system(monkeypatch)
    with pytest.raises(FileWriteError) as exc:
        check_output_folder(tmp_path / "run", "--export")
    assert one_line(exc) == (f"--export {tmp_path / 'run'}: cannot write in {tmp_path}: the file system is "
                             f"read-only; choose another path")
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_a_virtual_file_system_is_refused():
    with pytest.raises(FileWriteError) as exc:
        check_output_folder("/proc/run")
    assert one_line(exc) == "--out /proc/run: cannot write in /proc: it takes no new files; choose another path"


def test_output_files_are_checked_before_any_work(tmp_path):
    assert check_output_file(tmp_path / "a.png", "--screenshot") == tmp_path / "a.png"
    with pytest.raises(FileWriteError, match="is a folder, not a file"):
        check_output_file(tmp_path)
    with pytest.raises(FileWriteError, match="no such folder"):
        check_output_file(tmp_path / "nope" / "a.png")
    if Path("/dev/full").exists() and stat.S_ISCHR(os.stat("/dev/full").st_mode):
        with pytest.raises(FileWriteError) as exc:
            check_output_file("/dev/full", "--screenshot")
        assert one_line(exc) == "--screenshot /dev/full: is not a regular file (a device?); choose a file name"
        assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
    assert leftovers(tmp_path) == []


# -- generate --out (the game's commands write through the same module) -------------------------

def generate(capsys, *argv) -> tuple[int, str]:
    import main
    code = main.main(["generate", "--difficulty", "2", *map(str, argv)])
    return code, capsys.readouterr().err


def test_generate_to_a_full_or_read_only_disk_is_one_line_and_leaves_nothing(tmp_path, capsys, monkeypatch):
    out = tmp_path / "w.toml"
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: full_disk() if os.fstat(fd).st_size > 1 else real_fsync(fd))
    code, err = generate(capsys, "--out", out)  # the probe's one byte fits; the world does not
    assert (code, err) == (2, f"error: cannot write {out}: the disk is full\n")
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    read_only_file_system(monkeypatch)
    code, err = generate(capsys, "--out", out)
    assert (code, err) == (2, f"error: --out {out}: cannot write in {tmp_path}: the file system is read-only; "
                              f"choose another path\n")
    assert list(tmp_path.iterdir()) == []


def test_generate_refuses_a_device_even_with_force(capsys):
    if not (Path("/dev/full").exists() and stat.S_ISCHR(os.stat("/dev/full").st_mode)):
        pytest.skip("needs /dev/full")
    code, err = generate(capsys, "--out", "/dev/full", "--force")
    assert (code, err) == (2, "error: --out /dev/full: is not a regular file (a device?); choose a file name\n")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


# -- hostile output paths found by a second probe -----------------------------------------------

@pytest.mark.skipif(not hasattr(os, "O_TMPFILE"), reason="needs Linux O_TMPFILE")
def test_the_writability_probe_never_names_a_file_so_a_kill_leaves_nothing(tmp_path, monkeypatch):
    seen = []
    real_fsync = os.fsync
    # what a SIGKILL at the probe's slowest moment (its fsync) would leave in the folder
    monkeypatch.setattr(os, "fsync", lambda fd: (seen.append(sorted(os.listdir(tmp_path))), real_fsync(fd))[1])
    check_output_folder(tmp_path / "run")
    check_output_file(tmp_path / "w.toml")
    assert seen == [[], []] and list(tmp_path.iterdir()) == []


def test_a_symbolic_link_that_leads_nowhere_is_refused_and_kept(tmp_path):
    loop, gone = tmp_path / "loop", tmp_path / "gone"
    loop.symlink_to("loop")
    gone.symlink_to(tmp_path / "missing")
    for path in (loop, gone):
        for check in (check_output_file, check_output_folder):
            with pytest.raises(FileWriteError) as exc:
                check(path, "--out")
            assert one_line(exc) == (f"--out {path}: is a symbolic link that leads nowhere (a loop, or its "
                                     f"target is gone); choose another path")
        with pytest.raises(FileWriteError, match="leads nowhere"):
            write_text(path, "x")
        assert path.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gone", "loop"]


def test_a_write_through_a_symbolic_link_replaces_its_target_and_keeps_the_link(tmp_path):
    (tmp_path / "shots").mkdir()
    target, link = tmp_path / "shots" / "today.png", tmp_path / "latest.png"
    target.write_bytes(b"old")
    link.symlink_to(target)
    write_bytes(link, b"new")
    assert link.is_symlink() and target.read_bytes() == b"new"
    assert leftovers(tmp_path) == [] and leftovers(tmp_path / "shots") == []


def test_generate_into_a_symbolic_link_loop_is_one_line_and_keeps_the_link(tmp_path, capsys):
    loop = tmp_path / "loop"
    loop.symlink_to("loop")
    code, err = generate(capsys, "--out", loop, "--force")
    assert code == 2 and err.count("\n") == 1 and "leads nowhere" in err
    assert loop.is_symlink() and [p.name for p in tmp_path.iterdir()] == ["loop"]


def test_an_output_folder_that_is_a_device_says_so():
    if not (Path("/dev/full").exists() and stat.S_ISCHR(os.stat("/dev/full").st_mode)):
        pytest.skip("needs /dev/full")
    with pytest.raises(FileWriteError) as exc:
        check_output_folder("/dev/full")
    assert one_line(exc) == "--out /dev/full: is a device or other special file, not a folder; choose another path"
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_a_name_at_the_limit_is_written_whole_beside_a_shortened_temporary_name(tmp_path):
    path = tmp_path / ("b" * 250 + ".toml")  # 255 bytes: legal, but ".NAME.tmp" would not be
    assert len(temp_name(path).name.encode()) <= 255 and temp_name(path) != temp_name(tmp_path / ("b" * 251))
    write_text(path, "x")
    with folder_writer(tmp_path / ("c" * 255)) as tmp:
        (tmp / "f").write_text("y")
    assert path.read_text() == "x" and (tmp_path / ("c" * 255) / "f").read_text() == "y"
    assert leftovers(tmp_path) == []


def test_a_name_over_the_limit_is_one_line_from_every_command(tmp_path, capsys):
    import main
    long = str(tmp_path / ("a" * 300))
    for argv in (["generate", "--difficulty", "1", "--out", long], ["solve", long], ["replay", "--text", long],
                 ["play", "--text", "--episodes", long], ["play", "--text", "--world", long]):
        assert main.main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("error: ") and "too long" in err, err
    with pytest.raises(FileWriteError) as exc:
        check_output_file(long + ".png", "--screenshot")
    assert one_line(exc) == f"--screenshot {long}.png: the name is too long; choose another path"
    assert list(tmp_path.iterdir()) == []
