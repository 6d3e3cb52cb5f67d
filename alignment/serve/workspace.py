"""The workbench's folder: each plan, its drafts, their analyses and its review file, as plain files.

    arbeidsmappe/
      bydel-frogner/
        plan.json                   district and drafts (number, file, uploaded, sha256)
        versjoner/1-frogner.txt     each uploaded draft, under a safe name
        versjoner/1-frogner.json    its analysis as `alignment check` writes it
        versjoner/3-skannet.tolket.pdf  for a scanned draft, its OCR'd copy (read instead of OCR'ing again)
        bydel-frogner.review.yaml   the review file, the same format the CLI reads and writes
      .fjernet/bydel-test-2026-12-04-101500/   a plan removed from the workbench, moved here whole

So `alignment check arbeidsmappe/bydel-frogner/versjoner/2-frogner.docx --review
arbeidsmappe/bydel-frogner/bydel-frogner.review.yaml` gives the report the
workbench shows. Writes go through `output` (atomic), and each plan has a
lock (a thread lock and a file lock), so two tabs, two server processes or
a crash never leave a half-written file.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import json
import os
import re
import threading
import unicodedata
from dataclasses import asdict
from datetime import datetime
from pathlib import Path, PurePosixPath, PureWindowsPath

from ..output import write_files, write_once
from ..records import PlanVersion, WorkspacePlan
from ..textnorm import fold
from ..untrusted import read_regular_file

DEFAULT_WORKSPACE = "arbeidsmappe"
PLAN_FILE = "plan.json"
VERSIONS = "versjoner"
REMOVED = ".fjernet"  # never a plan id: ids start with a letter or digit
MAX_PLAN_FILE_BYTES = 1024 * 1024
MAX_NAME_CHARS = 80
# Oslo's fifteen districts, for guessing a plan's district from its file name.
DISTRICTS = ("Alna", "Bjerke", "Frogner", "Gamle Oslo", "Grorud", "Grünerløkka", "Nordre Aker", "Nordstrand", "Sagene",
             "St. Hanshaugen", "Stovner", "Søndre Nordstrand", "Ullern", "Vestre Aker", "Østensjø")


class PlanRemoved(Exception):
    """The plan's folder was moved aside (removed from the workbench) while a request waited for it."""


def plan_id(district: str) -> str:
    """A folder name for a district: 'Bydel Frogner' → 'bydel-frogner' (the same district, the same plan)."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(district)).strip("-")[:MAX_NAME_CHARS]
    return slug or "plan"


def safe_file_name(name: str) -> str:
    """An uploaded file's name, safe to store: no folders ('../../x.txt' → 'x.txt'), no odd characters."""
    base = unicodedata.normalize("NFKC", PureWindowsPath(PurePosixPath(name).name).name)
    suffix = re.sub(r"[^a-z0-9]", "", Path(base).suffix.lower())
    stem = re.sub(r"[^\w\-]+", "_", base[: len(base) - len(Path(base).suffix)]).strip("._")[:MAX_NAME_CHARS] or "plan"
    return f"{stem}.{suffix}" if suffix else stem


def guess_district(file_name: str) -> str:
    """'frogner-utkast.docx' → 'Bydel Frogner'; empty when no district's name is in it."""
    folded = fold(Path(file_name).stem).replace("_", " ").replace("-", " ")
    for district in sorted(DISTRICTS, key=len, reverse=True):
        if fold(district) in folded:
            return f"Bydel {district}"
    return ""


