"""Critic panel speed and cost against the loopback Messages API (a measurement, not a test).

Run from the repository root, in the project's venv:

    QT_QPA_PLATFORM=offscreen python bench/panel.py [--personas 6] [--repeat 3]
    QT_QPA_PLATFORM=offscreen python bench/panel.py --ui-only [--cold-sdk]   # the UI stall alone, ~15 s

Scripted latencies make the fake behave like the real API with a Sonnet-class model: 1-2 s to the first
token, 50-80 output tokens per second, six findings of ~200 tokens each per critic (about 20 s of
writing). ``--time-scale 4`` (the default) runs that four times faster, which keeps every ratio; the
``short`` profile (0.5-1.2 s, 80-150 tokens/s, four short findings) is the harsh case where the wait
for the cache is a bigger share. All figures come from one invocation, so ratios compare like with like:

1. panel wall time / the slowest single critic run alone (goal <= 1.10): do critics really overlap?
2. first finding on screen / the slowest critic (goal <= 0.25): does the PM see something early?
3. panel input-token cost / a naive panel that sends every critic the whole uncached prompt (goal <= 0.35;
   with Anthropic's prices, 0.29 is the floor for N critics sharing one cached document);
4. the largest event-loop stall in the review window (goal <= 50 ms): the largest gap between 5 ms timer
   ticks from the instant Run is pressed (so a freeze before the first tick counts) until the six critics'
   findings are shown. Before pressing Run it waits, each wait bounded, for the document, for the personas
   (they load on a worker) and for the SDK warm-up the app starts ~2 s after the first paint
   (``--cold-sdk`` presses Run without waiting for it).

If something it waits for does not arrive, it says what and exits 2; ``--timeout`` (default 1200 s) ends
the whole run (exit 124). The load average is printed at the start and the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # the loopback fake lives with the tests

import harness  # noqa: E402 - bench/harness.py, beside this script
from fakes.messages_api import FakeMessagesAPI, Reply  # noqa: E402

from doccritic import paths  # noqa: E402
from doccritic.claude.client import Connection  # noqa: E402
from doccritic.claude.events import CriticDone, FindingFound, PanelDone  # noqa: E402
from doccritic.claude.pricing import Usage, load_prices  # noqa: E402
from doccritic.formats.loader import load_document  # noqa: E402

if TYPE_CHECKING:  # the engine imports the SDK: loaded where used, so --ui-only --cold-sdk starts cold
    from doccritic.claude.panel import PanelSettings

PROFILES = {  # seconds to first token, output tokens per second, findings per critic, rationale length
    "realistic": ([1.0, 1.4, 1.8, 1.2, 1.6, 2.0, 1.1, 1.5], [70, 55, 80, 60, 50, 65, 75, 58], 6, 600),
    "short": ([0.6, 0.8, 1.0, 1.2, 0.7, 0.9, 1.1, 0.5], [120, 90, 150, 100, 80, 110, 130, 95], 4, 120),
}
TTFT, TPS, PER_CRITIC, RATIONALE = PROFILES["realistic"]
SCALE = 4.0


@dataclass
class P:
    id: str
    name: str
    model: str | None = None
    effort: str | None = None

    def brief(self) -> str:
        return f"{self.name}: reviews from their own seat."


def quotes(text: str) -> list[str]:
    lines = [ln.strip("-* ") for ln in text.splitlines() if len(ln) > 60 and not ln.startswith(("#", ">", "|"))]
    return [ln.split(". ")[0] for ln in lines]


def answer(qs: list[str], i: int) -> dict:
    why = ("Why this matters to the decision, in the reviewer's voice, with the evidence the meeting will ask "
           "for and what happens if it is wrong. " * 8)[:RATIONALE]
    return {"findings": [{"kind": "weak_argument", "severity": "major", "title": f"Point {i}.{k}", "quote": q,
                          "rationale": why, "suggestion": "A concrete change to the wording or the plan.",
                          "question": "What would change your mind?"}
                         for k, q in enumerate(qs)], "verdict": "Not ready yet.", "readiness": 5}


def reply(qs: list[str], i: int, *, ui: bool = False) -> Reply:
    mine = [qs[(i * PER_CRITIC + k) % len(qs)] for k in range(PER_CRITIC)]
    return Reply.json(answer(mine, i), ttft=TTFT[i % 8] / SCALE, tokens_per_second=TPS[i % 8] * SCALE,
                      chunk_chars=8 if ui else 24)


def script(api: FakeMessagesAPI, personas: list[P], qs: list[str]) -> None:
    for i, p in enumerate(personas):
        api.script(reply(qs, i), match=f"persona: {p.id}")


async def run(api: FakeMessagesAPI, doc, personas: list[P], settings: PanelSettings) -> dict:
    from doccritic.claude.panel import Backend, Panel

    client = Connection(api_key="sk-bench", base_url=api.base_url).client()
    t0 = time.monotonic()
    first = None
    done: dict[str, float] = {}
    usage, cost = Usage(), 0.0
    try:
        async for event in Panel(client, doc, personas, settings, backend=Backend()).events():
            now = time.monotonic() - t0
            if isinstance(event, FindingFound) and first is None:
                first = now
            elif isinstance(event, CriticDone):
                done[event.persona_id] = now
            elif isinstance(event, PanelDone):
                usage, cost = event.usage, event.cost
    finally:
        await client.close()
    return {"wall": time.monotonic() - t0, "first": first, "done": done, "usage": usage, "cost": cost}


def naive_cost(results: list[Usage], model: str) -> float:
    """Every critic pays for its whole prompt at the fresh input price, as with no caching."""
    prices = load_prices()
    return sum(prices.cost(model, Usage(input_tokens=u.prompt_tokens, output_tokens=0)) for u in results)


def bench_engine(n: int, repeat: int, stagger: bool = True) -> list[tuple[str, float, str]]:
    doc = load_document(paths.sample_prd())
    qs = quotes(doc.text)
    personas = [P(f"critic-{i}", f"Critic {i}") for i in range(n)]
    from doccritic.claude.panel import PanelSettings

    settings = PanelSettings(max_concurrent=n, stagger_timeout=10, stagger=stagger)
    walls, firsts, slowest, input_ratio = [], [], [], []
    for _ in range(repeat):
        with FakeMessagesAPI() as api:  # a fresh cache per round: the first critic pays the write
            script(api, personas, qs)
            singles = []
            for p in personas:  # each critic alone, on its own fresh server (no cache help)
                with FakeMessagesAPI() as solo:
                    script(solo, personas, qs)
                    singles.append(asyncio.run(run(solo, doc, [p], settings))["wall"])
            panel = asyncio.run(run(api, doc, personas, settings))
            per_critic = [Usage(**{k: r.usage.get(k, 0) for k in Usage.__dataclass_fields__})
                          for r in api.journal if r.path == "/v1/messages" and r.usage]
        slow = max(singles)
        walls.append(panel["wall"] / slow)
        firsts.append(panel["first"] / slow)
        slowest.append(slow)
        prices = load_prices()
        cached_input = sum(prices.cost(settings.model, Usage(u.input_tokens, 0, u.cache_creation_input_tokens,
                                                             u.cache_read_input_tokens)) for u in per_critic)
        input_ratio.append(cached_input / naive_cost(per_critic, settings.model))
    med = statistics.median
    return [
        ("slowest single critic", med(slowest), "s"),
        ("panel wall / slowest critic", med(walls), "x (goal <= 1.10)"),
        ("first finding / slowest critic", med(firsts), "x (goal <= 0.25)"),
        ("panel input cost / naive uncached", med(input_ratio), f"x (goal <= 0.35; floor {floor(n):.2f})"),
    ]


def floor(n: int) -> float:
    """Best case: one critic writes the document to the cache (1.25x), the rest read it (0.1x)."""
    return (1.25 + 0.1 * (n - 1)) / n


def bench_ui_stall(n: int, warm: bool = True, wait_s: float = 60.0) -> list[tuple[str, float, str]]:
    """Open the sample PRD, wait for the personas (and the SDK warm-up, as the app does it ~2 s after the first
    paint), then press Run and measure the largest event-loop gap from the press until the findings are shown."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import tempfile

    from PySide6.QtWidgets import QApplication

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DOCCRITIC_CONFIG_DIR"], os.environ["DOCCRITIC_DATA_DIR"] = f"{tmp}/c", f"{tmp}/d"
        os.environ["ANTHROPIC_API_KEY"] = "sk-bench"
        from doccritic.ui.main_window import MainWindow

        app = QApplication.instance() or QApplication([])  # noqa: F841 - kept alive for the window
        harness.quiet_qt()
        qs = quotes(paths.sample_prd().read_text(encoding="utf-8"))
        with FakeMessagesAPI() as api:
            window = MainWindow()
            try:
                return _press_run_and_measure(window, api, qs, n, warm, wait_s)
            finally:
                window.editor.document().setModified(False)
                if window.claude_ui_built:
                    window.critics.stop()
                window.close()


