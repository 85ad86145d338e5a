"""Where the plan documents of ``../shared/seed`` are: beside this checkout, or beside the
repository it was cloned from (a fresh clone for CI sits elsewhere), or where
``INNOPLAN_SEED_DIR`` says. Tests that need them fail, never skip, when none is found."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def _origin() -> Path | None:
    try:
        url = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "remote", "get-url", "origin"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    path = Path(url.removeprefix("file://"))
    return path.resolve() if path.is_absolute() else None


def seed_dir() -> Path:
    candidates = []
    if os.environ.get("INNOPLAN_SEED_DIR"):
        candidates.append(Path(os.environ["INNOPLAN_SEED_DIR"]))
    candidates.append(REPO_ROOT.parent / "shared" / "seed")
    origin = _origin()
    if origin is not None:
        candidates.append(origin.parent / "shared" / "seed")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    pytest.fail(
        "the seed plan documents (../shared/seed) are not here: looked in "
        + ", ".join(str(c) for c in candidates)
        + "; set INNOPLAN_SEED_DIR"
    )


def seed_file(name: str) -> Path:
    path = seed_dir() / name
    if not path.is_file():
        pytest.fail(f"the seed document {path} is missing")
    return path
