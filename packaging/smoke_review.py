"""Run the frozen ``doccritic review`` against the test suite's loopback Messages API (no network, no key).

    python packaging/smoke_review.py EXECUTABLE

This drives the code paths PyInstaller cannot see by following imports alone: the anthropic SDK and its
httpx2 transport, streaming and partial-JSON parsing (jiter), pydantic validation, and the keyring lookup
(ANTHROPIC_API_KEY is unset for the first run, so the key is looked up in the keyring first). Needs only the
standard library and tests/fakes; exits 0 when the review came back with the scripted finding.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "resources" / "samples" / "sample-prd.md"
sys.path.insert(0, str(ROOT / "tests"))

from fakes.messages_api import FakeMessagesAPI, Reply  # noqa: E402 - tests/ is not a package on sys.path


def sample_quote() -> str:
    text = SAMPLE.read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if len(ln) > 60 and not ln.startswith("#"))
    return line.strip("-* ").split(". ")[0]


def run(exe: str, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([exe, *args], capture_output=True, text=True, env=env, timeout=120, check=False)


def main() -> int:
    exe = sys.argv[1]
    answer = {
        "findings": [{
            "kind": "one_way_door", "severity": "critical", "title": "Big-bang migration", "quote": sample_quote(),
            "rationale": "No way back.",
            "reversibility": {"level": "one_way", "cost_to_reverse": "weeks", "exit_ramp": "pilot"},
        }],
        "verdict": "Not as written.",
        "readiness": 3,
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    with FakeMessagesAPI() as api:
        api.script(Reply.json(answer))
        # No key anywhere: the keyring is consulted, then the CLI must say how to set one (exit 3, one sentence).
        missing = run(exe, ["review", str(SAMPLE), "--personas", "staff-engineer"], env)
        if missing.returncode != 3 or "ANTHROPIC_API_KEY" not in missing.stderr or "Traceback" in missing.stderr:
            print(f"review without a key: exit {missing.returncode}\n{missing.stderr}", file=sys.stderr)
            return 1
        env |= {"ANTHROPIC_API_KEY": "sk-test", "ANTHROPIC_BASE_URL": api.base_url}
        done = run(exe, ["review", str(SAMPLE), "--personas", "staff-engineer", "--format", "json"], env)
        requests = len(api.journal)
    if done.returncode != 0:
        print(f"review: exit {done.returncode}\n{done.stderr}", file=sys.stderr)
        return 1
    review = json.loads(done.stdout)
    titles = [f["title"] for f in review["findings"] if f.get("persona") == "staff-engineer"]
    if titles != ["Big-bang migration"] or review["runs"][0]["critics"][0]["status"] != "done":
        print(f"review: unexpected result {titles}\n{done.stdout[:2000]}", file=sys.stderr)
        return 1
    print(f"review: 1 finding from the fake API after {requests} request(s); no key: exit 3 with advice")
    return 0


if __name__ == "__main__":
    sys.exit(main())