class Workspace:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._locks: dict[str, threading.Lock] = {}
        self._locks_lock = threading.Lock()

    def folder(self, plan_id: str) -> Path:
        return self.root / plan_id

    def review_path(self, plan: WorkspacePlan) -> Path:
        return self.folder(plan.id) / f"{plan.id}.review.yaml"

    def version_path(self, plan: WorkspacePlan, version: PlanVersion) -> Path:
        return self.folder(plan.id) / version.file

    def text_layer_path(self, plan: WorkspacePlan, version: PlanVersion) -> Path:
        return self.version_path(plan, version).with_suffix(".tolket.pdf")

    def plans(self) -> list[WorkspacePlan]:
        plans = []
        for folder in sorted(p for p in self.root.iterdir() if p.is_dir()):
            plan = self.plan(folder.name)
            if plan is not None:
                plans.append(plan)
        return plans

    def plan(self, plan_id: str) -> WorkspacePlan | None:
        if plan_id != plan_id_from_url(plan_id):
            return None
        try:
            raw = json.loads(read_regular_file(self.folder(plan_id) / PLAN_FILE, MAX_PLAN_FILE_BYTES))
            versions = tuple(PlanVersion(**version) for version in raw["versions"])
            return WorkspacePlan(str(raw["id"]), str(raw["district"]), versions)
        except (OSError, ValueError, KeyError, TypeError):
            return None  # not a plan folder, or one the workbench did not make

    @contextlib.contextmanager
    def lock(self, plan_id: str, create: bool = False):
        """This plan, for this thread and this process alone (also against a second server on the same folder).

        Only a check storing a draft creates the plan's folder. Anything else finding the folder gone,
        or moved aside while it waited (the lock file it holds is no longer the folder's), raises
        PlanRemoved, so nothing is written into a removed plan or a ghost folder.
        """
        with self._locks_lock:
            thread_lock = self._locks.setdefault(plan_id, threading.Lock())
        with thread_lock:
            folder = self.folder(plan_id)
            while True:
                if create:
                    folder.mkdir(parents=True, exist_ok=True)
                try:
                    handle = open(folder / ".lock", "a")
                except FileNotFoundError:
                    raise PlanRemoved(plan_id) from None
                with handle:
                    fcntl.flock(handle, fcntl.LOCK_EX)
                    if _same_file(handle, folder / ".lock"):
                        yield
                        return
                if not create:
                    raise PlanRemoved(plan_id)

    def remove(self, plan_id: str, when: datetime) -> Path:
        """Move the plan's folder whole to .fjernet/ (moving it back restores the plan). Hold the lock."""
        removed = self.root / REMOVED
        removed.mkdir(exist_ok=True)
        stamp = f"{plan_id}-{when.strftime('%Y-%m-%d-%H%M%S')}"
        target = next(removed / name for name in itertools.chain([stamp], (f"{stamp}-{n}" for n in itertools.count(2)))
                      if not (removed / name).exists())
        os.rename(self.folder(plan_id), target)
        return target

    def next_version(self, plan_id: str, district: str, upload_name: str, sha256: str, uploaded: str,
                     ocr: bool) -> tuple[WorkspacePlan, PlanVersion]:
        """The plan (new or known) and the draft an upload becomes; nothing is written yet. Hold the lock."""
        plan = self.plan(plan_id) or WorkspacePlan(plan_id, district)
        number = len(plan.versions) + 1
        version = PlanVersion(number, f"{VERSIONS}/{number}-{safe_file_name(upload_name)}", upload_name, uploaded,
                              sha256, ocr)
        return WorkspacePlan(plan.id, plan.district, (*plan.versions, version)), version

    def store_version(self, plan: WorkspacePlan, version: PlanVersion, data: bytes, analysis_json: str,
                      text_layer: bytes | None = None) -> None:
        """Write a checked draft: its file, its OCR'd copy if any, its analysis, then the plan's list of drafts.

        Hold the lock. A crash before the list is written leaves an unlisted file, never a listed one
        that is missing.
        """
        path = self.version_path(plan, version)
        if not write_once(path, data):
            raise FileExistsError(path)
        files: dict[Path, str | bytes] = {path.with_suffix(".json"): analysis_json}
        if text_layer is not None:
            files[self.text_layer_path(plan, version)] = text_layer
        write_files(files)
        self._write_plan(plan)

    def _write_plan(self, plan: WorkspacePlan) -> None:
        data = {"id": plan.id, "district": plan.district, "versions": [asdict(v) for v in plan.versions]}
        write_files({self.folder(plan.id) / PLAN_FILE: json.dumps(data, ensure_ascii=False, indent=2) + "\n"})


def _same_file(handle, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(handle.fileno()), os.stat(path))
    except FileNotFoundError:
        return False


def plan_id_from_url(text: str) -> str:
    """Only ids the workbench makes ([a-z0-9-]) name a folder; anything else names none."""
    return text if re.fullmatch(r"[a-z0-9][a-z0-9-]{0,79}", text) else ""
