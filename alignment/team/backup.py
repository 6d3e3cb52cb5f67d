"""`alignment backup`: a consistent copy of a workbench while it serves.

The team database is copied with SQLite's online backup (a snapshot, even
mid-write); each plan's folder under that plan's lock (the lock a running
server takes for every write), so no plan is copied half-saved. Plans
removed from the workbench (`.fjernet`) are copied too.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from ..errors import InputError, UsageError, os_reason
from ..serve.workspace import REMOVED, PlanRemoved, Workspace
from .config import TEAM_FOLDER
from .store import TeamStore, utc_now

SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def backup(workspace: Path, destination: Path, database: Path | None = None) -> dict:
    """Copy `workspace` (and its team database, if any) into `destination`, a new folder; what was copied."""
    if not (workspace / TEAM_FOLDER).is_dir() and not any(workspace.glob("*/plan.json")):
        raise InputError(f"{workspace}: finner ingen arbeidsmappe med planer her. Oppgi den med --workspace eller "
                         "--config.")
    if destination.exists() and any(destination.iterdir()):
        raise UsageError(f"{destination}: mappen finnes og er ikke tom. Velg en ny mappe for sikkerhetskopien.")
    old_mask = os.umask(0o077)
    try:
        destination.mkdir(parents=True, exist_ok=True, mode=0o700)
        plans = _copy_plans(Workspace(workspace), destination)
        team = _copy_team(workspace, destination, database)
        manifest = {"laget": utc_now(), "arbeidsmappe": str(workspace.resolve()), "planer": plans,
                    "database": team}
        (destination / "sikkerhetskopi.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                                         encoding="utf-8")
        return manifest
    except OSError as exc:
        raise InputError(f"{destination}: kan ikke skrive sikkerhetskopien ({os_reason(exc)}).") from exc
    finally:
        os.umask(old_mask)


def _copy_plans(workspace: Workspace, destination: Path) -> list[str]:
    copied = []
    for plan in workspace.plans():
        try:
            with workspace.lock(plan.id):
                shutil.copytree(workspace.folder(plan.id), destination / plan.id,
                                ignore=shutil.ignore_patterns(".lock", ".*.tmp"))
        except PlanRemoved:
            continue  # removed while we copied: it is under .fjernet now
        copied.append(plan.id)
    removed = workspace.root / REMOVED
    if removed.is_dir():
        shutil.copytree(removed, destination / REMOVED, ignore=shutil.ignore_patterns(".lock", ".*.tmp"))
    return copied


def _copy_team(workspace: Path, destination: Path, database: Path | None) -> str:
    folder = workspace / TEAM_FOLDER
    database = database or folder / "team.sqlite3"
    if not folder.is_dir() and not database.exists():
        return ""
    target = destination / TEAM_FOLDER
    target.mkdir(mode=0o700, exist_ok=True)
    if folder.is_dir():
        for path in folder.iterdir():
            if path.is_file() and not any(path.name == database.name + s for s in SQLITE_SUFFIXES):
                shutil.copy2(path, target / path.name)
    if database.exists():
        TeamStore(database).backup(target / database.name)
        return str(target / database.name)
    return ""
