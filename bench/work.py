"""Where the benchmark keeps what it builds (``bench/.work/``, gitignored) and how it reuses it."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.dataset import DATA_VERSION

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
WORK_DIR = BENCH_DIR / ".work"
LOG_DIR = WORK_DIR / "logs"
_STARTED = time.monotonic()


def say(message: str) -> None:
    elapsed = time.monotonic() - _STARTED
    print(f"[{int(elapsed // 60):02d}:{int(elapsed % 60):02d}] {message}", flush=True)


def data_dir(system: str) -> Path:
    """The built data of one system for the current data version."""
    path = WORK_DIR / f"data-v{DATA_VERSION}" / system
    path.mkdir(parents=True, exist_ok=True)
    return path


def is_built(system: str, what: str) -> bool:
    return (data_dir(system) / f"{what}.built").exists()


def mark_built(system: str, what: str) -> None:
    (data_dir(system) / f"{what}.built").write_text(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()) + "\n")


def venv(name: str, requirements: Path) -> Path:
    """A virtualenv under ``bench/.work/venvs/`` with ``requirements`` installed; returns its bin/.

    Reinstalled only when the requirements file changes.
    """
    root = WORK_DIR / "venvs" / name
    digest = hashlib.sha256(requirements.read_bytes()).hexdigest()[:16]
    marker = root / f".installed-{digest}"
    if marker.exists():
        return root / "bin"
    say(f"installing {name} from PyPI into {root.relative_to(REPO_DIR)} (first run only)")
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(root)], check=True)
    subprocess.run(
        [str(root / "bin" / "python"), "-m", "pip", "install", "-qq", "-r", str(requirements)],
        check=True,
    )
    marker.write_text(digest + "\n")
    return root / "bin"


def code_snapshot(live: bool) -> tuple[Path, str]:
    """The Masthead source to measure, and its description.

    By default the committed HEAD, exported under ``bench/.work/code/`` and put first on
    PYTHONPATH: a shared working tree may hold half-saved edits, and a result should name the
    commit it measured. ``live`` measures the working tree as it is.
    """
    if live:
        return REPO_DIR / "src", "working tree"
    commit = subprocess.run(
        ["git", "-C", str(REPO_DIR), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    root = WORK_DIR / "code" / commit[:12]
    if not (root / "src" / "masthead").exists():
        if root.parent.exists():
            shutil.rmtree(root.parent)  # older snapshots
        root.mkdir(parents=True)
        archive = subprocess.run(
            ["git", "-C", str(REPO_DIR), "archive", "--format=tar", commit, "src"],
            capture_output=True,
            check=True,
        )
        subprocess.run(["tar", "-x", "-C", str(root)], input=archive.stdout, check=True)
    return root / "src", f"commit {commit[:12]}"
