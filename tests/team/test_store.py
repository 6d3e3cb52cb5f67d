"""The team database: accounts, sessions, failed logins, role sync, migrations."""

import sqlite3

import pytest

from alignment.errors import UsageError
from alignment.team.store import FREE_FAILURES, StoreError, TeamStore


@pytest.fixture
def store(tmp_path):
    return TeamStore(tmp_path / ".team" / "team.sqlite3")


def test_passwords_are_argon2id_and_never_stored_as_given(store):
    store.add_user("kari", "et-langt-passord")
    with sqlite3.connect(store.path) as db:
        stored = db.execute("SELECT password FROM users").fetchone()[0]
    assert stored.startswith("$argon2id$") and "et-langt-passord" not in stored
    assert store.check_password("kari", "et-langt-passord") and not store.check_password("kari", "feil-passord-her")
    assert not store.check_password("ukjent", "et-langt-passord")
    with pytest.raises(UsageError, match="finnes alt"):
        store.add_user("KARI", "et-annet-passord")


def test_a_new_password_ends_the_users_sessions(store):
    store.add_user("kari", "et-langt-passord")
    session, _ = store.start_session("kari", 1)
    assert store.principal(session).name == "kari"
    store.set_password("kari", "et-nytt-langt-passord")
    assert store.principal(session) is None


def test_failed_logins_wait_longer_each_time(store):
    keys = ["navn:kari", "adresse:10.0.0.1"]
    for _ in range(FREE_FAILURES - 1):
        store.record_failure(keys)
    assert store.wait_before_login(keys) == 0
    store.record_failure(keys)
    first = store.wait_before_login(keys)
    store.record_failure(keys)
    assert 0 < first < store.wait_before_login(keys)
    store.clear_failures("navn:kari")
    assert store.wait_before_login(["navn:kari"]) == 0


def test_the_providers_groups_replace_what_the_last_login_gave_and_leave_local_roles(store):
    store.assign("kari", "admin", "*")
    store.sync_assignments("kari", {("rådgiver", "*")}, "oidc")
    store.sync_assignments("kari", {("bydel", "bydel-alna")}, "oidc")
    assert [(a.role, a.scope, a.source) for a in store.assignments("kari")] == [
        ("admin", "*", "lokal"), ("bydel", "bydel-alna", "oidc")]
    assert [(e.actor, e.action) for e in store.audit()] == [("kari", "rolle_gitt"), ("oidc", "rolle_gitt"),
                                                            ("oidc", "rolle_fjernet"), ("oidc", "rolle_gitt")]
    assert store.verify_audit()[1] == ""


def test_a_database_from_a_newer_version_is_refused(store):
    with sqlite3.connect(store.path) as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreError, match="nyere versjon"):
        TeamStore(store.path)


def test_migrations_are_numbered_and_run_once(store):
    assert store.schema_version == 1
    assert TeamStore(store.path).schema_version == 1
