"""Load test and speed benchmark for the workbench (a script, not a test).

Starts `alignment serve` on a free loopback port with the default model and a fresh workspace and embedding
cache, then:
- warm-up: uploads one small plan and waits for it, so the model is loaded and the Byråd's tiltak are encoded;
- upload to report: uploads Frogner (the first real plan) and then Alna (a second plan in the warm server), each
  timed from the upload request to "done", against the time the model alone takes to encode the same plan's
  texts in another process (load excluded): the target is at most 1.5 × that encoding time;
- load: 5 concurrent clients save 10 review decisions each (50 saves, each client its own tiltak) on Frogner
  while 3 more plans are uploaded and checked; then checks that the review file holds every client's last save,
  and prints requests per second and the median and p95 save latency.

Run: .venv/bin/python benchmarks/bench_serve.py
"""

from __future__ import annotations

import concurrent.futures
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "alignment" / "data" / "examples"
DRAFTS = ROOT / "data" / "eval" / "drafts"
ALIGNMENT = str(Path(sys.executable).parent / "alignment")
CLIENTS, SAVES = 5, 10

ENCODE_ONLY = """
import sys, time
from alignment.check import extract
from alignment.embed import load_model
from alignment.match import measure_text
from alignment.model_store import default_model_dir
from alignment.textnorm import looks_ocred
measures = extract(sys.argv[1])[1]
repair = looks_ocred([f"{m.title} {m.text}" for m in measures])
texts = list(dict.fromkeys(measure_text(m, True, repair, True) for m in measures))
model = load_model(str(default_model_dir()))
t = time.perf_counter()
model.encode(sorted(texts, key=len, reverse=True), prompt_name="STS", batch_size=16, normalize_embeddings=True)
print(f"{time.perf_counter() - t:.3f} {len(texts)}")
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def upload(client: httpx.Client, token: str, path: Path) -> str:
    response = client.post("/api/plans", data={"token": token}, files={"file": (path.name, path.read_bytes())})
    response.raise_for_status()
    return response.json()["id"]


def wait_done(client: httpx.Client, plan_id: str, timeout: float = 600) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        data = client.get(f"/api/plans/{plan_id}").json()
        if data["state"] != "running":
            if data["state"] != "done":
                raise SystemExit(f"{plan_id}: {data.get('error')}")
            return data
        time.sleep(0.05)
    raise SystemExit(f"{plan_id} still running")


def timed_upload(client, token, path) -> tuple[float, dict]:
    start = time.perf_counter()
    data = wait_done(client, upload(client, token, path))
    return time.perf_counter() - start, data


def encoding_alone(path: Path, env: dict) -> tuple[float, int]:
    out = subprocess.run([sys.executable, "-c", ENCODE_ONLY, str(path)], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    return float(out[0]), int(out[1])


def saver(base: str, tiltak: list[str], client_no: int, seen: int) -> list[tuple[str, str, float]]:
    """One client's saves: (tiltak, comment, seconds) for each, in order."""
    done = []
    with httpx.Client(base_url=base, timeout=60) as client:
        for n in range(SAVES):
            tiltak_id = tiltak[n % len(tiltak)]
            comment = f"klient {client_no} lagring {n}"
            body = {"status": ("covered", "partial", "missing")[n % 3], "evidence": [], "comment": comment,
                    "reviewer": f"Klient {client_no}", "seen": seen, "tab": f"k{client_no}"}
            start = time.perf_counter()
            response = client.put(f"/api/plans/bydel-frogner/review/{tiltak_id}", json=body)
            elapsed = time.perf_counter() - start
            response.raise_for_status()
            seen = response.json()["revision"]
            done.append((tiltak_id, comment, elapsed))
    return done


def printed_key(server: subprocess.Popen) -> str:
    """The key of the link the server prints on its first line (`…?token=KEY`)."""
    import re

    for line in server.stderr:
        match = re.search(r"\?token=([\w-]+)", line)
        if match:
            return match.group(1)
    raise SystemExit("the workbench printed no link")


def main() -> None:
    workspace = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    env = dict(os.environ, ALIGNMENT_CACHE=tempfile.mkdtemp(prefix="bench-cache-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([ALIGNMENT, "serve", "--workspace", str(workspace), "--port", str(port)], env=env,
                              stderr=subprocess.PIPE, text=True)
    try:
        token = printed_key(server)  # the key in the link `alignment serve` prints
        with httpx.Client(base_url=base, timeout=60, headers={"X-Alignment-Token": token}) as client:
            for _ in range(600):
                try:
                    client.get("/api/plans").raise_for_status()
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            warm = Path(workspace) / "oppvarming.md"
            warm.write_text("# Bydel Oppvarming\n\n## Tiltak\n- Kurs for foreldre\n", encoding="utf-8")
            seconds, _ = timed_upload(client, token, warm)
            print(f"warm-up (model load, the Byråd's tiltak encoded, one tiny plan): {seconds:.2f} s")
            for path in (EXAMPLES / "frogner.txt", EXAMPLES / "alna.txt"):
                seconds, data = timed_upload(client, token, path)
                alone, count = encoding_alone(path, env | {"ALIGNMENT_CACHE": tempfile.mkdtemp()})
                print(f"upload → report, {path.name}: {seconds:.2f} s for {len(data['report']['measures'])} measures; "
                      f"encoding its {count} texts alone: {alone:.2f} s; ratio {seconds / alone:.2f}")

            tiltak = [t["id"] for t in client.get("/api/plans/bydel-frogner").json()["report"]["tiltak"]]
            seen = client.get("/api/plans/bydel-frogner").json()["revision"]
            shares = [tiltak[k::CLIENTS] for k in range(CLIENTS)]
            uploads = [DRAFTS / "solhogda.txt", DRAFTS / "fjellvik.docx", DRAFTS / "elvebakken.pdf"]
            start = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(max_workers=CLIENTS + 1) as pool:
                savers = [pool.submit(saver, base, shares[k], k, seen) for k in range(CLIENTS)]

                def uploader():
                    with httpx.Client(base_url=base, timeout=60) as own:
                        return [upload(own, token, path) for path in uploads]

                uploaded = pool.submit(uploader)
                results = [future.result() for future in savers]
                plan_ids = uploaded.result()
            wall = time.perf_counter() - start
            latencies = sorted(seconds for result in results for _, _, seconds in result)
            print(f"load: {len(latencies)} saves from {CLIENTS} clients with {len(uploads)} uploads running: "
                  f"{len(latencies) / wall:.1f} saves/s, median {statistics.median(latencies) * 1000:.0f} ms, "
                  f"p95 {latencies[int(0.95 * (len(latencies) - 1))] * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms")
            review = yaml.safe_load((workspace / "bydel-frogner" / "bydel-frogner.review.yaml").read_text("utf-8"))
            last = {tiltak_id: comment for result in results for tiltak_id, comment, _ in result}
            kept = sum(review["tiltak"][t]["comment"] == comment for t, comment in last.items())
            print(f"review file holds the last save of {kept} of {len(last)} tiltak saved")
            for plan_id in plan_ids:
                wait_done(client, plan_id)
            print(f"the {len(plan_ids)} uploads during the load: all checked")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
