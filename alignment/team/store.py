"""The team server's database (SQLite, beside the workspace's plan files): accounts, role assignments,
sessions, failed logins and the audit log.

Every write is one transaction, so two server processes or the CLI beside a
running server never see half of a change; WAL lets pages read while a save
writes. Migrations are numbered (`PRAGMA user_version`) and run in order at
open. The audit log is append-only and chained: each entry carries the hash
of the one before, so `verify_audit` finds an entry that was altered or
removed in place. The file, and its folder, are readable by the service's
own user only.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import re
import secrets
import sqlite3
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ..errors import AlignmentError, UsageError, os_reason
from .config import checked_role
from ..records import AuditEntry, Principal, RoleAssignment

MIGRATIONS = (
    """
    CREATE TABLE users (name TEXT PRIMARY KEY, display TEXT NOT NULL DEFAULT '', password TEXT,
                        created TEXT NOT NULL);
    CREATE TABLE assignments (principal TEXT NOT NULL, role TEXT NOT NULL, scope TEXT NOT NULL,
                              source TEXT NOT NULL DEFAULT 'lokal', PRIMARY KEY (principal, role, scope));
    CREATE TABLE sessions (id TEXT PRIMARY KEY, principal TEXT NOT NULL, csrf TEXT NOT NULL, created TEXT NOT NULL,
                           expires TEXT NOT NULL);
    CREATE TABLE failures (key TEXT NOT NULL, at REAL NOT NULL);
    CREATE INDEX failures_by_key ON failures (key, at);
    CREATE TABLE audit (n INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
                        plan TEXT NOT NULL, target TEXT NOT NULL, before TEXT NOT NULL, after TEXT NOT NULL,
                        previous TEXT NOT NULL, hash TEXT NOT NULL);
    CREATE INDEX audit_by_plan ON audit (plan, n);
    """,
    # 2: who logged in through the identity provider under a name (its issuer and subject), so a name is never
    # taken over by another of the provider's accounts
    """
    CREATE TABLE oidc_subjects (name TEXT PRIMARY KEY, subject TEXT NOT NULL UNIQUE, first_seen TEXT NOT NULL);
    """,
)
NAME = re.compile(r"^[a-z0-9][a-z0-9._@+-]{0,99}$")
MIN_PASSWORD_CHARS = 12
FAILURE_WINDOW_SECONDS = 15 * 60
FREE_FAILURES = 5  # wrong passwords for one name before each further try must wait (twice as long each time)
FREE_FAILURES_PER_ADDRESS = 20  # from one address (an office behind one address has many users)
MAX_WAIT_SECONDS = 15 * 60


class StoreError(AlignmentError):
    """The team database cannot be used (a newer version's, unreadable, locked too long)."""

    exit_code = 5
    http_status = 503


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def entry_hash(n: int, at: str, actor: str, action: str, plan: str, target: str, before: str, after: str,
               previous: str) -> str:
    canonical = json.dumps([n, at, actor, action, plan, target, before, after, previous], ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class TeamStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            self.path.parent.chmod(0o700)
            if not self.path.exists():
                os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
            self.path.chmod(0o600)
        except OSError as exc:
            raise StoreError(f"{self.path}: kan ikke bruke databasen ({os_reason(exc)}).") from exc
        self._migrate()

    @contextlib.contextmanager
    def _db(self, write: bool = False):
        """A connection for one transaction (IMMEDIATE when it writes, so writers queue instead of failing)."""
        try:
            connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: kan ikke åpne databasen ({exc}).") from exc
        try:
            connection.execute("PRAGMA busy_timeout = 30000")
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            yield connection
            connection.execute("COMMIT")
        except BaseException as exc:
            with contextlib.suppress(sqlite3.Error):
                connection.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"{self.path}: teamdatabasen svarer ikke ({exc}). Prøv igjen om litt; meld fra til "
                                 "administratoren om det varer.") from exc
            raise
        finally:
            connection.close()

    def _migrate(self) -> None:
        try:
            connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            try:
                connection.execute("PRAGMA journal_mode = WAL")
                connection.execute("BEGIN IMMEDIATE")
                version = connection.execute("PRAGMA user_version").fetchone()[0]
                if version > len(MIGRATIONS):
                    raise StoreError(f"{self.path}: databasen er laget av en nyere versjon av alignment "
                                     f"(versjon {version}). Oppdater alignment.")
                for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                    for statement in filter(str.strip, script.split(";")):
                        connection.execute(statement)
                    connection.execute(f"PRAGMA user_version = {number}")
                connection.execute("COMMIT")
            finally:
                connection.close()
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: kan ikke bruke databasen ({exc}).") from exc

    @property
    def schema_version(self) -> int:
        with self._db() as db:
            return db.execute("PRAGMA user_version").fetchone()[0]

    # --- accounts --------------------------------------------------------------------------------

    def add_user(self, name: str, password: str | None, display: str = "", actor: str = "") -> None:
        """A local account (a password) or one that logs in through the identity provider only (None)."""
        name = checked_name(name)
        hashed = hash_password(password) if password is not None else None
        with self._db(write=True) as db:
            if db.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
                raise UsageError(f"Brukeren «{name}» finnes alt. Bruk `alignment users password {name}` for nytt "
                                 "passord.")
            db.execute("INSERT INTO users (name, display, password, created) VALUES (?, ?, ?, ?)",
                       (name, display.strip()[:200], hashed, utc_now()))
            self._append(db, actor or name, "bruker_lagt_til", "", name, None,
                         {"navn": name, "visningsnavn": display, "passord": password is not None})

    def set_password(self, name: str, password: str, actor: str = "") -> None:
        name = checked_name(name)
        hashed = hash_password(password)
        with self._db(write=True) as db:
            if not db.execute("UPDATE users SET password = ? WHERE name = ?", (hashed, name)).rowcount:
                raise UsageError(f"Finner ikke brukeren «{name}». Se `alignment users list`.")
            db.execute("DELETE FROM sessions WHERE principal = ?", (name,))
            self._append(db, actor or name, "passord_endret", "", name, None, None)

    def remove_user(self, name: str, actor: str = "") -> None:
        """The account, its role assignments and its sessions go; what it did stays in the log."""
        name = checked_name(name)
        with self._db(write=True) as db:
            before = self._assignments(db, name)
            if not db.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount and not before:
                raise UsageError(f"Finner ikke brukeren «{name}». Se `alignment users list`.")
            db.execute("DELETE FROM assignments WHERE principal = ?", (name,))
            db.execute("DELETE FROM sessions WHERE principal = ?", (name,))
            self._append(db, actor or name, "bruker_fjernet", "", name, [_row(a) for a in before], None)

    def users(self) -> list[tuple[str, str, bool, tuple[RoleAssignment, ...]]]:
        """Every account and every principal with a role: (name, display, has a password, assignments)."""
        with self._db() as db:
            accounts = {row[0]: (row[1], row[2] is not None)
                        for row in db.execute("SELECT name, display, password FROM users")}
            names = sorted(set(accounts) | {row[0] for row in db.execute("SELECT principal FROM assignments")})
            return [(name, *accounts.get(name, ("", False)), self._assignments(db, name)) for name in names]

    def check_password(self, name: str, password: str) -> bool:
        """Whether the account exists, has a password and it is this one (the same work either way)."""
        with self._db() as db:
            row = db.execute("SELECT password FROM users WHERE name = ?", (name.strip().lower(),)).fetchone()
        return verify_password(row[0] if row and row[0] else None, password)

    def has_password(self, name: str) -> bool:
        """Whether `name` logs in with a password here (not only through the identity provider)."""
        with self._db() as db:
            row = db.execute("SELECT password FROM users WHERE name = ?", (name,)).fetchone()
            return row is not None and row[0] is not None

    # --- role assignments: the one table that says who may do what ---------------------------------

    def assign(self, principal: str, role: str, scope: str, actor: str = "", source: str = "lokal") -> bool:
        principal = checked_name(principal)
        role, scope = checked_role(role, scope)
        with self._db(write=True) as db:
            added = db.execute("INSERT OR IGNORE INTO assignments (principal, role, scope, source) VALUES (?, ?, ?, ?)",
                               (principal, role, scope, source)).rowcount
            if added:
                self._append(db, actor or principal, "rolle_gitt", "", principal, None,
                             _row(RoleAssignment(principal, role, scope, source)))
        return bool(added)

    def unassign(self, principal: str, role: str, scope: str, actor: str = "") -> bool:
        principal = checked_name(principal)
        with self._db(write=True) as db:
            removed = db.execute("DELETE FROM assignments WHERE principal = ? AND role = ? AND scope = ?",
                                 (principal, role, scope)).rowcount
            if removed:
                self._append(db, actor or principal, "rolle_fjernet", "", principal,
                             {"rolle": role, "omfang": scope}, None)
        return bool(removed)

    def sync_assignments(self, principal: str, wanted: set[tuple[str, str]], source: str) -> None:
        """Make `principal`'s assignments from `source` exactly `wanted` ((role, scope) pairs), logging each change:
        the identity provider's groups, read at each login, replace what the previous login gave."""
        wanted = {checked_role(role, scope) for role, scope in wanted}
        with self._db(write=True) as db:
            have = {(a.role, a.scope) for a in self._assignments(db, principal) if a.source == source}
            for role, scope in sorted(have - wanted):
                db.execute("DELETE FROM assignments WHERE principal = ? AND role = ? AND scope = ? AND source = ?",
                           (principal, role, scope, source))
                self._append(db, source, "rolle_fjernet", "", principal, {"rolle": role, "omfang": scope}, None)
            for role, scope in sorted(wanted - have):
                if db.execute("INSERT OR IGNORE INTO assignments (principal, role, scope, source) VALUES (?, ?, ?, ?)",
                              (principal, role, scope, source)).rowcount:  # not when an admin gave it already
                    self._append(db, source, "rolle_gitt", "", principal, None,
                                 _row(RoleAssignment(principal, role, scope, source)))

    def bind_subject(self, name: str, subject: str) -> str:
        """Tie `name` to the identity provider's account (`issuer|sub`) at its first login; "" when it is that
        account's, else why not: the name is a local account with a password, or another account's already."""
        with self._db(write=True) as db:
            row = db.execute("SELECT password FROM users WHERE name = ?", (name,)).fetchone()
            if row is not None and row[0] is not None:
                return "lokal konto"
            bound = db.execute("SELECT subject FROM oidc_subjects WHERE name = ?", (name,)).fetchone()
            if bound is not None:
                return "" if bound[0] == subject else "en annen konto hos påloggingstjenesten"
            if db.execute("SELECT 1 FROM oidc_subjects WHERE subject = ?", (subject,)).fetchone():
                return "kontoen er knyttet til et annet brukernavn"
            db.execute("INSERT INTO oidc_subjects (name, subject, first_seen) VALUES (?, ?, ?)",
                       (name, subject, utc_now()))
            return ""

    def assignments(self, principal: str) -> tuple[RoleAssignment, ...]:
        with self._db() as db:
            return self._assignments(db, principal)

    @staticmethod
    def _assignments(db, principal: str) -> tuple[RoleAssignment, ...]:
        rows = db.execute("SELECT principal, role, scope, source FROM assignments WHERE principal = ? "
                          "ORDER BY role, scope", (principal,))
        return tuple(RoleAssignment(*row) for row in rows)

    # --- sessions ----------------------------------------------------------------------------------

    def start_session(self, principal: str, hours: float) -> tuple[str, str]:
        """A new session: its id (for the cookie; only its hash is stored) and its CSRF token."""
        session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = datetime.now(timezone.utc)
        with self._db(write=True) as db:
            db.execute("DELETE FROM sessions WHERE expires < ?", (now.isoformat(timespec="seconds"),))
            db.execute("INSERT INTO sessions (id, principal, csrf, created, expires) VALUES (?, ?, ?, ?, ?)",
                       (_id_hash(session_id), principal, csrf, now.isoformat(timespec="seconds"),
                        (now + timedelta(hours=hours)).isoformat(timespec="seconds")))
        return session_id, csrf

    def principal(self, session_id: str) -> Principal | None:
        """Who a session acts as, with their assignments as they are now; None for an unknown or expired one."""
        key = _id_hash(session_id)
        with self._db() as db:
            row = db.execute("SELECT principal, csrf, expires FROM sessions WHERE id = ?", (key,)).fetchone()
            if row is None or row[2] < utc_now():
                return None
            return Principal(row[0], self._assignments(db, row[0]), csrf=row[1], session=key, team=True)

    def end_session(self, session_hash: str) -> None:
        with self._db(write=True) as db:
            db.execute("DELETE FROM sessions WHERE id = ?", (session_hash,))

    # --- failed logins -----------------------------------------------------------------------------

    def attempt(self, keys: list[str]) -> tuple[int, list[int]]:
        """Begin a login try: the seconds it must wait first (none for the first wrong ones in the window,
        FREE_FAILURES for a name and FREE_FAILURES_PER_ADDRESS for an address, then twice as long after each, up
        to MAX_WAIT_SECONDS), or, when it need not, the failures it is counted as until it succeeds (`succeeded`).

        Counting a try before it is checked, in the same transaction as the wait is read, means a burst of tries
        at once is slowed down like tries one after another."""
        now = time.time()
        longest = 0.0
        with self._db(write=True) as db:
            db.execute("DELETE FROM failures WHERE at < ?", (now - FAILURE_WINDOW_SECONDS,))
            for key in keys:
                free = FREE_FAILURES_PER_ADDRESS if key.startswith("adresse:") else FREE_FAILURES
                times = [row[0] for row in db.execute("SELECT at FROM failures WHERE key = ? ORDER BY at", (key,))]
                if len(times) >= free:
                    wait = min(2 ** (len(times) - free + 1), MAX_WAIT_SECONDS)
                    longest = max(longest, times[-1] + wait - now)
            if longest > 0:
                return int(longest + 0.999), []
            return 0, [db.execute("INSERT INTO failures (key, at) VALUES (?, ?)", (key, now)).lastrowid
                       for key in keys]

    def succeeded(self, counted: list[int], name_key: str) -> None:
        """A login that held: its try is not a failure, and the name's earlier failures are forgotten."""
        with self._db(write=True) as db:
            db.executemany("DELETE FROM failures WHERE rowid = ?", [(n,) for n in counted])
            db.execute("DELETE FROM failures WHERE key = ?", (name_key,))

    # --- the audit log -----------------------------------------------------------------------------

    def log(self, actor: str, action: str, plan: str = "", target: str = "", before=None, after=None) -> AuditEntry:
        with self._db(write=True) as db:
            return self._append(db, actor, action, plan, target, before, after)

    @staticmethod
    def _append(db, actor: str, action: str, plan: str, target: str, before, after) -> AuditEntry:
        """Append in the caller's transaction (IMMEDIATE: no other writer between reading the head and writing)."""
        head = db.execute("SELECT n, hash FROM audit ORDER BY n DESC LIMIT 1").fetchone()
        n, previous = (head[0] + 1, head[1]) if head else (1, "")
        fields = (n, utc_now(), actor, action, plan, target, _json(before), _json(after), previous)
        entry = AuditEntry(*fields, entry_hash(*fields))
        db.execute("INSERT INTO audit (n, at, actor, action, plan, target, before, after, previous, hash) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", fields + (entry.hash,))
        return entry

    def audit(self, plan: str | None = None, since: int = 0) -> list[AuditEntry]:
        with self._db() as db:
            if plan is None:
                rows = db.execute("SELECT * FROM audit WHERE n > ? ORDER BY n", (since,))
            else:
                rows = db.execute("SELECT * FROM audit WHERE plan = ? AND n > ? ORDER BY n", (plan, since))
            return [AuditEntry(*row) for row in rows]

    def verify_audit(self) -> tuple[int, str]:
        """How many entries hold together, and what is wrong at the first that does not ("" when none is)."""
        previous, count = "", 0
        for entry in self.audit():
            fields = (entry.n, entry.at, entry.actor, entry.action, entry.plan, entry.target, entry.before,
                      entry.after, entry.previous)
            if entry.n != count + 1:
                return count, f"oppføring {count + 1} mangler (neste er {entry.n})"
            if entry.previous != previous:
                return count, f"oppføring {entry.n} peker ikke på oppføringen før"
            if not hmac.compare_digest(entry_hash(*fields), entry.hash):
                return count, f"oppføring {entry.n} er endret etter at den ble skrevet"
            previous, count = entry.hash, count + 1
        return count, ""

    # --- backup ------------------------------------------------------------------------------------

    def backup(self, destination: Path) -> None:
        """A consistent copy of the database while the server writes to it (SQLite's online backup)."""
        source = sqlite3.connect(self.path, timeout=30)
        try:
            target = sqlite3.connect(destination)
            try:
                source.backup(target)
            finally:
                target.close()
        finally:
            source.close()


def checked_name(name: str) -> str:
    clean = name.strip().lower()
    if not NAME.match(clean):
        raise UsageError(f"Brukernavnet «{name}» kan ikke brukes: bruk små bokstaver a–z, tall og . _ @ + - "
                         "(høyst 100 tegn), f.eks. kari.nordmann eller kari@oslo.kommune.no.")
    return clean


def hash_password(password: str) -> str:
    from argon2 import PasswordHasher

    if len(password) < MIN_PASSWORD_CHARS:
        raise UsageError(f"Passordet er for kort: bruk minst {MIN_PASSWORD_CHARS} tegn.")
    return PasswordHasher().hash(password)  # Argon2id, argon2-cffi's recommended parameters


_DUMMY_HASH: list[str] = []


def verify_password(hashed: str | None, password: str) -> bool:
    """Argon2id verification; against a dummy hash when there is no account, so a wrong name takes as long."""
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    if not _DUMMY_HASH:
        _DUMMY_HASH.append(PasswordHasher().hash(secrets.token_urlsafe(16)))
    try:
        return PasswordHasher().verify(hashed or _DUMMY_HASH[0], password) and hashed is not None
    except (VerificationError, InvalidHashError):
        return False


def _id_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8", "replace")).hexdigest()


def _json(value) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _row(assignment: RoleAssignment) -> dict:
    return {"rolle": assignment.role, "omfang": assignment.scope, "kilde": assignment.source}
