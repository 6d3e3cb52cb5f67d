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


def test_failed_logins_wait_longer_each_time_and_a_burst_counts_like_a_row(store):
    keys = ["navn:kari", "adresse:10.0.0.1"]
    for _ in range(FREE_FAILURES):  # tries counted before they are checked (as a burst at once would be)
        assert store.attempt(keys)[0] == 0
    first, counted = store.attempt(keys)
    assert first > 0 and counted == []
    with sqlite3.connect(store.path) as db:
        db.execute("UPDATE failures SET at = at - 3")  # the wait has passed
    assert store.attempt(keys)[0] == 0
    assert store.attempt(keys)[0] > first


def test_a_login_that_holds_is_not_a_failure(store):
    keys = ["navn:kari", "adresse:10.0.0.1"]
    for _ in range(FREE_FAILURES - 1):
        store.attempt(keys)
    _, counted = store.attempt(keys)
    store.succeeded(counted, "navn:kari")
    assert store.attempt(["navn:kari"])[0] == 0
    with sqlite3.connect(store.path) as db:
        assert db.execute("SELECT count(*) FROM failures WHERE key = 'adresse:10.0.0.1'").fetchone()[0] == 4


def test_the_providers_groups_replace_what_the_last_login_gave_and_leave_local_roles(store):
    store.assign("kari", "admin", "*")
    store.sync_assignments("kari", {("rådgiver", "*")}, "oidc")
    store.sync_assignments("kari", {("bydel", "bydel-alna")}, "oidc")
    assert [(a.role, a.scope, a.source) for a in store.assignments("kari")] == [
        ("admin", "*", "lokal"), ("bydel", "bydel-alna", "oidc")]
    assert [(e.actor, e.action, e.plan) for e in store.audit()] == [
        ("kari", "rolle_gitt", ""), ("oidc", "rolle_gitt", ""), ("oidc", "rolle_fjernet", ""), ("oidc", "rolle_gitt", "")]
    store.sync_assignments("kari", {("admin", "*"), ("bydel", "bydel-alna")}, "oidc")  # admin: given locally already
    assert len(store.audit()) == 4
    assert store.verify_audit()[1] == ""


def test_a_database_from_a_newer_version_is_refused(store):
    with sqlite3.connect(store.path) as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreError, match="nyere versjon"):
        TeamStore(store.path)


def test_migrations_are_numbered_and_run_once(store):
    assert store.schema_version == 2
    assert TeamStore(store.path).schema_version == 2


def test_a_name_is_bound_to_the_first_provider_account_that_logs_in_with_it(store):
    store.add_user("lokal", "et-langt-passord")
    store.add_user("fra-oidc", None)
    assert store.bind_subject("lokal", "https://idp|1") == "lokal konto"
    assert store.bind_subject("fra-oidc", "https://idp|2") == ""
    assert store.bind_subject("fra-oidc", "https://idp|2") == ""
    assert store.bind_subject("fra-oidc", "https://idp|3") != ""
    assert store.bind_subject("annen", "https://idp|2") != ""


def test_a_locked_or_broken_database_is_one_line(store, tmp_path):
    store.path.write_bytes(b"ikke en database" * 100)
    with pytest.raises(StoreError, match="teamdatabasen svarer ikke|kan ikke bruke databasen"):
        store.users()
