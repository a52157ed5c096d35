"""The eval report as one HTML file: inline CSS and SVG bar charts, no scripts, nothing fetched.

It is meant to be attached to a pull request or mailed: it must open offline, years later, as it did.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from doccritic.core.eval_report import GROUPS, LOWER_IS_BETTER, debate_lines, label, rows

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:60em;color:#1d1d1f;padding:0 1em}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em}table{border-collapse:collapse;width:100%}
td,th{padding:.25em .6em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}.up{color:#1a7f37}.down{color:#c0392b}
.meta{color:#555;font-size:.92em}svg text{font:12px system-ui,sans-serif}code{font-size:.92em}
"""
_BAR_W, _ROW_H, _LABEL_W = 320, 26, 190


def render(results: Mapping[str, Any], changes: Mapping[str, float] | None = None,
           baseline: Mapping[str, Any] | None = None) -> str:
    """The whole report; ``changes`` and ``baseline`` (the older run) add deltas and ghost bars."""
    changes = changes or {}
    parts = [f"<!doctype html><html lang=en><meta charset=utf-8><title>doccritic eval</title><style>{_CSS}</style>",
             "<h1>doccritic eval</h1>", _provenance(results.get("provenance") or {}), "<h2>Figures</h2>",
             _figures(results, changes)]
    for group in GROUPS:
        title = "Recall by " + group.removeprefix("recall_by_")
        parts += [f"<h2>{escape(title)}</h2>", _chart(group, results.get(group) or {}, changes,
                                                      (baseline or {}).get(group) or {})]
    if debates := debate_lines(results.get("debates") or {}):
        parts += ["<h2>Debates</h2>", "<pre>" + escape("\n".join(debates)) + "</pre>"]
    parts += ["<h2>Cases</h2>", _cases(results.get("per_case") or []),
              "<h2>Flaws</h2>", _flaws(results.get("flaws") or []),
              "<h2>Findings that match no label</h2>", _unmatched(results.get("unmatched") or []), "</html>\n"]
    return "\n".join(parts)


def _provenance(prov: Mapping[str, Any]) -> str:
    keys = ("doccritic", "model", "effort", "thinking", "max_findings", "repeats", "personas", "source", "at")
    def shown(value: Any) -> str:
        return ", ".join(map(str, value)) if isinstance(value, list) else str(value)

    items = [f"{k}: <code>{escape(shown(prov[k]))}</code>" for k in keys if prov.get(k) not in (None, "", [])]
    return f"<p class=meta>{' · '.join(items)}</p>" if items else ""


def _delta(path: str, value: float | None) -> str:
    """The change in points, green when it is better (up, or down for figures where less is better)."""
    if value is None:
        return ""
    better = -value if path in LOWER_IS_BETTER else value
    css = "up" if better > 0 else "down" if better < 0 else ""
    return f"<span class='{css}'>{value * 100:+.1f} pts</span>"


def _figures(results: Mapping[str, Any], changes: Mapping[str, float]) -> str:
    out = ["<table><tr><th>Figure<th>Count<th>Rate<th>Change"]
    for path, name, value in rows(results):
        rate = "–" if value["rate"] is None else f"{value['rate'] * 100:.1f}%"
        out.append(f"<tr><td>{escape(name.strip())}<td class=n>{value['hits']:g}/{value['of']}<td class=n>{rate}"
                   f"<td class=n>{_delta(path, changes.get(path))}")
    return "\n".join(out) + "</table>"


def _chart(group: str, members: Mapping[str, Any], changes: Mapping[str, float],
           old: Mapping[str, Any]) -> str:
    """Horizontal bars, one per member; the baseline's rate as a grey bar under this run's."""
    shown = [(name, value) for name, value in members.items() if value.get("rate") is not None]
    if not shown:
        return "<p class=meta>Nothing to measure.</p>"
    height = _ROW_H * len(shown) + 8
    width = _LABEL_W + _BAR_W + 120
    out = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' role='img' "
           f"aria-label='{escape(group)}'>"]
    for i, (name, value) in enumerate(shown):
        y = i * _ROW_H + 4
        path = f"{group}.{name}"
        out.append(f"<text x='0' y='{y + 14}'>{escape(label(path))}</text>")
        out.append(f"<rect x='{_LABEL_W}' y='{y}' width='{_BAR_W}' height='14' fill='#eee'/>")
        if (before := (old.get(name) or {}).get("rate")) is not None:
            out.append(f"<rect x='{_LABEL_W}' y='{y + 15}' width='{before * _BAR_W:.1f}' height='4' fill='#999'>"
                       f"<title>baseline {before * 100:.1f}%</title></rect>")
        out.append(f"<rect x='{_LABEL_W}' y='{y}' width='{value['rate'] * _BAR_W:.1f}' height='14' "
                   f"fill='#3b6fd8'><title>{value['hits']:g} of {value['of']}</title></rect>")
        change = changes.get(path)
        tail = f" ({change * 100:+.1f} pts)" if change is not None else ""
        out.append(f"<text x='{_LABEL_W + _BAR_W + 6}' y='{y + 12}'>{value['rate'] * 100:.0f}%{tail}</text>")
    return "".join(out) + "</svg>"


def _cases(per_case: list[Mapping[str, Any]]) -> str:
    out = ["<table><tr><th>Case<th>Flaws<th>Runs<th>Found per run<th>Findings per run<th>Unmatched per run"]
    for row in per_case:
        runs = row["runs"] or 1
        clean = " (clean)" if row.get("clean") else ""
        out.append(f"<tr><td>{escape(row['case'])}{clean}<td class=n>{row['flaws']}<td class=n>{row['runs']}"
                   f"<td class=n>{row['found'] / runs:g}<td class=n>{row['findings'] / runs:g}"
                   f"<td class=n>{row['unmatched'] / runs:g}")
    return "\n".join(out) + "</table>"


def _flaws(flaws: list[Mapping[str, Any]]) -> str:
    """Every planted flaw and how often it was found: the misses are what to work on next."""
    out = ["<table><tr><th>Case<th>Flaw<th>Kind<th>Difficulty<th>Found<th>Wrong kind"]
    for f in sorted(flaws, key=lambda f: (f["found"] / (f["runs"] or 1), f["case"], f["flaw"])):
        out.append(f"<tr><td>{escape(f['case'])}<td>{escape(f['flaw'])}<td>{escape(f['kind'])}"
                   f"<td>{escape(f['difficulty'])}<td class=n>{f['found']} of {f['runs']}"
                   f"<td class=n>{f['kind_mismatch']}")
    return "\n".join(out) + "</table>"


def _unmatched(items: list[Mapping[str, Any]]) -> str:
    if not items:
        return "<p class=meta>None.</p>"
    judged = any("judge" in u for u in items)
    out = ["<table><tr><th>Case<th>Run<th>By<th>Finding<th>Quote" + ("<th>Judge" if judged else "")]
    for u in items:
        verdict = u.get("judge")
        judge = (f"<td>{'valid' if verdict['valid'] else 'not valid'}: {escape(verdict['reason'])}" if verdict
                 else "<td>" if judged else "")
        out.append(f"<tr><td>{escape(u['case'])}<td class=n>{u['run']}<td>{escape(', '.join(u['personas']))}"
                   f"<td>{escape(u['severity'])} {escape(u['kind'])}: {escape(u['title'])}"
                   f"<td>{escape(u['quote'])}{judge}")
    return "\n".join(out) + "</table>"
