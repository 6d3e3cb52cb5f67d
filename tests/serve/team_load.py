"""The team server under a team's load: 3 advisors and 15 district users at once (used by a test with the small
model, and by benchmarks/bench_team.py with the real one).

Each district user logs in and uploads their district's plan; once all are checked, the advisors save decisions
(each their own five districts, each decision a tiltak of its own, with a comment that names it) while the
district users read their pages and post comments. Afterwards every acknowledged save must be in the plan's
review (read back through the API) and in the audit log.
"""

from __future__ import annotations

import concurrent.futures
import re
import statistics
import time
from pathlib import Path

import httpx

PASSWORD = "passord-for-lasttesten"
DISTRICTS = ("Alna", "Bjerke", "Frogner", "Gamle Oslo", "Grorud", "Grünerløkka", "Nordre Aker", "Nordstrand", "Sagene",
             "St. Hanshaugen", "Stovner", "Søndre Nordstrand", "Ullern", "Vestre Aker", "Østensjø")
ADVISORS = ("radgiver1", "radgiver2", "radgiver3")


def team_users() -> dict[str, tuple[str, str]]:
    """name → (role, district or '*'): three advisors, one user per district, and an admin to read the log."""
    from alignment.serve.workspace import plan_id

    users = {name: ("rådgiver", "*") for name in ADVISORS}
    users.update({f"bruker-{plan_id(d)}": ("bydel", plan_id(f"Bydel {d}")) for d in DISTRICTS})
    users["admin"] = ("admin", "*")
    return users


def sign_in(base: str, name: str, verify=True) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base, timeout=120, verify=verify)
    response = client.post("/logg-inn", files={"brukernavn": (None, name), "passord": (None, PASSWORD),
                                               "neste": (None, "/")})
    if response.status_code != 303:
        raise AssertionError(f"{name} could not log in: {response.status_code} {response.text[:200]}")
    token = re.search(r'name="alignment-token" content="([^"]*)"', client.get("/", follow_redirects=True).text)
    return client, token.group(1)


def run_team_load(base: str, plan: Path, saves_each: int = 10, timeout: float = 600) -> dict:
    """The whole scenario against a running team server at `base`; its figures."""
    from alignment.reference import load_reference
    from alignment.serve.workspace import plan_id

    users = team_users()
    districts = {name: scope for name, (role, scope) in users.items() if role == "bydel"}
    tiltak = [t.id for t in load_reference().tiltak]
    started = time.monotonic()
    clients = {name: sign_in(base, name) for name in users}
    data = plan.read_bytes()

    def upload(name):
        client, token = clients[name]
        district = next(f"Bydel {d}" for d in DISTRICTS if plan_id(f"Bydel {d}") == districts[name])
        response = client.post("/api/plans", data={"token": token, "district": district},
                               files={"file": (plan.name, data)})
        return response.status_code, response.json().get("id")

    with concurrent.futures.ThreadPoolExecutor(len(districts)) as pool:
        uploads = list(pool.map(upload, districts))
    refused = [status for status, _ in uploads if status not in (201, 202)]
    plans = sorted(plan_id for status, plan_id in uploads if status in (201, 202))
    reader = clients[ADVISORS[0]][0]
    while any(reader.get(f"/api/plans/{p}").json()["state"] == "running" for p in plans):
        if time.monotonic() - started > timeout:
            raise AssertionError("the uploads were not checked in time")
        time.sleep(0.2)
    checked = time.monotonic() - started

    work = [(advisor, p, t) for i, advisor in enumerate(ADVISORS) for p in plans[i::len(ADVISORS)]
            for t in tiltak[:saves_each]]
    latencies, errors, acknowledged = [], {}, []

    def save(item):
        advisor, p, t = item
        client, token = clients[advisor]
        comment = f"{advisor} om {t} i {p}"
        began = time.perf_counter()
        response = client.put(f"/api/plans/{p}/review/{t}", json={"status": "partial", "comment": comment},
                              headers={"x-alignment-token": token})
        return item, comment, response.status_code, time.perf_counter() - began

    def district_user(name):
        client, token = clients[name]
        statuses = []
        for n in range(3):
            statuses.append(client.get(f"/planer/{districts[name]}").status_code)
            statuses.append(client.post(f"/api/plans/{districts[name]}/comments", json={"text": f"Svar {n}"},
                                        headers={"x-alignment-token": token}).status_code)
        return statuses

    began = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(len(ADVISORS) * 2 + len(districts)) as pool:
        district_work = [pool.submit(district_user, name) for name in districts]
        for item, comment, status, seconds in pool.map(save, sorted(work, key=lambda w: (w[2], w[0]))):
            latencies.append(seconds)
            if status == 200:
                acknowledged.append((item, comment))
            else:
                errors[status] = errors.get(status, 0) + 1
        district_statuses = [s for future in district_work for s in future.result()]
    saving = time.monotonic() - began
    for status in district_statuses:
        if status not in (200, 201):
            errors[status] = errors.get(status, 0) + 1

    comments = {}
    for p in plans:
        report = reader.get(f"/api/plans/{p}").json()["report"]
        comments[p] = {v["id"]: (v["review"] or {}).get("comment") for v in report["tiltak"]}
    lost_review = [item for item, comment in acknowledged if comments[item[1]].get(item[2]) != comment]
    log = clients["admin"][0].get("/api/audit").json()
    logged = {(e["actor"], e["plan"], e["target"], (e["after"] or {}).get("comment")) for e in log
              if e["action"] == "vurdering"}
    lost_log = [item for item, comment in acknowledged if (item[0], item[1], item[2], comment) not in logged]
    for client, _ in clients.values():
        client.close()
    ordered = sorted(latencies)
    return {"plans": len(plans), "uploads_refused": refused, "checked_seconds": round(checked, 1),
            "saves": len(work), "acknowledged": len(acknowledged), "errors": errors,
            "saving_seconds": round(saving, 2), "saves_per_second": round(len(acknowledged) / saving, 1),
            "median_ms": round(statistics.median(ordered) * 1000), "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000),
            "district_requests": len(district_statuses), "lost_in_review": lost_review, "lost_in_log": lost_log,
            "audit_entries": len(log)}
