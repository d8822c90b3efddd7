"""Where a result came from: code version, package versions, host, command line, wall times.

:func:`collect_provenance` never fails: without git (or outside a git checkout, or before the
first commit) the commit is ``"unknown"`` and the dirty flag ``None``.
"""

from __future__ import annotations

import datetime as _dt
import platform
import shlex
import socket
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any, Sequence

__all__ = ["collect_provenance", "git_version", "package_versions", "wall_times", "REPO_ROOT", "PACKAGES"]

#: the checkout this code runs from (the directory holding ``experiments/`` and ``circuits/``)
REPO_ROOT = Path(__file__).resolve().parent.parent
#: distributions whose versions every result file records
PACKAGES = ("brian2", "numpy", "scipy", "h5py", "oih-circuits")


def _git(*args: str, root: Path) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10,
                              check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def git_version(root: Path | str = REPO_ROOT) -> dict[str, Any]:
    """``{"commit": sha or "unknown", "dirty": bool or None}`` of the checkout at ``root``.

    ``dirty`` is True when ``git status --porcelain`` lists anything (modified, staged or
    untracked files), None when it cannot be told (no git, not a checkout)."""
    root = Path(root)
    head = _git("rev-parse", "HEAD", root=root)
    status = _git("status", "--porcelain", root=root)
    commit = head.strip() if head and head.strip() else "unknown"
    dirty = None if status is None else bool(status.strip())
    return {"commit": commit, "dirty": dirty}


def package_versions(names: Sequence[str] = PACKAGES) -> dict[str, str]:
    """Installed version of each distribution ("not installed" when absent), plus python."""
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    versions["python"] = platform.python_version()
    return versions


def _now_iso(timestamp: float) -> str:
    return _dt.datetime.fromtimestamp(timestamp, tz=_dt.timezone.utc).isoformat(timespec="milliseconds")


def wall_times(start: float, end: float) -> dict[str, Any]:
    """Wall-clock start and end (ISO 8601, UTC) and duration of a run from ``time.time()`` values."""
    return {"wall_start": _now_iso(start), "wall_end": _now_iso(end), "wall_seconds": float(end - start)}


def command_line(argv: Sequence[str] | None = None) -> list[str]:
    """The command as typed: ``python -m experiments <argv>``, or ``sys.argv`` when not given."""
    if argv is None:
        return [sys.executable, *sys.argv]
    return [Path(sys.executable).name, "-m", "experiments", *argv]


def collect_provenance(argv: Sequence[str] | None = None, *, root: Path | str = REPO_ROOT) -> dict[str, Any]:
    """Everything about the environment of a run (no wall times: add :func:`wall_times`)."""
    git = git_version(root)
    cmd = command_line(argv)
    return {
        "git_commit": git["commit"],
        "git_dirty": git["dirty"],
        "packages": package_versions(),
        "python": sys.version.replace("\n", " "),
        "host": socket.gethostname(),
        "platform": platform.platform(),
        "command_line": shlex.join(cmd),
        "argv": list(cmd),
    }
