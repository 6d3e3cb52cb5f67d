"""How many key presses and clicks a full review of Alna takes, from the machine's verdicts to the labels (a script).

Starts the workbench in this process on a free loopback port, with the default model and a fresh workspace, makes
every save slow (`--delay`, default 0.3 s), uploads Alna, and lets a scripted advisor in Chromium review every
tiltak with the keyboard, a key every 50 ms, in Byrådet's order:

- the labels' status is the machine's: `y` (the machine is right, recorded as the advisor's);
- otherwise the status key (`1` Dekket, `2` Delvis, `3` Mangler);
- a tiltak the labels call addressed whose card lacks every labelled evidence measure: the measure is added from
  the card's candidates (`a` when it is the best candidate, else one click on its button), or else found with the
  card's search (one click to open it, the typed words, one click to add);
- the advisor moves with the verdict keys themselves (they move on) and `j` after an evidence click.

Then it checks from the workbench's JSON that every decision is the labelled one, and prints the count of key
presses and clicks (typed search words counted a key a letter). Issue 21's budget: at most 45.

Run: .venv/bin/python benchmarks/bench_review_keys.py [--delay 0.3] [--model NAME]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
ALNA = ROOT / "alignment/data/examples/alna.txt"
GOLD = ROOT / "data/eval/gold/alna.yaml"
KEYS = {"covered": "1", "partial": "2", "missing": "3"}
KEY = "nokkel-for-maalingen"  # the key of the workbench's link


def start_server(workspace: Path, model: str | None, delay: float) -> tuple[str, object]:
    import uvicorn

    from alignment.serve.app import create_app
    from alignment.serve.checker import Checker
    from alignment.serve.server import _bind, server_config

    original = Checker.save

    def slow_save(self, *args, **kwargs):
        time.sleep(delay)
        return original(self, *args, **kwargs)

    Checker.save = slow_save
    sock = _bind("127.0.0.1", 0)
    server = uvicorn.Server(server_config(create_app(str(workspace), model, secret=KEY)))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{sock.getsockname()[1]}", server


def search_word(target: str, measures) -> str:
    """The five-letter start of the target's word that finds the fewest other measures (as an advisor picks one)."""
    from alignment.textnorm import fold

    text = next(m.text for m in measures if m.id == target)
    options = [fold(w)[:5] for w in text.replace(",", " ").split() if len(w) >= 5]
    return min(options, key=lambda prefix: sum(prefix in fold(f"{m.id} {m.title} {m.text}") for m in measures))


def plan_json(base: str) -> dict:
    request = urllib.request.Request(base + "/api/plans/bydel-alna", headers={"X-Alignment-Token": KEY})
    with urllib.request.urlopen(request) as answer:
        return json.loads(answer.read())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--delay", type=float, default=0.3, help="seconds each save waits before it is made")
    parser.add_argument("--model", default=None)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from alignment.evaluate import measures_for_snippet
    from alignment.textnorm import fold

    base, server = start_server(Path(tempfile.mkdtemp(prefix="bench-keys-")), args.model, args.delay)
    gold = yaml.safe_load(GOLD.read_text(encoding="utf-8"))["labels"]
    actions = 0
    evidence_actions = 0
    searches = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1366, "height": 657})
        page.goto(f"{base}/?token={KEY}")
        page.set_input_files("form[data-upload] input[type=file]", str(ALNA))
        page.click("form[data-upload] button[type=submit]")
        page.wait_for_url("**/planer/bydel-alna")
        page.wait_for_selector("article.tiltak", timeout=600_000)
        report = plan_json(base)["report"]
        from alignment.records import Measure

        measures = tuple(Measure(m["id"], m["section"], m["title"], m["text"]) for m in report["measures"])
        ids = page.locator("article.tiltak").evaluate_all("cards => cards.map(c => c.dataset.tiltak)")
        page.locator("article.tiltak").first.focus()
        for tiltak_id in ids:
            card = page.locator(f"article.tiltak[data-tiltak='{tiltak_id}']")
            label = gold[tiltak_id]
            wanted = {mid for s in label.get("evidence") or [] for mid in measures_for_snippet(s, measures)}
            have = set((card.get_attribute("data-evidence") or "").split())
            if label["status"] != "missing" and wanted and not wanted & have:
                shown = card.locator(".candidates [data-add]").evaluate_all("bs => bs.map(b => b.dataset.add)")
                target = next((m for m in shown if m in wanted), sorted(wanted)[0])  # a visible one, if any
                best = card.locator(".candidates [data-add]").first
                if best.count() and best.get_attribute("data-add") == target:
                    page.keyboard.press("a")
                    evidence_actions += 1
                elif card.locator(f".candidates [data-add='{target}']").count():
                    card.locator(f".candidates [data-add='{target}']").click()
                    evidence_actions += 1
                else:  # the advisor types the first five letters of the measure's most telling word
                    word = search_word(target, measures)
                    card.locator(".evidence-search summary").click()
                    card.locator("[data-measure-search]").type(word, delay=50)
                    card.locator(f"[data-search-results] [data-add='{target}']").click()
                    evidence_actions += 2 + len(word)
                    searches += 1
                page.wait_for_timeout(50)
                card.focus()
            key = "y" if card.get_attribute("data-machine") == label["status"] else KEYS[label["status"]]
            page.keyboard.press(key)
            actions += 1
            page.wait_for_timeout(50)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            decided = {t["id"]: t for t in plan_json(base)["report"]["tiltak"]}
            if all(t["review"] and t["review"]["status"] for t in decided.values()):
                break
            time.sleep(0.5)
        browser.close()
    wrong = [t for t, v in decided.items() if not v["review"] or v["review"]["status"] != gold[t]["status"]]
    missing_evidence = [t for t, v in decided.items() if gold[t]["status"] != "missing" and gold[t].get("evidence")
                        and not any(fold(s) in fold(e["text"]) or fold(s) in fold(f"{e['title']} {e['text']}")
                                    for s in gold[t]["evidence"] for e in v["evidence"])]
    print(f"Alna reviewed with {actions + evidence_actions} key presses and clicks: {actions} for the 36 verdicts "
          f"(one each), {evidence_actions} to add the labelled evidence the machine had not given ({searches} by "
          f"search); saves delayed {args.delay} s, keys 50 ms apart (issue 21's budget: 45)")
    print(f"decisions not as labelled: {wrong or 'none'}; addressed tiltak without labelled evidence: "
          f"{missing_evidence or 'none'}")
    server.should_exit = True


if __name__ == "__main__":
    main()
