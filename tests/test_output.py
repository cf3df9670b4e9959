"""Stage 6: the output folder is checked before anything is written, then swapped in whole."""
from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

import bantin.output
from bantin.model import Published
from bantin.output import build_lock, check_output_path, write_site
from bantin.render import Page

HINT = "set `output_dir:` in site.yaml to a folder such as _site"


@pytest.fixture
def project(tmp_path):
    project = tmp_path / "project"
    for folder in ("content/2024", "themes/default/templates", "templates"):
        (project / folder).mkdir(parents=True)
    (project / "site.yaml").write_text("title: T\n", encoding="utf-8")
    return project


def _refusal(project, output, force=False):
    return [p.format() for p in check_output_path(project, output, force)]


def _tree(root: Path) -> dict[str, bytes]:
    """Every file below root with its bytes (symlinks and folders by name)."""
    return {path.relative_to(root).as_posix(): (path.read_bytes() if path.is_file() else b"<dir>")
            for path in sorted(root.rglob("*"))}


def test_output_inside_the_project_is_accepted(project):
    assert _refusal(project, project / "_site") == []
    assert _refusal(project, project / "build" / "site") == []


def test_project_folder_is_refused(project):
    assert _refusal(project, project) == [
        f"site.yaml: output folder '{project}' is the project folder or holds it — {HINT}"]


def test_an_ancestor_of_the_project_is_refused_even_with_force(project):
    assert _refusal(project, project.parent, force=True) == [
        f"site.yaml: output folder '{project.parent}' is the project folder or holds it — {HINT}"]


@pytest.mark.parametrize("name", ["content", "themes", "templates"])
def test_source_folders_are_refused(project, name):
    assert _refusal(project, project / name) == [
        f"site.yaml: output folder '{project / name}' is or lies inside {name}/ — {HINT}"]


def test_folder_inside_content_is_refused(project):
    output = project / "content" / "2024" / "_site"

    assert _refusal(project, output) == [
        f"site.yaml: output folder '{output}' is or lies inside content/ — {HINT}"]


def test_dotted_path_into_content_is_refused(project):
    output = project / "_site" / ".." / "content"

    assert _refusal(project, output) == [
        f"site.yaml: output folder '{output}' is or lies inside content/ — {HINT}"]


def test_a_file_is_refused(project):
    (project / "notes.txt").write_text("x", encoding="utf-8")

    assert _refusal(project, project / "notes.txt") == [
        f"site.yaml: output folder '{project / 'notes.txt'}' is a file — {HINT}"]


def test_a_symlink_is_refused(project, tmp_path):
    (tmp_path / "real").mkdir()
    os.symlink(tmp_path / "real", project / "_site")

    assert _refusal(project, project / "_site", force=True) == [
        f"site.yaml: output folder '{project / '_site'}' is a symbolic link — {HINT}"]


def test_a_folder_holding_a_site_yaml_is_refused(project):
    other = project / "other-site"
    other.mkdir()
    (other / "site.yaml").write_text("title: X\n", encoding="utf-8")

    assert _refusal(project, other) == [
        f"site.yaml: output folder '{other}' holds source files (site.yaml, content/ …) — {HINT}"]


def test_outside_the_project_needs_force(project, tmp_path):
    output = tmp_path / "public"

    assert _refusal(project, output) == [
        f"site.yaml: output folder '{output}' lies outside the project — add --force to write there anyway"]
    assert _refusal(project, output, force=True) == []


def test_refusals_name_the_folder_in_the_readers_language_with_a_code(project, tmp_path):
    output = tmp_path / "public"
    [outside] = check_output_path(project, output, shown="../public")
    [option] = check_output_path(project, project / "content", shown="content", where=("", None))

    assert (outside.code, outside.format("vi")) == (
        "output-outside-project", "site.yaml: thư mục kết quả '../public' nằm ngoài thư mục dự án "
        "— thêm --force nếu vẫn muốn ghi vào đó")
    assert (option.code, option.format("vi")) == (
        "output-in-sources", "lỗi: thư mục kết quả 'content' là content/ hoặc nằm trong content/ "
        "— hãy ghi sau --output một thư mục như _site")


def test_home_folder_is_refused_even_with_force(project, tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))

    assert _refusal(project, home, force=True) == [
        f"site.yaml: output folder '{home}' is the root or home folder — {HINT}"]


def test_file_system_root_is_refused(project):
    assert _refusal(project, Path("/"), force=True) == [
        f"site.yaml: output folder '/' is the root or home folder — {HINT}"]


