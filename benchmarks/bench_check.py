"""Speed benchmark for `alignment check` (a script, not a test).

Prints, as medians over --repeat runs:
- backends: for torch, onnx and onnx-int8 in turn, each in a fresh process with an empty embedding cache:
  the imports the backend needs (torch and sentence-transformers, or onnxruntime and tokenizers, plus the
  tool's own), the model load, the encoding of the plan's and the Byråd's texts, and that process's peak RSS;
  then a cold CLI `check --backend ...` (wall time and peak RSS from /usr/bin/time -v), its speed-up over
  torch's cold `check` and its peak memory as a share of torch's; then the same `check` as the first one after
  `alignment model install` (the Byråd's texts already encoded by that backend) and its speed-up over torch's;
- cold: `alignment check` (the default backend) in a new process with an empty embedding cache;
- warm: the same command again, every embedding cached (no model is loaded);
- first: `check` on a plan after `alignment model install`, which encodes the Byråd's tiltak once, so only
  the plan's measures are encoded;
- stages: ingest, segment, reference, embed, match, report inside one process;
- batch: every bundled plan and draft in one process, one model load;
- peak memory (max RSS) of the cold and warm runs, from /usr/bin/time -v.

With --extraction it prints instead, for a short table plan (Frogner), a 7-page prose plan (Bekkedal) and a
60-page prose plan made from Bekkedal (12 copies) (its chapters repeated, each copy's sentences made distinct so nothing is
encoded twice): pages, words, the measures found (the plan's texts to encode), the extraction time, the encoding
time (model loaded before, no cache), the peak RSS of that process, and a cold CLI `check` (empty cache) with its
ratio to Frogner's. Issue budget: the 7-page prose plan at most 1.5x Frogner's cold check, the 60-page one under
2 minutes.

Run: .venv/bin/python benchmarks/bench_check.py [--plan alignment/data/examples/frogner.txt] [--repeat 3]
     [--only-backends] [--extraction]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLANS = [
    ROOT / "alignment/data/examples/frogner.txt",
    ROOT / "alignment/data/examples/frogner_ocr.txt",
    ROOT / "alignment/data/examples/alna.txt",
    ROOT / "data/eval/drafts/fjellvik.docx",
    ROOT / "data/eval/drafts/elvebakken.pdf",
    ROOT / "data/eval/drafts/solhogda.txt",
]
ALIGNMENT = str(Path(sys.executable).parent / "alignment")


def timed_command(command: list[str], env: dict) -> tuple[float, int]:
    """Wall seconds and peak RSS (kB) of one command, measured by GNU time."""
    result = subprocess.run(["/usr/bin/time", "-v", *command], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{result.stderr[-2000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", result.stderr)
    hours, minutes, seconds = (float(g) if g else 0.0 for g in wall.groups())
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1))
    return hours * 3600 + minutes * 60 + seconds, rss


RAW_ENCODE = """
import resource, sys, time
backend, plan = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
if backend == "torch":
    import torch, sentence_transformers  # what the torch path imports before it can load the model
else:
    import onnxruntime, tokenizers