def _press_run_and_measure(window, api: FakeMessagesAPI, qs: list[str], n: int, warm: bool,
                           wait_s: float) -> list[tuple[str, float, str]]:
    window.settings.update_claude(base_url=api.base_url)
    window.settings.update_claude(max_concurrent=n)
    window.resize(1400, 900)
    window.show()
    ready = harness.SignalLatch(window.document_ready, "the sample PRD to be shown (MainWindow.document_ready)")
    window.open_path(paths.sample_prd())
    ready.wait(wait_s)
    critics = window.critics  # built here if the window has not built it yet
    warmed = harness.SignalLatch(critics.runner.warmed_up, "the SDK warm-up on the engine thread (warmed_up)")
    harness.wait_until(lambda: bool(critics.personas),
                       "the personas to load on the worker (CriticsController.personas_loaded with a persona)",
                       wait_s, signal=critics.personas_loaded)
    ids = list(critics.personas)[:n]
    if len(ids) < n:
        raise harness.WaitError(f"asked for {n} critics, only {len(ids)} personas loaded")
    for i, pid in enumerate(ids):
        api.script(reply(qs, i, ui=True), match=f"persona: {pid}")
    critics.confirm = lambda *a: True
    critics.panel.set_checked(set(ids))
    if warm:  # the app calls warm_up() 1.5 s after the key check; the latch also catches that call's signal
        critics.runner.warm_up()
        warmed.wait(wait_s)
    elif "anthropic" in sys.modules:
        raise harness.WaitError("--cold-sdk: the SDK is already imported in this process (use --ui-only)")
    meter = harness.StallMeter()
    meter.start()
    harness.wait_until(lambda: len(meter.ticks) >= 20, "the stall timer to tick", wait_s)  # a settled loop
    started = harness.SignalLatch(critics.run_started, "the run to start after the estimate (run_started)")
    finished = harness.SignalLatch(critics.run_finished, "the run's findings to be shown (run_finished)")
    pressed = time.perf_counter()
    critics.panel.run_button.click()
    summary = critics.panel.summary.text
    try:
        started.wait(wait_s)
        end = finished.wait(10 * wait_s)
    except harness.WaitError as exc:
        raise harness.WaitError(f"{exc}; the Critics dock says: {summary()!r}") from None
    meter.stop()
    gaps = meter.gaps(pressed, end)
    worst, at = max(gaps)
    found = sum(1 for f in window.session.findings.findings if f.persona)
    return [
        (f"largest UI stall, {n}-critic run", worst * 1000,
         f"ms (goal <= 50), {at - pressed:.2f} s after Run; {found} critic findings shown"),
        ("UI stall p99", statistics.quantiles([g for g, _ in gaps], n=100)[98] * 1000, "ms"),
        ("Run press -> first event-loop turn", gaps[0][0] * 1000, "ms"),
        ("largest stall from the 1st tick", max(g for g, _ in gaps[1:]) * 1000,
         "ms (as measured before 2026-12-04: a freeze before the first tick went uncounted)"),
        ("Run press -> findings shown", end - pressed, f"s ({'SDK warmed up first' if warm else 'SDK cold'})"),
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--personas", type=int, default=6)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--profile", choices=sorted(PROFILES), default="realistic")
    ap.add_argument("--time-scale", type=float, default=4.0, help="run the scripted latencies this much faster")
    ap.add_argument("--no-stagger", action="store_true",
                    help="launch every critic at once (engine figures only), to compare with the staggered start")
    ap.add_argument("--ui-only", action="store_true", help="only the UI stall step (about 20 s)")
    ap.add_argument("--cold-sdk", action="store_true",
                    help="press Run before the SDK warm-up (a PM who presses Run within ~2 s of opening)")
    harness.add_timeout_option(ap, default=1200)
    args = ap.parse_args()
    if args.cold_sdk and not args.ui_only:
        ap.error("--cold-sdk needs --ui-only: the engine step imports the SDK into this process first")
    harness.install_timeout(args.timeout, "bench/panel.py")
    global TTFT, TPS, PER_CRITIC, RATIONALE, SCALE
    TTFT, TPS, PER_CRITIC, RATIONALE = PROFILES[args.profile]
    SCALE = args.time_scale
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; {args.personas} critics; repeat={args.repeat}; "
          f"profile {args.profile}, time scale {SCALE:g}")
    print(harness.load_line("start"), flush=True)
    try:
        if args.no_stagger:  # the alternative the panel does not use: every critic at once, each writing the cache
            rows = bench_engine(args.personas, args.repeat, stagger=False)
        else:
            rows = [] if args.ui_only else bench_engine(args.personas, args.repeat)
            rows += bench_ui_stall(args.personas, warm=not args.cold_sdk)
    except harness.WaitError as exc:
        print(f"bench/panel.py: {exc}", file=sys.stderr)
        print(harness.load_line("end"), file=sys.stderr)
        return 2
    width = max(len(r[0]) for r in rows)
    for name, value, unit in rows:
        print(f"{name:<{width}}  {value:8.3f} {unit}")
    print(json.dumps({name: round(value, 4) for name, value, _ in rows}))
    print(harness.load_line("end"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
