"""The workbench's folder: each plan, its drafts, their analyses and its review file, as plain files.

    arbeidsmappe/
      bydel-frogner/
        plan.json                   district and drafts (number, file, uploaded, sha256)
        versjoner/1-frogner.txt     each uploaded draft, under a safe name
        versjoner/1-frogner.json    its analysis as `alignment check` writes it
        versjoner/3-skannet.tolket.pdf  for a scanned draft, its OCR'd copy (read instead of OCR'ing again)
        bydel-frogner.review.yaml   the review file, the same format the CLI reads and writes
        historikk.jsonl             every decision, appended (who, when, before, after): undo and rebuild
        kommentarer.jsonl           a team server's comments between the district and KoRus, appended
        publisert/2/                an assessment as published to the district (a team server), never changed:
                                    publisering.json, rapport.html, rapport.json, vurdering.yaml, tilbakemelding.docx
      .fjernet/bydel-test-2026-12-04-101500/   a plan removed from the workbench, moved here whole

So `alignment check arbeidsmappe/bydel-frogner/versjoner/2-frogner.docx --review
arbeidsmappe/bydel-frogner/bydel-frogner.review.yaml` gives the report the
workbench shows. Writes go through `output` (atomic), and each plan has a
lock (a thread lock and a file lock), so two tabs, two server processes or
a crash never leave a half-written file. What a crash can leave (a
temporary file, a draft written but never listed) is cleaned at start, and
nothing is written that the workbench would refuse to read back (plan.json
stays far under its size limit).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import itertools
import json
import os
import re
import shutil
import tempfile
import threading
import unicodedata
from dataclasses import asdict
from datetime import datetime
from pathlib import Path, PurePosixPath, PureWindowsPath

from ..errors import AlignmentError
from ..output import write_files, write_once
from ..records import PlanVersion, Publication, WorkspacePlan
from ..textnorm import fold
from ..untrusted import read_regular_file

DEFAULT_WORKSPACE = "arbeidsmappe"
PLAN_FILE = "plan.json"
HISTORY_FILE = "historikk.jsonl"  # every decision, appended: who, when, before and after
COMMENTS_FILE = "kommentarer.jsonl"
PUBLISHED = "publisert"
PUBLICATION_FILE = "publisering.json"
MAX_COMMENTS_BYTES = 4 * 1024 * 1024
VERSIONS = "versjoner"
REMOVED = ".fjernet"  # never a plan id: ids start with a letter or digit
MAX_PLAN_FILE_BYTES = 1024 * 1024
MAX_NAME_CHARS = 80
# An upload's own name as plan.json keeps it, and how many drafts a plan may have: with both capped, plan.json
# stays under MAX_PLAN_FILE_BYTES however the names are made (a draft's entry is at most about 2.2 KB: a name of
# 255 characters each escaped as \uXXXX, a stored name of 80 four-byte characters), so no upload can push it
# over the limit the workbench reads it with. A test holds the two together.
MAX_UPLOAD_NAME_CHARS = 255
MAX_SUFFIX_CHARS = 10
MAX_VERSIONS = 400
# Oslo's fifteen districts, for guessing a plan's district from its file name.
DISTRICTS = ("Alna", "Bjerke", "Frogner", "Gamle Oslo", "Grorud", "Grünerløkka", "Nordre Aker", "Nordstrand", "Sagene",
             "St. Hanshaugen", "Stovner", "Søndre Nordstrand", "Ullern", "Vestre Aker", "Østensjø")


class PlanRemoved(Exception):
    """The plan's folder was moved aside (removed from the workbench) while a request waited for it."""


class TooManyDrafts(AlignmentError):
    """A plan has as many drafts as plan.json may list; another would make a file the workbench cannot read."""

    http_status = 409


