"""Speed benchmark for `alignment check` (a script, not a test).

Prints, as medians over --repeat runs:
- cold: `alignment check` in a new process with an empty embedding cache (imports, model load, encode);
- warm: the same command again, every embedding cached (torch is not imported);
- first: `check` on a plan after `alignment model install`, which encodes the Byråd's tiltak once, so only
  the plan's measures are encoded;
- raw: model load and `model.encode` of the very same texts, in a fresh process, so cold / raw is the
  tool's overhead as a ratio; printed against load + encode alone and against the whole raw process,
  whose imports of torch and sentence-transformers any use of the model pays;
- stages: ingest, segment, reference, embed, match, report inside one process;
- batch: every bundled plan and draft in one process, one model load;
- peak memory (max RSS) of the cold and warm runs, from /usr/bin/time -v.

Run: .venv/bin/python benchmarks/bench_check.py [--plan alignment/data/examples/frogner.txt] [--repeat 3]
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
import sys, time
t0 = time.perf_counter()
from sentence_transformers import SentenceTransformer
import torch
from alignment.check import extract
from alignment.match import measure_text
from alignment.reference import load_paraphrases, load_reference
from alignment.model_store import default_model_dir
tiltak = load_reference().tiltak
paraphrases = [p for ps in load_paraphrases([t.id for t in tiltak]).values() for p in ps]
texts = [t.text for t in tiltak] + paraphrases + [measure_text(m) for m in extract(sys.argv[1])[1]]
t1 = time.perf_counter()
model = SentenceTransformer(str(default_model_dir()), device="cpu", model_kwargs={"torch_dtype": torch.float32})
t2 = time.perf_counter()
model.encode(list(dict.fromkeys(texts)), prompt_name="STS", batch_size=16, normalize_embeddings=True)
t3 = time.perf_counter()
print(f"{t1 - t0:.3f} {t2 - t1:.3f} {t3 - t2:.3f} {len(set(texts))}")
"""


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
    args = parser.parse_args()
    out = Path(tempfile.mkdtemp(prefix="bench-out-"))
    cold, warm, cold_rss, warm_rss, raw, first = [], [], [], [], [], []
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
        t = time.perf_counter()
        parts = subprocess.run([sys.executable, "-c", RAW_ENCODE, str(args.plan)], capture_output=True, text=True,
                               check=True).stdout.split()
        raw_total = time.perf_counter() - t
        raw.append((raw_total, float(parts[1]), float(parts[2]), int(parts[3]), float(parts[0])))
    median = statistics.median
    load_encode = median(r[1] + r[2] for r in raw)
    print(f"plan: {args.plan.relative_to(ROOT)} ({raw[0][3]} distinct texts), medians of {args.repeat} runs")
    print(f"cold check: {median(cold):.2f} s, peak RSS {median(cold_rss) / 1024:.0f} MB")
    print(f"warm check: {median(warm):.2f} s, peak RSS {median(warm_rss) / 1024:.0f} MB")
    print(f"first check after `alignment model install` (tiltak already encoded): {median(first):.2f} s")
    print(f"raw: model load {median(r[1] for r in raw):.2f} s + encode {median(r[2] for r in raw):.2f} s "
          f"= {load_encode:.2f} s (process incl. imports {median(r[0] for r in raw):.2f} s)")
    print(f"raw imports (torch, sentence-transformers) and text preparation: {median(r[4] for r in raw):.2f} s")
    print(f"cold / (load + encode) = {median(cold) / load_encode:.2f}")
    print(f"cold / whole raw process (imports + load + encode) = {median(cold) / median(r[0] for r in raw):.2f}")
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
