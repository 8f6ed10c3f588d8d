"""On-disk layout of a store directory, and the atomic switch from one build to the next.

    STORE/
      current -> builds/20261127T130501-1234   (symlink; replaced atomically)
      builds/<id>/oxigraph/   the pyoxigraph database
      builds/<id>/dumps/      TriG, N-Quads, Turtle, ontology dumps served under /dumps/
      builds/<id>/build.json  summary of the build (counts, time, namespace)

A build writes a new directory beside the old one and only then repoints `current`
(rename of a symlink is atomic on POSIX), so a killed build never damages what is served.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class StoreLayout:
    root: Path

    @property
    def current(self) -> Path:
        return self.root / "current"

    @property
    def builds(self) -> Path:
        return self.root / "builds"

    @property
    def lock_path(self) -> Path:
        """Held by a build while it carries the updates graph over and switches builds, and
        by the server while it applies an update, so no update falls between the two."""
        return self.root / ".lock"

    def current_build(self) -> Path | None:
        """The build being served, or None when the directory holds no finished build."""
        if not self.current.is_symlink() and not self.current.is_dir():
            return None
        target = self.current.resolve()
        return target if (target / "build.json").exists() else None

    def oxigraph_dir(self, build: Path | None = None) -> Path:
        base = build or self.current
        return base / "oxigraph"

    def dumps_dir(self, build: Path | None = None) -> Path:
        base = build or self.current
        return base / "dumps"

    def summary(self, build: Path | None = None) -> dict:
        path = (build or self.current) / "build.json"
        return json.loads(path.read_text(encoding="utf-8"))

    def new_build(self) -> Path:
        """A fresh, empty build directory (not yet served)."""
        self.builds.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        path = self.builds / f"{stamp}-{os.getpid()}-{time.monotonic_ns() % 100000}"
        path.mkdir()
        return path

    def activate(self, build: Path) -> None:
        """Point `current` at `build` in one atomic rename, then drop older builds.

        The build's files are flushed to disk first, so a power cut right after the switch
        cannot leave `current` pointing at data still in the page cache.
        """
        for path in [*sorted(build.rglob("*")), build]:
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        tmp_link = self.root / f".current-{os.getpid()}"
        if tmp_link.is_symlink() or tmp_link.exists():
            tmp_link.unlink()
        tmp_link.symlink_to(build.relative_to(self.root))
        os.replace(tmp_link, self.current)
        self._fsync_dir(self.root)
        self.prune(keep=build)

    def prune(self, keep: Path) -> None:
        """Remove finished builds other than `keep`, and leftovers of dead builders.

        A build still being written by another live process is left alone. A server that
        still has an old build open keeps reading it: the OS frees removed files only when
        the last reader closes them.
        """
        for link in self.root.glob(".current-*"):  # left by a build killed mid-switch
            pid = link.name.removeprefix(".current-")
            if not _builder_alive(f"x-{pid}-0"):
                link.unlink(missing_ok=True)
        if not self.builds.exists():
            return
        for child in self.builds.iterdir():
            if child.resolve() == keep.resolve():
                continue
            finished = (child / "build.json").exists()
            if finished or not _builder_alive(child.name):
                shutil.rmtree(child, ignore_errors=True)

    def discard(self, build: Path) -> None:
        shutil.rmtree(build, ignore_errors=True)

    @staticmethod
    def _fsync_dir(path: Path) -> None:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _builder_alive(name: str) -> bool:
    """Is the process that created build directory `name` (stamp-pid-n) still running?"""
    parts = name.split("-")
    if len(parts) < 3 or not parts[1].isdigit():
        return False
    try:
        os.kill(int(parts[1]), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return int(parts[1]) != os.getpid()


@contextmanager
def store_lock(lock_path: Path) -> Iterator[None]:
    """An exclusive lock between processes (builds and a writing server) on one store."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