def plan_id(district: str) -> str:
    """A folder name for a district: 'Bydel Frogner' → 'bydel-frogner' (the same district, the same plan)."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(district)).strip("-")[:MAX_NAME_CHARS]
    return slug or "plan"


def safe_file_name(name: str) -> str:
    """An uploaded file's name, safe to store: no folders ('../../x.txt' → 'x.txt'), no odd characters."""
    base = unicodedata.normalize("NFKC", PureWindowsPath(PurePosixPath(name).name).name)
    suffix = re.sub(r"[^a-z0-9]", "", Path(base).suffix.lower())[:MAX_SUFFIX_CHARS]
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

    def history_path(self, plan: WorkspacePlan) -> Path:
        return self.folder(plan.id) / HISTORY_FILE

    def append_history(self, plan: WorkspacePlan, entry: dict) -> None:
        """Add one decision to the plan's history (hold the plan's lock): a JSON line, on disk before this returns.

        The history is only ever appended to; it is what undo goes back through, and what the review file is
        rebuilt from if that is lost.
        """
        line = json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n"
        with open(self.history_path(plan), "a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())

    def history(self, plan: WorkspacePlan) -> list[dict]:
        """The plan's decisions in the order they were made, each numbered (`n`) by its line in the file, which
        never changes since the file is only appended to; a line a crash cut short is left out."""
        try:
            text = self.history_path(plan).read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return []
        entries = []
        for number, line in enumerate(text.splitlines(), start=1):
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict) and isinstance(entry.get("tiltak"), str):
                entries.append({**entry, "n": number})
        return entries

    def append_comment(self, plan: WorkspacePlan, entry: dict) -> None:
        """Add a comment to the plan's conversation (hold the plan's lock); refused when the file is full."""
        path = self.folder(plan.id) / COMMENTS_FILE
        line = json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n"
        if (path.stat().st_size if path.exists() else 0) + len(line.encode()) > MAX_COMMENTS_BYTES:
            raise TooManyDrafts(f"Planen «{plan.district}» har så mange kommentarer som arbeidsbenken tar vare på.")
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())

    def comments(self, plan: WorkspacePlan) -> list[dict]:
        path = self.folder(plan.id) / COMMENTS_FILE
        try:
            text = read_regular_file(path, MAX_COMMENTS_BYTES).decode("utf-8", "replace")
        except FileNotFoundError:
            return []
        entries = []
        for line in text.splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # a line a crash cut short
            if isinstance(entry, dict):
                entries.append(entry)
        return entries

    def publications(self, plan: WorkspacePlan) -> list[Publication]:
        """The assessments published to the district, oldest first."""
        folder = self.folder(plan.id) / PUBLISHED
        found = []
        for meta in sorted((p for p in folder.glob(f"*/{PUBLICATION_FILE}") if p.parent.name.isdigit()),
                           key=lambda p: int(p.parent.name)):
            try:
                raw = json.loads(read_regular_file(meta, MAX_PLAN_FILE_BYTES))
                found.append(Publication(**{**raw, "files": tuple(raw["files"])}))
            except (OSError, ValueError, KeyError, TypeError):
                continue
        return found

    def publication_path(self, plan: WorkspacePlan, number: int, name: str) -> Path | None:
        """A published file, when that version lists it (never a path the URL makes up)."""
        for publication in self.publications(plan):
            if publication.number == number and name in publication.files:
                return self.folder(plan.id) / PUBLISHED / str(number) / name
        return None

    def next_publication(self, plan: WorkspacePlan) -> int:
        """The number the next published version gets: after every folder there is, readable or not."""
        folder = self.folder(plan.id) / PUBLISHED
        numbers = [int(p.name) for p in folder.iterdir() if p.name.isdigit()] if folder.is_dir() else []
        return max(numbers, default=0) + 1

    def store_publication(self, plan: WorkspacePlan, publication: Publication, files: dict[str, str | bytes]) -> Path:
        """Write a published version whole (hold the lock): into a new folder beside, then renamed into place, so
        a version is only ever seen complete, and a crash leaves nothing under a number. Never written again."""
        published = self.folder(plan.id) / PUBLISHED
        published.mkdir(exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".ny-", dir=published))
        try:
            write_files({staging / name: content for name, content in files.items()})
            meta = json.dumps({**asdict(publication), "files": list(publication.files)}, ensure_ascii=False, indent=2)
            write_files({staging / PUBLICATION_FILE: meta + "\n"})
            target = published / str(publication.number)
            os.rename(staging, target)  # refused if the number is taken: a version is never replaced
            return target
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

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
                    handle = _open_lock(folder / ".lock")
                except FileNotFoundError:
                    raise PlanRemoved(plan_id) from None
                if handle is None:  # a read-only workspace: nothing can be written, so readers need no file lock
                    yield
                    return
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
        if len(plan.versions) >= MAX_VERSIONS:
            raise TooManyDrafts(f"Planen «{plan.district}» har {MAX_VERSIONS} utkast, som er det meste arbeidsbenken "
                                "fører opp. Fjern planen (filene tas vare på) og last opp det nyeste utkastet på nytt.")
        number = len(plan.versions) + 1
        version = PlanVersion(number, f"{VERSIONS}/{number}-{safe_file_name(upload_name)}",
                              upload_name[:MAX_UPLOAD_NAME_CHARS], uploaded, sha256, ocr)
        return WorkspacePlan(plan.id, plan.district, (*plan.versions, version)), version

    def store_version(self, plan: WorkspacePlan, version: PlanVersion, data: bytes, analysis_json: str,
                      text_layer: bytes | None = None) -> None:
        """Write a checked draft: its file, its OCR'd copy if any, its analysis, then the plan's list of drafts.

        Hold the lock. A crash before the list is written leaves an unlisted file, never a listed one
        that is missing; such a leftover has this draft's number, and is replaced (under the lock, no one
        else is writing it).
        """
        path = self.version_path(plan, version)
        if not write_once(path, data):
            path.unlink()  # an unlisted draft a crash left behind
            if not write_once(path, data):
                raise FileExistsError(path)
        files: dict[Path, str | bytes] = {path.with_suffix(".json"): analysis_json}
        if text_layer is not None:
            files[self.text_layer_path(plan, version)] = text_layer
        write_files(files)
        self._write_plan(plan)

    def clean(self) -> list[Path]:
        """Remove what a crash (kill -9, power loss) left in the plans' folders; the paths removed.

        That is our own temporary files (`.name.XXXX.tmp`, from `output`) and drafts never listed in
        plan.json (written, but the crash came before the list). Each plan is cleaned under its lock, so
        a second server's write in progress is never touched. A folder that cannot be cleaned (a
        read-only workspace) is left as it is: the leftovers are never read.
        """
        removed: list[Path] = []
        for plan in self.plans():
            try:
                with self.lock(plan.id):
                    removed += self._clean_plan(plan)
            except (OSError, PlanRemoved):
                continue
        return removed

    def _clean_plan(self, plan: WorkspacePlan) -> list[Path]:
        folder = self.folder(plan.id)
        listed = {self.version_path(plan, v) for v in plan.versions}
        keep = listed | {p.with_suffix(".json") for p in listed} | {self.text_layer_path(plan, v) for v in plan.versions}
        leftovers = [p for p in (*folder.glob(".*.tmp"), *(folder / VERSIONS).glob(".*.tmp")) if p.is_file()]
        drafts = folder / VERSIONS
        if drafts.is_dir():
            leftovers += [p for p in drafts.iterdir() if p.is_file() and p not in keep and p not in leftovers
                          and re.match(r"\d+-", p.name)]
        for path in leftovers:
            path.unlink(missing_ok=True)
        staged = list((folder / PUBLISHED).glob(".ny-*")) if (folder / PUBLISHED).is_dir() else []
        for path in staged:  # a publication a crash left half-written: it was never renamed into place
            shutil.rmtree(path, ignore_errors=True)
        return leftovers + staged

    def _write_plan(self, plan: WorkspacePlan) -> None:
        data = {"id": plan.id, "district": plan.district, "versions": [asdict(v) for v in plan.versions]}
        write_files({self.folder(plan.id) / PLAN_FILE: json.dumps(data, ensure_ascii=False, indent=2) + "\n"})


def _open_lock(path: Path):
    """The lock file, open for locking; None in a workspace that cannot be written (read-only, no access)."""
    try:
        return open(path, "a")
    except FileNotFoundError:
        raise
    except OSError as exc:
        if exc.errno not in (errno.EROFS, errno.EACCES, errno.EPERM):
            raise
    try:
        return open(path, "rb")  # flock works on a file opened for reading too
    except FileNotFoundError:
        if path.parent.is_dir():
            return None
        raise
    except OSError:
        return None


def _same_file(handle, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(handle.fileno()), os.stat(path))
    except FileNotFoundError:
        return False


def plan_id_from_url(text: str) -> str:
    """Only ids the workbench makes ([a-z0-9-]) name a folder; anything else names none."""
    return text if re.fullmatch(r"[a-z0-9][a-z0-9-]{0,79}", text) else ""
