"""The review file an advisor fills in: the machine's verdicts, and the reviewer's fields.

It records the machine's status and evidence when it was made, and the text
of every measure then, so that a review survives a new draft (see
`alignment.review`). Every value from a plan is written as a double-quoted
YAML scalar with whatever YAML could misread escaped, and the comments at
the top are kept on their lines, so a file name or a measure with a line
break in it cannot break the file.
"""

from __future__ import annotations

import re

from ..records import Analysis, Decision, Review
from ..review import measure_review_text

HEADER = """\
# Vurderingsfil for {title}
# Plan: {source}
#
# Her kan en rådgiver bekrefte eller rette maskinens vurdering av hvert av
# Byrådets tiltak. Kjør deretter `alignment check` på planen igjen med samme
# --out: denne filen ved siden av rapporten brukes da. Den kan også
# oppgis med --review. Arbeidsbenken (`alignment serve`) skriver den samme filen.
#
# For hvert tiltak:
#   maskin      maskinens vurdering da filen ble laget (ikke endre).
#   status      din vurdering: covered (dekket), partial (delvis) eller missing
#               (mangler). Tomt = maskinens vurdering gjelder.
#   evidence    tiltak i planen du vil legge til som belegg (M07) eller fjerne
#               (-M07). Numrene står under `tiltak_i_planen` nederst.
#   comment     din kommentar; vises i rapporten.
#   reviewer    ditt navn.       date    dato, f.eks. 2026-11-22.
#
# Nederst kan du rette hva som er tiltak i planen: `tiltak_lagt_til` (tekst
# fra planen som skal leses som tiltak) og `ikke_tiltak` (funn som ikke er det).
#
# Filen skrives bare når den ikke finnes fra før: verktøyet overskriver aldri
# en rådgivers vurderinger. Ved et nytt utkast av planen beholdes vurderingene;
# de som bygger på tekst som er endret eller borte, merkes «trenger ny vurdering».
"""


CORRECTION_ADDED = ("# Tekst fra planen som rådgiveren har gjort til tiltak (verktøyet fant dem ikke selv). "
                    "Legg til med\n#   - text: \"teksten slik den står i planen\"")
CORRECTION_REJECTED = "# Funn som rådgiveren har merket som ikke-tiltak; de er ikke med i vurderingen."


def review_file(analysis: Analysis, review: Review | None = None) -> str:
    """The file for `analysis`: its machine verdicts and measures, and the decisions of `review`.

    `review` must speak of this analysis's measures (see `review.rebase_review`); without one, nothing
    is decided yet.
    """
    decisions = review.decisions if review is not None else {}
    source = analysis.document.source
    lines = [HEADER.format(title=_comment(analysis.plan.title), source=_comment(source)),
             f"plan: {_quoted(source)}", f"bydel: {_quoted(analysis.plan.title)}", "tiltak:"]
    for verdict in analysis.machine_verdicts:
        decision = decisions.get(verdict.tiltak.id) or Decision(verdict.tiltak.id)
        evidence = [e.measure.id for e in verdict.evidence]
        lines += [
            f"  {_quoted(verdict.tiltak.id)}:",
            f"    maskin: {_flow({'status': verdict.status, 'evidence': evidence})}",
            f"    status:{' ' + decision.status if decision.status else ''}",
            f"    evidence: {_flow([*decision.add, *('-' + m for m in decision.remove)])}",
            f"    comment: {_quoted(decision.comment)}",
            f"    reviewer: {_quoted(decision.reviewer)}",
            f"    date: {_quoted(decision.date)}",
        ]
        if decision.stale:
            lines.append(f"    ny_vurdering: {_quoted(decision.stale)}")
    if review is not None and review.changed:
        lines.append("# Tiltak som var endret i dette utkastet, med teksten i utkastet som ble vurdert før.")
        lines.append("endrede_tiltak:")
        lines += [f"  {measure_id}: {_quoted(old)}" for old, measure_id in review.changed]
    if review is not None and review.removed:
        lines.append("# Tiltak i utkastet som ble vurdert før, som er tatt ut av dette.")
        lines.append("fjernede_tiltak:")
        lines += [f"  - {_quoted(old)}" for old in review.removed]
    if review is not None and review.new_measures:
        lines.append("# Tiltak som var nye i dette utkastet da vurderingene ble flyttet over fra forrige utkast.")
        lines.append(f"nye_tiltak: {_flow(list(review.new_measures))}")
    for key, corrections, what in (("tiltak_lagt_til", review.added if review else (), CORRECTION_ADDED),
                                   ("ikke_tiltak", review.rejected if review else (), CORRECTION_REJECTED)):
        lines.append(what)
        lines.append(f"{key}:" if corrections else f"{key}: []")
        for correction in corrections:
            lines += [f"  - text: {_quoted(correction.text)}", f"    reviewer: {_quoted(correction.reviewer)}",
                      f"    date: {_quoted(correction.date)}"]
    lines.append("# Tiltakene i planen slik de lød da filen ble laget (brukes til å se endringer i nye utkast).")
    lines.append("tiltak_i_planen:")
    for measure in analysis.measures:
        lines.append(f"  {measure.id}: {_quoted(measure_review_text(measure))}")
    return "\n".join(lines) + "\n"


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar that reads back as exactly `text` (a test holds it to PyYAML's reading).

    Written here rather than through yaml.safe_dump, which costs half a millisecond a call: a review file
    has some 250 scalars and the workbench writes it on every click.
    """
    if _PLAIN.fullmatch(text):
        return f'"{text}"'
    return '"' + "".join(_ESCAPES.get(ch) or (ch if _yaml_printable(ord(ch)) else _escape(ord(ch))) for ch in text) + '"'


# Text with none of the characters `_quoted` escapes (most of a plan's text) goes in as it is.
_PLAIN = re.compile("[^\"\\\\\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]*")


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _yaml_printable(code: int) -> bool:
    """YAML's printable characters, less the ones it reads as line breaks (NEL, LS, PS) and the BOM."""
    return (0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF) \
        and code not in (0x2028, 0x2029, 0xFEFF)


def _escape(code: int) -> str:
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _flow(value) -> str:
    """Our own tokens (statuses, measure ids like M07 or -M07) in YAML flow style."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_flow(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(value) + "]"
    return str(value)


def _comment(text: str) -> str:
    """Text for a comment line: anything that would end the line is shown escaped."""
    return "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text)
