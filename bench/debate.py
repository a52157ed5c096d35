"""A debate streaming into the review window (a measurement, not a test).

Run from the repository root, in the project's venv:

    QT_QPA_PLATFORM=offscreen python bench/debate.py [--rounds 3] [--tps 400]

Two personas argue for ``--rounds`` exchanges over the sample PRD against the loopback Messages API,
each turn streamed in 6-character chunks at ``--tps`` output tokens per second (a stress: real models
write at 50-80), then the referee sums up. It prints the largest gap between event-loop turns (5 ms
timer ticks) in the window from the moment the debate is started until it is idle (goal <= 50 ms), and
what the cached prefix saved: input-token cost of every request against sending each one uncached.
Every wait is bounded: if something does not arrive, it says what and exits 2; ``--timeout`` (default
300 s; a run takes about 10 s) ends the whole run (exit 124). The load average is printed at the start
and the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import harness  # noqa: E402 - bench/harness.py, beside this script
from fakes.messages_api import FakeMessagesAPI, Reply  # noqa: E402

from doccritic import paths  # noqa: E402
from doccritic.claude.pricing import Usage, load_prices  # noqa: E402

DOOR = "Auto-charge ships enabled by default (opt-out) for all existing accounts."
SUMMARY = {"points": [{"category": "strongest", "side": "against", "text": "Opt-out cannot be quietly undone.",
                       "citations": [DOOR], "kind": "one_way_door", "severity": "critical"}] * 4,
           "verdict": "Not ready."}


def turn(n: int, words: int) -> str:
    body = ("The draft says \"" + DOOR + "\" and the evidence for it is thin; the meeting will ask for the "
            "switch rate, the support cost and the way back. ") * max(1, words // 40)
    return f"Turn {n}. {body}"


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--tps", type=float, default=400.0)
    ap.add_argument("--words", type=int, default=180)
    harness.add_timeout_option(ap, default=300)
    args = ap.parse_args()
    harness.install_timeout(args.timeout, "bench/debate.py")
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; {args.rounds} rounds, {args.words} words/turn, "
          f"{args.tps:g} tokens/s in 6-char chunks")
    print(harness.load_line("start"), flush=True)
    try:
        measured = run_debate(args)
    except harness.WaitError as exc:
        print(f"bench/debate.py: {exc}", file=sys.stderr)
        print(harness.load_line("end"), file=sys.stderr)
        return 2
    report(*measured)
    print(harness.load_line("end"))
    return 0


def run_debate(args: argparse.Namespace, wait_s: float = 60.0) -> tuple:
    from PySide6.QtWidgets import QApplication

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DOCCRITIC_CONFIG_DIR"], os.environ["DOCCRITIC_DATA_DIR"] = f"{tmp}/c", f"{tmp}/d"
        os.environ["ANTHROPIC_API_KEY"] = "sk-bench"
        from doccritic.ui.main_window import MainWindow

        app = QApplication.instance() or QApplication([])  # noqa: F841 - kept alive for the window
        harness.quiet_qt()
        with FakeMessagesAPI() as api:
            fast = {"chunk_chars": 6, "tokens_per_second": args.tps}
            api.script(*(Reply.text(turn(n, args.words), **fast) for n in range(1, 2 * args.rounds, 2)),
                       match="You are Staff Engineer. Write turn")
            api.script(*(Reply.text(turn(n, args.words), **fast) for n in range(2, 2 * args.rounds + 1, 2)),
                       match="You are Skeptical Exec. Write turn")
            api.script(Reply.json(SUMMARY, **fast), match="You are the referee")
            window = MainWindow()
            try:
                return (*_debate_in_window(window, api, args, wait_s), args)
            finally:
                window.editor.document().setModified(False)
                if window.claude_ui_built:
                    window.debates.stop_all()
                window.close()


def _debate_in_window(window, api: FakeMessagesAPI, args: argparse.Namespace, wait_s: float) -> tuple:
    from doccritic.ui.debate_dialog import DebateChoice

    window.settings.update_claude(base_url=api.base_url)
    window.resize(1400, 900)
    window.show()
    ready = harness.SignalLatch(window.document_ready, "the sample PRD to be shown (MainWindow.document_ready)")
    window.open_path(paths.sample_prd())
    ready.wait(wait_s)
    critics = window.critics
    warmed = harness.SignalLatch(critics.runner.warmed_up, "the SDK warm-up on the engine thread (warmed_up)")
    critics.ensure_personas()
    critics.runner.warm_up()  # as the app does ~2 s after the first paint
    warmed.wait(wait_s)
    meter = harness.StallMeter()
    meter.start()
    harness.wait_until(lambda: len(meter.ticks) >= 20, "the stall timer to tick", wait_s)  # a settled loop
    idle = harness.SignalLatch(window.debates.debate_idle, "the debate to finish (DebatesController.debate_idle)")
    reasons: list[str] = []
    window.debates.debate_idle.connect(reasons.append)
    started = time.perf_counter()
    if not window.debates.new_debate(choice=DebateChoice(
            motion="Auto-charge should be opt-out.", pro="staff-engineer", con="skeptical-exec",
            opener="staff-engineer", rounds=args.rounds, turn_words=args.words, free_positions=False)):
        raise harness.WaitError("the debate did not start (new_debate returned False)")
    end = idle.wait(10 * wait_s)
    meter.stop()
    calls = [r for r in api.journal if r.path == "/v1/messages" and r.usage]
    debate = window.debates.current
    statuses = [t.status for t in debate.turns] if debate else []
    return meter.gaps(started, end), end - started, calls, statuses, reasons


def report(gaps: list[tuple[float, float]], wall: float, calls: list, statuses: list[str], reasons: list[str],
           args: argparse.Namespace) -> None:
    prices = load_prices()
    model = "claude-sonnet-4-6"
    usages = [Usage(**{k: r.usage.get(k, 0) for k in Usage.__dataclass_fields__}) for r in calls]
    cached = sum(prices.cost(model, Usage(u.input_tokens, 0, u.cache_creation_input_tokens,
                                          u.cache_read_input_tokens)) for u in usages)
    naive = sum(prices.cost(model, Usage(u.prompt_tokens, 0)) for u in usages)
    started = gaps[0][1]
    worst, at = max(gaps)
    complete = statuses.count("complete")
    print(f"turns {len(statuses)} ({complete} complete), requests {len(calls)}, wall {wall:.2f} s, "
          f"ended: {', '.join(reasons) or '?'}")
    print(f"largest UI stall      {worst * 1000:7.1f} ms (goal <= 50), {at - started:.2f} s after the start")
    print(f"UI stall p99          {statistics.quantiles([g for g, _ in gaps], n=100)[98] * 1000:7.1f} ms")
    print(f"start -> first turn   {gaps[0][0] * 1000:7.1f} ms (new_debate to the first event-loop turn)")
    print(f"from the 1st tick     {max(g for g, _ in gaps[1:]) * 1000:7.1f} ms (largest stall as measured before "
          "2026-12-04: from the first timer tick, so a freeze at the start went uncounted)")
    print(f"input cost / uncached {cached / naive:7.3f} x (document and transcript read from the cache)")


if __name__ == "__main__":
    sys.exit(main())