def test_write_site_into_a_new_folder(tmp_path):
    output = tmp_path / "_site"
    pages = [Page("", b"<p>home</p>", "home page"), Page("bai-viet/tin/", b"<p>tin</p>", "content/tin.md"),
             Page("404.html", b"404", "404 page")]
    (tmp_path / "anh.png").write_bytes(b"\x89PNG")
    files = [Published("bai-viet/tin/anh.png", tmp_path / "anh.png", "content/tin/anh.png")]

    count = write_site(output, pages, files)

    assert count == 4
    assert _tree(output) == {"404.html": b"404", "bai-viet": b"<dir>", "bai-viet/tin": b"<dir>",
                             "bai-viet/tin/anh.png": b"\x89PNG", "bai-viet/tin/index.html": b"<p>tin</p>",
                             "index.html": b"<p>home</p>"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site", "anh.png"]


def test_write_site_replaces_stale_pages_and_keeps_git_and_cname(tmp_path):
    output = tmp_path / "_site"
    (output / ".git" / "refs").mkdir(parents=True)
    (output / ".git" / "HEAD").write_bytes(b"ref: refs/heads/gh-pages\n")
    (output / "CNAME").write_bytes(b"tin.example.vn\n")
    (output / "bai-viet" / "cu").mkdir(parents=True)
    (output / "bai-viet" / "cu" / "index.html").write_bytes(b"old")
    (output / "index.html").write_bytes(b"old home")

    write_site(output, [Page("", b"new home", "home page")], [])

    assert _tree(output) == {".git": b"<dir>", ".git/HEAD": b"ref: refs/heads/gh-pages\n",
                             ".git/refs": b"<dir>", "CNAME": b"tin.example.vn\n",
                             "index.html": b"new home"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site"]


def test_a_cname_made_by_the_build_wins_over_the_old_one(tmp_path):
    output = tmp_path / "_site"
    output.mkdir()
    (output / "CNAME").write_bytes(b"old.example.vn\n")

    write_site(output, [Page("CNAME", b"new.example.vn\n", "site.yaml cname")], [])

    assert (output / "CNAME").read_bytes() == b"new.example.vn\n"


def test_failure_mid_write_leaves_the_old_output_untouched(tmp_path):
    output = tmp_path / "_site"
    (output / ".git").mkdir(parents=True)
    (output / ".git" / "HEAD").write_bytes(b"ref: refs/heads/gh-pages\n")
    (output / "index.html").write_bytes(b"old home")
    (output / "bai-viet" / "tin").mkdir(parents=True)
    (output / "bai-viet" / "tin" / "index.html").write_bytes(b"old article")
    before = _tree(output)
    files = [Published("bai-viet/tin/anh.png", tmp_path / "missing.png", "content/tin/anh.png")]

    with pytest.raises(OSError):
        write_site(output, [Page("", b"new home", "home page")], files)

    assert _tree(output) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site"]


def test_failure_with_no_previous_output_leaves_nothing(tmp_path):
    files = [Published("a.png", tmp_path / "missing.png", "content/a.png")]

    with pytest.raises(OSError):
        write_site(tmp_path / "_site", [Page("", b"home", "home page")], files)

    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("url", ["../escape.html", "/etc/passwd", "a/../../escape.html", "a\\..\\b.html"])
def test_write_site_refuses_urls_that_leave_the_output(tmp_path, url):
    output = tmp_path / "_site"
    output.mkdir()
    (output / "index.html").write_bytes(b"old")

    with pytest.raises(ValueError):
        write_site(output, [Page(url, b"x", "evil")], [])

    assert _tree(output) == {"index.html": b"old"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site"]


@pytest.mark.skipif(bantin.output.fcntl is None, reason="without flock a lock file is used")
def test_build_lock_makes_the_parent_and_leaves_no_file(tmp_path):
    output = tmp_path / "deep" / "_site"

    with build_lock(output):
        assert (tmp_path / "deep").is_dir()

    assert not output.exists()
    assert list((tmp_path / "deep").iterdir()) == []  # nothing written outside the output


@pytest.fixture
def without_flock(monkeypatch):
    """build_lock as on Windows: a lock file beside the output, locked by its first byte. The
    byte lock is msvcrt's on Windows; here flock stands in for it, with the same answers."""
    fcntl = pytest.importorskip("fcntl")

    def try_lock(descriptor):
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    monkeypatch.setattr(bantin.output, "fcntl", None)
    monkeypatch.setattr(bantin.output, "_try_lock", try_lock)
    monkeypatch.setattr(bantin.output, "_unlock", lambda descriptor: fcntl.flock(
        descriptor, fcntl.LOCK_UN))


def test_without_flock_a_second_build_waits_on_a_lock_file_beside_the_output(tmp_path,
                                                                              without_flock):
    output = tmp_path / "deep" / "_site"
    entered, leave = threading.Event(), threading.Event()

    def second_build():
        with build_lock(output):
            entered.set()
            leave.wait(10)

    with build_lock(output):
        assert (tmp_path / "deep" / "._site.lock").is_file()
        second = threading.Thread(target=second_build)
        second.start()
        assert not entered.wait(0.5)  # it waits as long as the first build holds the lock
    assert entered.wait(10)  # then builds in turn
    leave.set()
    second.join()

    assert [p.name for p in (tmp_path / "deep").iterdir()] == ["._site.lock"]


@pytest.mark.skipif(os.name != "nt", reason="msvcrt exists only on Windows")
def test_on_windows_the_lock_file_is_held_with_msvcrt(tmp_path):
    lock_path = tmp_path / "._site.lock"
    with bantin.output._lock_file(lock_path):
        other = os.open(lock_path, os.O_RDWR)
        try:
            assert not bantin.output._try_lock(other)
        finally:
            os.close(other)
    other = os.open(lock_path, os.O_RDWR)
    try:
        assert bantin.output._try_lock(other)
        bantin.output._unlock(other)
    finally:
        os.close(other)


@pytest.fixture
def windows_deletion(monkeypatch):
    """os.unlink refusing read-only files, as Windows does (git makes its objects read-only)."""
    real_unlink = os.unlink

    def unlink(path, *, dir_fd=None):
        if not os.stat(path, dir_fd=dir_fd, follow_symlinks=False).st_mode & stat.S_IWRITE:
            raise PermissionError(13, "Access is denied", path)
        real_unlink(path, dir_fd=dir_fd)

    monkeypatch.setattr(os, "unlink", unlink)


def test_read_only_files_of_the_old_output_are_removed_with_it(tmp_path, windows_deletion):
    output = tmp_path / "_site"
    objects = output / ".git" / "objects" / "ab"
    objects.mkdir(parents=True)
    (objects / "cdef").write_bytes(b"blob")
    (objects / "cdef").chmod(0o444)
    (output / "index.html").write_bytes(b"old home")

    write_site(output, [Page("", b"new home", "home page")], [])

    assert _tree(output) == {".git": b"<dir>", ".git/objects": b"<dir>",
                             ".git/objects/ab": b"<dir>", ".git/objects/ab/cdef": b"blob",
                             "index.html": b"new home"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site"]  # no ._site.old-… left


def test_a_read_only_folder_in_the_way_of_a_file_is_removed_or_the_error_is_raised(tmp_path,
                                                                                    windows_deletion):
    folder = tmp_path / "a"
    (folder / "b").mkdir(parents=True)
    (folder / "b" / "c.txt").write_bytes(b"x")
    (folder / "b" / "c.txt").chmod(0o444)

    bantin.output._remove_tree(folder, ignore_errors=False)

    assert not folder.exists()
    with pytest.raises(FileNotFoundError):
        bantin.output._remove_tree(folder, ignore_errors=False)


def test_the_project_git_folder_is_refused(project):
    (project / ".git").mkdir()

    assert _refusal(project, project / ".git") == [
        f"site.yaml: output folder '{project / '.git'}' is or lies inside .git/ — {HINT}"]
    assert _refusal(project, project / ".git" / "site") == [
        f"site.yaml: output folder '{project / '.git' / 'site'}' is or lies inside .git/ — {HINT}"]


def test_a_folder_holding_the_home_folder_is_refused_even_with_force(project, tmp_path, monkeypatch):
    home = tmp_path / "users" / "me"
    home.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))

    assert _refusal(project, tmp_path / "users", force=True) == [
        f"site.yaml: output folder '{tmp_path / 'users'}' holds the home folder — {HINT}"]


def test_folders_left_by_a_killed_build_are_removed_by_the_next(tmp_path):
    output = tmp_path / "_site"
    output.mkdir()
    (output / "index.html").write_bytes(b"old home")
    for name in ("._site.new-4242", "._site.old-4343"):
        (tmp_path / name / "bai-viet").mkdir(parents=True)
    (tmp_path / "._site.new-notapid").mkdir()  # not a name the build makes: left alone
    (tmp_path / "_site-old").mkdir()

    write_site(output, [Page("", b"new home", "home page")], [])

    assert sorted(p.name for p in tmp_path.iterdir()) == ["._site.new-notapid", "_site", "_site-old"]
    assert (output / "index.html").read_bytes() == b"new home"


def test_a_build_killed_mid_swap_gets_the_previous_output_back(tmp_path):
    (tmp_path / "._site.old-4242").mkdir()  # the old output, renamed aside; the new never came
    (tmp_path / "._site.old-4242" / "CNAME").write_bytes(b"tin.example.vn\n")

    write_site(tmp_path / "_site", [Page("", b"new home", "home page")], [])

    assert _tree(tmp_path) == {"_site": b"<dir>", "_site/CNAME": b"tin.example.vn\n",
                               "_site/index.html": b"new home"}


def test_a_git_link_in_the_old_output_is_kept_even_when_it_points_nowhere_yet(tmp_path):
    output = tmp_path / "_site"
    output.mkdir()
    (output / ".git").symlink_to("../worktrees/gh-pages")  # made on another machine

    write_site(output, [Page("", b"new home", "home page")], [])

    assert os.readlink(output / ".git") == "../worktrees/gh-pages"
