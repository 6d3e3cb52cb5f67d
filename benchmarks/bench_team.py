"""Load figures for the team server (a script, not a test): 3 advisors and 15 district users at once.

Sets up a team server the way the README tells an admin to (a team.toml, `alignment users add` for each user),
starts `alignment serve --config` with the default model, and runs tests/serve/team_load.py's scenario: each
district user uploads their district's plan (Frogner's text), then the advisors save decisions (10 per plan, 150
in all) while the district users read their pages and post comments. Prints saves per second, median and p95 save
latency, errors, what was lost (must be nothing), the server's peak memory, and `alignment audit verify`.

Run: .venv/bin/python benchmarks/bench_team.py [--saves 10]
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ALIGNMENT = str(Path(sys.executable).parent / "alignment")

from tests.serve.team_load import PASSWORD, run_team_load, team_users  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def peak_memory_mb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--saves", type=int, default=10, help="decisions per plan")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        config = Path(folder) / "team.toml"
        config.write_text(f'[server]\nworkspace = "arbeidsmappe"\nport = {port}\n', encoding="utf-8")
        for name, (role, scope) in team_users().items():
            command = [ALIGNMENT, "users", "add", name, "--role", role, "--password-stdin", "--config", str(config)]
            if role == "bydel":
                command += ["--district", scope]
            subprocess.run(command, input=PASSWORD + "\n", text=True, check=True, capture_output=True)
        server = subprocess.Popen([ALIGNMENT, "serve", "--config", str(config)], stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 300
            while True:
                with socket.socket() as sock:
                    if sock.connect_ex(("127.0.0.1", port)) == 0:
                        break
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start")
                time.sleep(0.2)
            figures = run_team_load(f"http://127.0.0.1:{port}", ROOT / "alignment" / "data" / "examples" /
                                    "frogner.txt", saves_each=args.saves, timeout=1800)
            figures["server_peak_memory_mb"] = peak_memory_mb(server.pid)
        finally:
            server.terminate()
            server.wait(30)
        verify = subprocess.run([ALIGNMENT, "audit", "verify", "--config", str(config)], capture_output=True,
                                text=True)
        figures["audit_verify"] = (verify.stdout or verify.stderr).strip()
        figures["lost_in_review"] = len(figures["lost_in_review"])
        figures["lost_in_log"] = len(figures["lost_in_log"])
        print(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