from alignment.check import extract
from alignment.embed import Embedder
from alignment.match import measure_text
from alignment.reference import load_paraphrases, load_reference
tiltak = load_reference().tiltak
paraphrases = [p for ps in load_paraphrases([t.id for t in tiltak]).values() for p in ps]
texts = [t.text for t in tiltak] + paraphrases + [measure_text(m) for m in extract(plan)[1]]
t1 = time.perf_counter()
embedder = Embedder(backend=backend, use_cache=False)
embedder.load()
t2 = time.perf_counter()
embedder.encode(texts, "STS")
t3 = time.perf_counter()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"{t1 - t0:.3f} {t2 - t1:.3f} {t3 - t2:.3f} {len(set(texts))} {rss}")
"""


def backend_row(backend: str, plan: Path, out: Path) -> dict[str, float]:
    """One backend, each figure in a fresh process: imports, load, encode and peak RSS of the raw
    encode, and wall time and peak RSS of a cold CLI `check` (empty cache)."""
    env = dict(os.environ, ALIGNMENT_CACHE=tempfile.mkdtemp(prefix="bench-cache-"))
    parts = subprocess.run([sys.executable, "-c", RAW_ENCODE, backend, str(plan)], capture_output=True, text=True,
                           check=True, env=env).stdout.split()
    command = [ALIGNMENT, "check", str(plan), "--out", str(out), "--backend", backend]
    cold, cold_rss = timed_command(command, env)
    env = dict(os.environ, ALIGNMENT_CACHE=tempfile.mkdtemp(prefix="bench-cache-"))
    prepare = f"from alignment.check import prepare_reference; prepare_reference(backend={backend!r})"
    subprocess.run([sys.executable, "-c", prepare], env=env, check=True)
    first, _ = timed_command(command, env)
    return {"import": float(parts[0]), "load": float(parts[1]), "encode": float(parts[2]),
            "total": float(parts[0]) + float(parts[1]) + float(parts[2]), "raw RSS MB": int(parts[4]) / 1024,
            "cold check": cold, "check RSS MB": cold_rss / 1024, "first check": first, "texts": int(parts[3])}


def backend_table(plan: Path, repeat: int, out: Path) -> None:
    """Every backend side by side, medians of `repeat` rounds (the backends take turns within a round)."""
    from alignment.model_store import BACKENDS, DEFAULT_BACKEND

    rows: dict[str, list[dict[str, float]]] = {backend: [] for backend in BACKENDS}
    for _ in range(repeat):
        for backend in BACKENDS:
            rows[backend].append(backend_row(backend, plan, out))
    medians = {b: {k: statistics.median(r[k] for r in runs) for k in runs[0]} for b, runs in rows.items()}
    torch = medians["torch"]
    print(f"backends on {plan.relative_to(ROOT)} ({int(torch['texts'])} distinct texts), medians of {repeat}; "
          f"default: {DEFAULT_BACKEND}")
    print(f"{'backend':<10} {'import':>7} {'load':>6} {'encode':>7} {'total':>7} {'raw RSS':>8} "
          f"{'cold check':>11} {'check RSS':>10} {'speed-up':>9} {'RSS share':>10} {'first check':>12} {'speed-up':>9}")
    for backend, m in medians.items():
        print(f"{backend:<10} {m['import']:>6.2f}s {m['load']:>5.2f}s {m['encode']:>6.2f}s {m['total']:>6.2f}s "
              f"{m['raw RSS MB']:>6.0f}MB {m['cold check']:>10.2f}s {m['check RSS MB']:>8.0f}MB "
              f"{torch['cold check'] / m['cold check']:>8.2f}x {m['check RSS MB'] / torch['check RSS MB']:>9.0%} "
              f"{m['first check']:>11.2f}s {torch['first check'] / m['first check']:>8.2f}x")


EXTRACTION_COST = """
import resource, sys, time
t0 = time.perf_counter()
from alignment.ingest import read_document
from alignment.segment import extract_measures
from alignment.segment.account import document_words
from alignment.embed import Embedder
from alignment.match import measure_text
document = read_document(sys.argv[1])
measures = extract_measures(document)
t1 = time.perf_counter()
embedder = Embedder(use_cache=False)
embedder.load()
t2 = time.perf_counter()
embedder.encode([measure_text(m) for m in measures], "STS")
t3 = time.perf_counter()
pages = max((line.page or 0) for line in document.lines) or round(document_words(document) / 450)
print(f"{pages} {document_words(document)} {len(measures)} {t1 - t0:.3f} {t3 - t2:.3f} "
      f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}")
