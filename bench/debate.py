"""A debate streaming into the review window (a measurement, not a test).

Run from the repository root, in the project's venv:

    QT_QPA_PLATFORM=offscreen python bench/debate.py [--rounds 3] [--tps 400]

Two personas argue for ``--rounds`` exchanges over the sample PRD against the loopback Messages API,
each turn streamed in 6-character chunks at ``--tps`` output tokens per second (a stress: real models
write at 50-80), then the referee sums up. It prints the largest gap between 5 ms timer ticks on the
window's event loop while it happens (goal <= 50 ms), and what the cached prefix saved: input-token
cost of every request against sending each one uncached.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

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
    args = ap.parse_args()
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DOCCRITIC_CONFIG_DIR"], os.environ["DOCCRITIC_DATA_DIR"] = f"{tmp}/c", f"{tmp}/d"
        os.environ["ANTHROPIC_API_KEY"] = "sk-bench"
        from doccritic.ui.debate_dialog import DebateChoice
        from doccritic.ui.main_window import MainWindow

        app = QApplication.instance() or QApplication([])  # noqa: F841 - kept alive for the window
        with FakeMessagesAPI() as api:
            fast = {"chunk_chars": 6, "tokens_per_second": args.tps}
            api.script(*(Reply.text(turn(n, args.words), **fast) for n in range(1, 2 * args.rounds, 2)),
                       match="You are Staff Engineer. Write turn")
            api.script(*(Reply.text(turn(n, args.words), **fast) for n in range(2, 2 * args.rounds + 1, 2)),
                       match="You are Skeptical Exec. Write turn")
            api.script(Reply.json(SUMMARY, **fast), match="You are the referee")
            window = MainWindow()
            window.settings.setValue("claude/base_url", api.base_url)
            window.resize(1400, 900)
            window.show()
            loop = QEventLoop()
            window.document_ready.connect(loop.quit)
            window.open_path(paths.sample_prd())
            loop.exec()
            window.critics.ensure_personas()
            window.critics.runner.warmed_up.connect(loop.quit, Qt.ConnectionType.SingleShotConnection)
            window.critics.runner.warm_up()  # as the app does ~2 s after the first paint
            loop.exec()
            ticks: list[float] = []
            timer = QTimer(interval=5, timerType=Qt.TimerType.PreciseTimer)
            timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
            window.debates.debate_idle.connect(lambda _reason: loop.quit())
            started = time.perf_counter()
            timer.start()
            window.debates.new_debate(choice=DebateChoice(
                motion="Auto-charge should be opt-out.", pro="staff-engineer", con="skeptical-exec",
                opener="staff-engineer", rounds=args.rounds, turn_words=args.words, free_positions=False))
            loop.exec()
            timer.stop()
            wall = time.perf_counter() - started
            gaps = [b - a for a, b in itertools.pairwise(ticks)]
            calls = [r for r in api.journal if r.path == "/v1/messages" and r.usage]
            debate = window.debates.current
            window.editor.document().setModified(False)
            window.close()
    prices = load_prices()
    model = "claude-sonnet-4-6"
    usages = [Usage(**{k: r.usage.get(k, 0) for k in Usage.__dataclass_fields__}) for r in calls]
    cached = sum(prices.cost(model, Usage(u.input_tokens, 0, u.cache_creation_input_tokens,
                                          u.cache_read_input_tokens)) for u in usages)
    naive = sum(prices.cost(model, Usage(u.prompt_tokens, 0)) for u in usages)
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; {args.rounds} rounds, {args.words} words/turn, "
          f"{args.tps:g} tokens/s in 6-char chunks")
    statuses = [t.status for t in debate.turns] if debate else []
    complete = statuses.count("complete")
    print(f"turns {len(statuses)} ({complete} complete), requests {len(calls)}, wall {wall:.2f} s")
    worst = max(range(len(gaps)), key=gaps.__getitem__)
    print(f"largest UI stall      {max(gaps) * 1000:7.1f} ms (goal <= 50), {ticks[worst] - started:.2f} s in")
    print(f"UI stall p99          {statistics.quantiles(gaps, n=100)[98] * 1000:7.1f} ms")
    print(f"input cost / uncached {cached / naive:7.3f} x (document and transcript read from the cache)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
