"""The command line: what it prints, what it writes, and one Norwegian line with the right exit code for every error."""

import json
import os
import socket

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from alignment.check import extract
from alignment.cli import main

from .conftest import ALNA, FROGNER
from .test_review import decide


def _run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _one_line_error(result, code, *fragments):
    assert result.exit_code == code, result.output
    assert result.output.startswith("Feil: "), result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.output


def _commands(group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name)
        if hasattr(command, "commands"):
            yield from _commands(command, (*prefix, name))


@pytest.mark.parametrize("path", list(_commands(main)))
def test_every_command_has_help(path):
    result = CliRunner().invoke(main, [*path, "--help"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output and len(result.output.splitlines()) > 3


def test_extract_prints_the_measures():
    result = CliRunner().invoke(main, ["extract", str(FROGNER)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"frogner: {len(extract(FROGNER)[1])} tiltak")
    assert "MÅL: TILBY HAP (HASJAVVENNINGS-PROGRAM)" in result.output
    assert "ANSVAR: HBU, NAV" in result.output


def test_extract_json():
    result = CliRunner().invoke(main, ["extract", str(ALNA), "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data["measures"]) == len(extract(ALNA)[1]) and data["plan"]["name"] == "alna"


@pytest.fixture(scope="module")
def checked(small_model, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(main, ["check", str(FROGNER), "--out", str(out), "--model", small_model],
                                catch_exceptions=False)
    return out, result


def test_check_writes_html_json_and_a_review_file(checked):
    out, result = checked
    assert result.exit_code == 0, result.output
    assert f"{len(extract(FROGNER)[1])} tiltak funnet" in result.output and "dekket" in result.output
    data = json.loads((out / "frogner.json").read_text(encoding="utf-8"))
    assert len(data["tiltak"]) == 36
    assert (out / "frogner.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (out / "frogner.review.yaml").read_text(encoding="utf-8").startswith("# Vurderingsfil for Bydel Frogner")
    assert [line.split()[-1] for line in result.output.splitlines() if "skrev" in line] == [
        str(out / name) for name in ("frogner.html", "frogner.json", "frogner.review.yaml")]


def test_check_uses_the_review_file_beside_the_report_and_never_rewrites_it(checked, small_model):
    out, _ = checked
    review = out / "frogner.review.yaml"
    decide(review, "5.3.5 B", status="covered", reviewer='"Kari"')
    before = review.read_bytes()
    result = _run("check", FROGNER, "--out", out, "--model", small_model)
    assert result.exit_code == 0 and "1 tiltak avgjort av rådgiver" in result.output
    assert review.read_bytes() == before
    entry = next(t for t in json.loads((out / "frogner.json").read_text(encoding="utf-8"))["tiltak"] if t["id"] == "5.3.5 B")
    assert entry["status"] == "covered" and entry["decided_by"] == "reviewer"


def test_same_input_gives_byte_identical_outputs(small_model, tmp_path):
    for folder in ("a", "b"):
        assert _run("check", FROGNER, "--out", tmp_path / folder, "--model", small_model).exit_code == 0
    for name in ("frogner.html", "frogner.json", "frogner.review.yaml"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def _docx_text(path) -> str:
    import docx

    document = docx.Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_check_writes_a_letter_that_carries_the_review(small_model, tmp_path):
    out = tmp_path / "out"
    first = _run("check", FROGNER, "--out", out, "--model", small_model, "--format", "docx")
    assert first.exit_code == 0, first.output
    assert sorted(p.name for p in out.iterdir()) == ["frogner.review.yaml", "frogner.tilbakemelding.docx"]
    assert "Vurdert av: Maskinell vurdering, ikke gjennomgått av rådgiver" in _docx_text(out / "frogner.tilbakemelding.docx")
    decide(out / "frogner.review.yaml", "5.3.4 E", status="missing", comment='"Ta med ernæring."', reviewer='"Kari"',
           date='"2026-12-03"')
    second = _run("check", FROGNER, "--out", out, "--model", small_model, "--format", "docx", "--draft", "nr. 2")
    assert second.exit_code == 0, second.output
    text = _docx_text(out / "frogner.tilbakemelding.docx")
    assert "Utkast: nr. 2\n" in text
    assert "Vurdert av: Kari (1 av 36 tiltak gjennomgått; resten er maskinens vurdering)" in text
    assert "Vår kommentar: Ta med ernæring." in text


def test_pdf_without_libreoffice_is_refused_before_any_work(small_model, tmp_path, monkeypatch):
    from alignment.render import pdf

    monkeypatch.setattr(pdf, "libreoffice", lambda: None)
    result = _run("check", FROGNER, "--out", tmp_path / "out", "--model", small_model, "--format", "html,pdf")
    _one_line_error(result, 7, "PDF krever LibreOffice", "--format docx")
    assert not (tmp_path / "out").exists()


def test_compare_writes_one_letter_per_district(small_model, tmp_path):
    result = _run("compare", FROGNER, ALNA, "--out", tmp_path, "--model", small_model, "--format", "docx", "--quiet")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alna.tilbakemelding.docx", "frogner.tilbakemelding.docx"]
    assert "Bydel Alna" in _docx_text(tmp_path / "alna.tilbakemelding.docx")


def test_bad_review_file_is_one_line(checked, small_model, tmp_path):
    out, _ = checked
    review = tmp_path / "frogner.review.yaml"
    review.write_text((out / "frogner.review.yaml").read_text(encoding="utf-8").replace('  "5.1.1 B":', '  "9.9 Z":', 1),
                      encoding="utf-8")
    _one_line_error(_run("check", FROGNER, "--out", tmp_path / "o", "--review", review, "--model", small_model), 8,
                    "ukjent tiltak '9.9 Z'")
    _one_line_error(_run("check", FROGNER, "--review", tmp_path / "nei.yaml"), 3, "finner ikke vurderingsfilen")


def test_check_without_model_says_how_to_install(no_default_model, tmp_path):
    result = _run("check", FROGNER, "--out", tmp_path)
    _one_line_error(result, 6, "alignment model install")
    assert not list(tmp_path.iterdir())


def test_plan_without_measures_still_gets_a_report(small_model, tmp_path):
    plan = tmp_path / "utkast.txt"
    plan.write_text("Bydel Testby. Handlingsplan for rusfeltet.\n\nForebygging og oppfølging av unge med "
                    "rusproblemer og deres pårørende er viktig for bydelen.\n", encoding="utf-8")
    result = _run("check", plan, "--out", tmp_path / "out", "--model", small_model)
    assert result.exit_code == 4
    assert "fant ingen tiltak" in result.output
    assert "Fant ingen tiltak i planen" in (tmp_path / "out" / "utkast.html").read_text(encoding="utf-8")


def test_a_file_that_is_not_a_plan_gets_one_line_and_no_report(small_model, tmp_path):
    plan = tmp_path / "roman.txt"
    plan.write_text("Det var en gang en bydel med en park.\n\nSlutt.\n", encoding="utf-8")
    result = _run("check", plan, "--out", tmp_path / "out", "--model", small_model)
    _one_line_error(result, 4, "ser ikke ut som en plan for rusfeltet")
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


@pytest.mark.parametrize("name, content, fragment", [
    ("finnes-ikke.txt", None, "finner ikke filen"),
    ("plan.xls", b"x", "ukjent filtype"),
    ("tom.txt", b"", "filen er tom"),
])
def test_bad_input_is_one_line_with_exit_code_3(tmp_path, name, content, fragment):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    _one_line_error(_run("extract", path), 3, str(path), fragment)


def test_broken_reference_names_file_entry_and_field(tmp_path, small_model):
    reference = tmp_path / "tiltak.yaml"
    reference.write_text("goals: [{id: M1, text: a}]\nstrategies: [{id: S1, text: b}]\nlists:\n"
                         "  - {section: '5.1.1', heading: h, strategy: S1, tiltak: [{id: X, letter: A, owner: staten, text: t}]}\n",
                         encoding="utf-8")
    result = _run("check", FROGNER, "--reference", reference, "--out", tmp_path / "out", "--model", small_model)
    _one_line_error(result, 5, str(reference), "tiltak 'X'", "feltet owner")


def test_unwritable_output_is_exit_7(tmp_path, small_model, monkeypatch):
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    _one_line_error(_run("check", FROGNER, "--out", tmp_path / "out", "--model", small_model), 7,
                    "kan ikke skrive rapporten", "--out")


def test_interrupt_is_exit_130_and_leaves_the_previous_report(checked, small_model, monkeypatch):
    from alignment import output

    out, _ = checked
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(output.os, "fsync", interrupted)
    result = _run("check", FROGNER, "--out", out, "--model", small_model)
    assert result.exit_code == 130 and "Avbrutt." in result.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_internal_error_is_one_line_and_debug_shows_the_traceback(monkeypatch, tmp_path):
    from alignment import check

    def boom(*args, **kwargs):
        raise RuntimeError("uventet")

    monkeypatch.setattr(check, "read_document", boom)
    result = _run("extract", FROGNER)
    assert result.exit_code == 70 and "Intern feil" in result.output and "--debug" in result.output
    result = CliRunner().invoke(main, ["--debug", "extract", str(FROGNER)])
    assert isinstance(result.exception, RuntimeError)


def test_usage_errors_are_exit_2_in_norwegian():
    result = _run("check")
    assert result.exit_code == 2 and result.output.startswith("Feil: Mangler argumentet")
    result = _run("compare", "--format", "odt")
    assert result.exit_code == 2 and "ukjent format odt" in result.output


def test_model_info_mentions_the_licence(no_default_model):
    result = CliRunner().invoke(main, ["model", "info"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "Gemma Terms of Use" in result.output and "alignment model install" in result.output


def test_input_plan_is_never_modified(tmp_path, small_model):
    plan = tmp_path / "frogner.txt"
    plan.write_bytes(FROGNER.read_bytes())
    before = (plan.read_bytes(), os.stat(plan).st_mtime_ns)
    assert _run("check", plan, "--out", tmp_path, "--model", small_model).exit_code == 0
    assert (plan.read_bytes(), os.stat(plan).st_mtime_ns) == before


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_no_network_at_run_time(no_network, tmp_path, small_model):
    result = CliRunner().invoke(main, ["check", str(FROGNER), "--out", str(tmp_path), "--model", small_model],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output


def test_compare_without_plans_uses_the_examples_offline(no_network, small_model, tmp_path):
    result = CliRunner().invoke(main, ["compare", "--out", str(tmp_path), "--model", small_model, "--format", "csv,xlsx"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sammenligning.csv", "sammenligning.xlsx"]
    assert "Bydel Frogner:" in result.output and "Bydel Alna:" in result.output


def test_compare_reports_an_unreadable_plan_and_goes_on(small_model, tmp_path):
    bad = tmp_path / "tom.txt"
    bad.write_text("", encoding="utf-8")
    result = _run("compare", FROGNER, bad, "--out", tmp_path / "out", "--model", small_model, "--quiet")
    assert result.exit_code == 3
    assert "Bydel Frogner:" in result.output and "tom.txt: filen er tom" in result.output
    assert (tmp_path / "out" / "sammenligning.html").exists() and (tmp_path / "out" / "frogner.html").exists()


def test_compare_writes_nothing_when_every_plan_fails(tmp_path, small_model):
    out = tmp_path / "out"
    result = _run("compare", tmp_path / "mangler.txt", "--out", out, "--model", small_model)
    assert result.exit_code == 3 and "ingenting er skrevet" in result.output
    assert not out.exists()


def test_compare_marks_a_reviewers_verdicts(checked, small_model):
    out, _ = checked
    decide(out / "frogner.review.yaml", "5.3.5 C", status="covered", reviewer='"Kari"')
    result = _run("compare", FROGNER, "--out", out, "--model", small_model, "--quiet")
    assert result.exit_code == 0, result.output
    soup = BeautifulSoup((out / "sammenligning.html").read_text(encoding="utf-8"), "html.parser")
    cell = soup.select_one("#rad-5-3-5-C td.cell")
    assert "Dekket" in cell.get_text() and "rådgiver" in cell.get_text()


# --- hostile input through the command line ----------------------------------------------

def test_a_pipe_is_refused_at_once_not_waited_on(tmp_path):
    fifo = tmp_path / "plan.txt"
    os.mkfifo(fifo)
    _one_line_error(_run("extract", fifo), 3, "er ikke en vanlig fil")


def test_an_unreadable_plan_is_exit_3_in_norwegian(tmp_path, monkeypatch):
    from alignment import untrusted

    plan = tmp_path / "plan.txt"
    plan.write_text("Tiltak 1: Kurs\n", encoding="utf-8")
    plan.chmod(0)
    real_open = os.open

    def deny_the_plan(path, *args, **kwargs):  # root reads any file, so the denial is simulated
        if str(path) == str(plan):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(untrusted.os, "open", deny_the_plan)
    _one_line_error(_run("check", plan), 3, "mangler lesetilgang")


def test_a_plan_named_like_an_option_gets_a_hint(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "-B.txt").write_text("Tiltak 1: Kurs\n", encoding="utf-8")
    result = _run("extract", "-B.txt")
    assert result.exit_code == 2 and "Er «-B.txt» et filnavn? Skriv -- foran det:" in result.output
    assert "extract -- -B.txt." in result.output
    assert _run("extract", "--", "-B.txt").exit_code == 0


def test_extract_never_sends_a_plans_escape_sequences_to_the_terminal(tmp_path):
    plan = tmp_path / "plan.txt"
    plan.write_text("Tiltak 1: Kurs \x1b[31mrødt\x1b]0;tittel\x07 for foreldre\n", encoding="utf-8")
    result = _run("extract", plan)
    assert result.exit_code == 0 and "\x1b" not in result.output and "\x07" not in result.output
    assert "\\x1b[31mrødt" in result.output


def test_a_file_name_with_a_line_break_works_twice(small_model, tmp_path):
    plan = tmp_path / "plan\nny.txt"
    plan.write_bytes(FROGNER.read_bytes())
    for _ in range(2):  # the second run reads the review file the first one wrote
        result = _run("check", plan, "--out", tmp_path / "ut", "--model", small_model)
        assert result.exit_code == 0, result.output
    assert all(len(line) < 200 for line in result.output.splitlines()) and "plan\\nny" in result.output


def test_another_plans_review_file_is_refused(checked, small_model, tmp_path):
    out, _ = checked
    alna_out = tmp_path / "alna"
    assert _run("check", ALNA, "--out", alna_out, "--model", small_model).exit_code == 0
    result = _run("check", FROGNER, "--out", tmp_path / "x", "--review", alna_out / "alna.review.yaml",
                  "--model", small_model)
    _one_line_error(result, 8, "gjelder Bydel Alna, ikke Bydel Frogner")


def test_ocr_without_norwegian_tesseract_data_says_which_package(tmp_path, monkeypatch):
    from alignment import ingest

    from .builders import make_image_pdf

    monkeypatch.setattr("shutil.which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(ingest, "_tesseract_reads_norwegian", lambda: False)
    _one_line_error(_run("extract", make_image_pdf(tmp_path / "skannet.pdf"), "--ocr"), 3, "tesseract-ocr-nor")


def test_a_model_name_that_is_not_here_is_one_line_at_once(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    _one_line_error(_run("check", FROGNER, "--out", tmp_path, "--model", "google/ukjent-modell"), 6,
                    "finnes verken som mappe")


def test_serve_on_a_network_address_is_refused_with_one_line(tmp_path):
    result = _run("serve", "--host", "0.0.0.0", "--workspace", tmp_path / "arbeidsmappe")
    _one_line_error(result, 2, "ingen pålogging", "--host 127.0.0.1")
    assert not (tmp_path / "arbeidsmappe").exists()


# --- the team server's commands ----------------------------------------------------------------------

def _team_config(tmp_path, body="") -> "os.PathLike":
    config = tmp_path / "team.toml"
    config.write_text(f'[server]\nworkspace = "arbeidsmappe"\n{body}', encoding="utf-8")
    return config


def _with_password(*args, password="et-langt-nok-passord"):
    return CliRunner().invoke(main, [str(a) for a in args], input=password + "\n")


def test_an_admin_sets_up_users_and_roles_from_the_command_line(tmp_path):
    config = _team_config(tmp_path)
    added = _with_password("users", "add", "Admin", "--role", "admin", "--password-stdin", "--config", config)
    assert added.exit_code == 0 and "admin er laget med rollen admin (alle bydeler)" in added.output
    district = _with_password("users", "add", "fred", "--role", "bydel", "--district", "Bydel Frogner",
                              "--password-stdin", "--config", config)
    assert district.exit_code == 0, district.output
    assert _run("users", "assign", "fred", "--role", "bydel", "--district", "Alna", "--config", config).exit_code == 0
    listed = _run("users", "list", "--config", config).output
    assert "fred  -  lokal konto  bydel (bydel-alna, lokal), bydel (bydel-frogner, lokal)" in listed
    assert "admin  -  lokal konto  admin (alle bydeler, lokal)" in listed
    assert _run("users", "unassign", "fred", "--role", "bydel", "--district", "Alna", "--config", config).exit_code == 0
    database = tmp_path / "arbeidsmappe" / ".team" / "team.sqlite3"
    assert oct(database.stat().st_mode & 0o777) == "0o600"
    assert oct(database.parent.stat().st_mode & 0o777) == "0o700"
    verified = _run("audit", "verify", "--config", config)
    assert verified.exit_code == 0 and "Loggen er hel: 6 oppføringer" in verified.output
    exported = _run("audit", "export", "--config", config).output.splitlines()
    assert [json.loads(line)["action"] for line in exported] == ["bruker_lagt_til", "rolle_gitt", "bruker_lagt_til",
                                                                 "rolle_gitt", "rolle_gitt", "rolle_fjernet"]
    assert {json.loads(line)["actor"] for line in exported} == {f"kommandolinje:{__import__('getpass').getuser()}"}
    assert all("et-langt-nok-passord" not in line for line in exported)


def test_user_commands_refuse_in_one_line(tmp_path):
    config = _team_config(tmp_path)
    _one_line_error(_with_password("users", "add", "kari", "--password-stdin", "--config", config, password="kort"),
                    2, "minst 12 tegn")
    _one_line_error(_with_password("users", "add", "Kari Nordmann", "--password-stdin", "--config", config), 2,
                    "kan ikke brukes")
    _one_line_error(_run("users", "assign", "kari", "--role", "sjef", "--config", config), 2, "Ukjent rolle «sjef»")
    _one_line_error(_run("users", "assign", "kari", "--role", "bydel", "--config", config), 2, "én bydel")
    _one_line_error(_run("users", "remove", "ukjent", "--config", config), 2, "Finner ikke brukeren")
    _one_line_error(_run("users", "list", "--config", tmp_path / "mangler.toml"), 2, "kan ikke lese konfigurasjonen")


def test_a_tampered_audit_log_fails_verify(tmp_path):
    import sqlite3

    config = _team_config(tmp_path)
    _with_password("users", "add", "kari", "--role", "rådgiver", "--password-stdin", "--config", config)
    with sqlite3.connect(tmp_path / "arbeidsmappe" / ".team" / "team.sqlite3") as db:
        db.execute("UPDATE audit SET actor = 'noen' WHERE n = 1")
    _one_line_error(_run("audit", "verify", "--config", config), 1, "oppføring 1 er endret")


def test_serve_refuses_a_team_server_on_the_network_without_secret_and_public_name(tmp_path):
    _one_line_error(_run("serve", "--config", _team_config(tmp_path), "--host", "0.0.0.0"), 2,
                    "trenger en hemmelighet", "public_url")


def test_a_bad_team_configuration_is_one_line(tmp_path):
    _one_line_error(_run("serve", "--config", _team_config(tmp_path, "secret = 'kort'\n")), 2, "for kort")
    _one_line_error(_run("serve", "--config", _team_config(tmp_path, "ukjent = 1\n")), 2, "ukjent innstilling")
    _one_line_error(_run("serve", "--config", _team_config(tmp_path, "[[")), 2, "ikke gyldig TOML")
    secret = tmp_path / "hemmelighet"
    secret.write_text("x" * 40)
    secret.chmod(0o644)
    _one_line_error(_run("serve", "--config", _team_config(tmp_path, f"secret_file = '{secret}'\n")), 2,
                    "chmod 600")


def test_backup_copies_plans_and_the_database(tmp_path):
    config = _team_config(tmp_path)
    _with_password("users", "add", "kari", "--role", "rådgiver", "--password-stdin", "--config", config)
    plan = tmp_path / "arbeidsmappe" / "bydel-frogner"
    plan.mkdir()
    (plan / "plan.json").write_text('{"id": "bydel-frogner", "district": "Bydel Frogner", "versions": []}')
    result = _run("backup", tmp_path / "kopi", "--config", config)
    assert result.exit_code == 0 and "1 planer og teamdatabasen" in result.output
    assert (tmp_path / "kopi" / "bydel-frogner" / "plan.json").exists()
    from alignment.team.store import TeamStore

    copy = TeamStore(tmp_path / "kopi" / ".team" / "team.sqlite3")
    assert [name for name, *_ in copy.users()] == ["kari"] and copy.verify_audit()[1] == ""
    _one_line_error(_run("backup", tmp_path / "kopi", "--config", config), 2, "ikke tom")