"""


def long_prose_plan(source: Path, target: Path, copies: int = 12) -> Path:
    """A long prose plan: the source's chapters `copies` times, as Markdown, every copy's commitments distinct."""
    import re as regex

    from alignment.ingest import read_document

    lines = read_document(source).lines
    out = ["# Bydel Langdal – ruspolitisk handlingsplan", ""]
    for copy in range(1, copies + 1):
        for line in lines:
            text = line.text.strip()
            if not text or regex.fullmatch(r"(?:side\s+)?\d+(?:\s*(?:av|/)\s*\d+)?", text, regex.IGNORECASE):
                continue
            if line.heading_level:
                number = regex.match(r"(\d+(?:\.\d+)*)\s+(.*)", text)
                title = f"{copy}.{number.group(1)} {number.group(2)}" if number else text
                out += ["", f"{'#' * min(1 + (title.count('.') or 1), 4)} {title}", ""]
            else:
                out.append(regex.sub(r"\b(skal|vil)\b", rf"\1 i delområde {copy}", text))
    target.write_text("\n".join(out) + "\n", encoding="utf-8")
    return target


def extraction_table(repeat: int, out: Path) -> None:
    """Extraction and encoding cost against the plan's size, and cold checks against Frogner's."""
    prose = ROOT / "data/eval/drafts/bekkedal.pdf"
    plans = [("tabellplan (Frogner)", PLANS[0]), ("prosaplan, 7 sider (Bekkedal)", prose),
             ("prosaplan, lang (Bekkedal x12)", long_prose_plan(prose, out / "langdal.md"))]
    print(f"{'plan':<32} {'sider':>5} {'ord':>6} {'tiltak':>6} {'uttrekk':>8} {'koding':>8} {'RSS':>7} "
          f"{'kald check':>11} {'mot Frogner':>12}")
    baseline = None
    for label, plan in plans:
        rows, checks = [], []
        for _ in range(repeat):
            env = dict(os.environ, ALIGNMENT_CACHE=tempfile.mkdtemp(prefix="bench-cache-"))
            rows.append(subprocess.run([sys.executable, "-c", EXTRACTION_COST, str(plan)], capture_output=True,
                                       text=True, check=True, env=env).stdout.split())
            env = dict(os.environ, ALIGNMENT_CACHE=tempfile.mkdtemp(prefix="bench-cache-"))
            checks.append(timed_command([ALIGNMENT, "check", str(plan), "--out", str(out)], env)[0])
        pages, words, measures = (int(v) for v in rows[0][:3])
        extraction = statistics.median(float(r[3]) for r in rows)
        encoding = statistics.median(float(r[4]) for r in rows)
        rss = statistics.median(int(r[5]) for r in rows) / 1024
        check = statistics.median(checks)
        baseline = baseline or check
        print(f"{label:<32} {pages:>5} {words:>6} {measures:>6} {extraction:>7.2f}s {encoding:>7.2f}s {rss:>5.0f}MB "
              f"{check:>10.2f}s {check / baseline:>11.2f}x")


def stage_times(plan: Path) -> dict[str, float]:
    """Seconds per stage in one process with an empty cache."""
    from alignment.embed import Embedder
    from alignment.ingest import read_document
    from alignment.match import Matcher
    from alignment.reference import load_reference
    from alignment.analysis import build_analysis
    from alignment.checklist import load_checklist
    from alignment.render.data import analysis_json_text
    from alignment.render.html import report_html
    from alignment.segment import extract_measures

    times = {}
    t = time.perf_counter()
    document = read_document(plan)
    times["ingest"] = time.perf_counter() - t
    t = time.perf_counter()
    measures = extract_measures(document)
    times["segment"] = time.perf_counter() - t
    t = time.perf_counter()
    reference = load_reference()
    times["reference"] = time.perf_counter() - t
    t = time.perf_counter()
    embedder = Embedder()
    matcher = Matcher(embedder).fit(reference.tiltak)
    scores = matcher.score(measures)
    times["embed (load + encode)"] = time.perf_counter() - t
    t = time.perf_counter()
    from alignment.match import judge

    verdicts, matches = judge(matcher.tiltak_, measures, scores, matcher.settings)
    times["match"] = time.perf_counter() - t
    t = time.perf_counter()
    analysis = build_analysis(document, measures, scores, verdicts, matches, reference, embedder.model_key,
                              matcher.settings, load_checklist())
    _ = report_html(analysis), analysis_json_text(analysis)
    times["analysis + render"] = time.perf_counter() - t
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plan", type=Path, default=PLANS[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only-backends", action="store_true", help="print the backend table alone")
    parser.add_argument("--extraction", action="store_true", help="print the extraction cost table alone")
    args = parser.parse_args()
    out = Path(tempfile.mkdtemp(prefix="bench-out-"))
    if args.extraction:
        extraction_table(args.repeat, out)
        return
    backend_table(args.plan, args.repeat, out)
    if args.only_backends:
        return
    cold, warm, cold_rss, warm_rss, first = [], [], [], [], []
    for _ in range(args.repeat):
        env = dict(os.environ, ALIGNMENT_CACHE=tempfile.mkdtemp(prefix="bench-cache-"))
        seconds, rss = timed_command([ALIGNMENT, "check", str(args.plan), "--out", str(out)], env)
        cold.append(seconds)
        cold_rss.append(rss)
        seconds, rss = timed_command([ALIGNMENT, "check", str(args.plan), "--out", str(out)], env)
        warm.append(seconds)
        warm_rss.append(rss)
        env = dict(os.environ, ALIGNMENT_CACHE=tempfile.mkdtemp(prefix="bench-cache-"))
        subprocess.run([sys.executable, "-c", "from alignment.check import prepare_reference; prepare_reference()"],
                       env=env, check=True)
        first.append(timed_command([ALIGNMENT, "check", str(args.plan), "--out", str(out)], env)[0])
    median = statistics.median
    print(f"default backend, medians of {args.repeat} runs:")
    print(f"cold check: {median(cold):.2f} s, peak RSS {median(cold_rss) / 1024:.0f} MB")
    print(f"warm check: {median(warm):.2f} s, peak RSS {median(warm_rss) / 1024:.0f} MB")
    print(f"first check after `alignment model install` (tiltak already encoded): {median(first):.2f} s")
    os.environ["ALIGNMENT_CACHE"] = tempfile.mkdtemp(prefix="bench-cache-")
    for stage, seconds in stage_times(args.plan).items():
        print(f"stage {stage:<22} {seconds:7.3f} s")
    from alignment.check import check_plan
    from alignment.embed import Embedder
    from alignment.match import Matcher
    from alignment.output import write_report
    from alignment.reference import load_reference

    os.environ["ALIGNMENT_CACHE"] = tempfile.mkdtemp(prefix="bench-cache-")
    t = time.perf_counter()
    embedder = Embedder()
    reference = load_reference()
    matcher = Matcher(embedder).fit(reference.tiltak)
    for plan in PLANS:
        write_report(check_plan(plan, reference=reference, matcher=matcher), out)
    print(f"batch of {len(PLANS)} plans, one process, empty cache: {time.perf_counter() - t:.2f} s "
          f"({embedder.encoded_count} texts encoded)")


if __name__ == "__main__":
    main()
