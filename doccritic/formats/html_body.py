"""The export form drawn as HTML, with each highlight a ``<mark>`` on exactly the characters it covers.

The HTML export used to render Markdown a second way (markdown-it's own HTML) and find the highlights in
it by sentinels inserted into the source, re-rendered and compared; it now draws the same export form
(:mod:`doccritic.formats.export_form`) the Word and PDF writers draw, so a passage is highlighted on the
same characters in every format and the document is parsed once.

A highlight is a canonical-text span ``[start, end)``. An exact run is cut where a span starts or ends
inside it; an opaque run (a decoded entity, a soft line break) is marked whole when a span covers any of
it; markup that is not shown has no run, so a span starting on ``**`` starts at the bold text. Marks are
the innermost elements (inside ``strong``, ``a``, ``code`` …) and are closed at every element boundary,
so the HTML stays well formed; overlapping spans nest, and a span that ends inside another is split. The
first ``<mark>`` of each span carries its ``id`` (the target of ``#finding=<id>``).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from doccritic.formats.export_form import (
    BOLD,
    CODE,
    IMAGE,
    ITALIC,
    LINK,
    STRIKE,
    Cell,
    Container,
    ExportForm,
    FormBlock,
    Link,
    Run,
)

_SAFE_SCHEMES = ("http:", "https:", "mailto:", "#")
_INLINE = ((LINK, "a"), (BOLD, "strong"), (ITALIC, "em"), (STRIKE, "s"), (CODE, "code"))  # outermost first
_BREAKS = ("\n", "\r\n", "\r")


@dataclass
class Span:
    """One highlight: ``key`` "f:<finding id>" or "c:<citation number>"; ``attrs`` its mark's class and data
    attributes, escaped; ``anchor`` the id of its first mark."""

    key: str
    start: int
    end: int
    attrs: str
    anchor: str


def escape(text: str) -> str:
    """Text for an element's content or a double-quoted attribute (markdown-it's escaping: & < > ")."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def safe_href(href: str) -> bool:
    return href.lower().startswith(_SAFE_SCHEMES)


class _Cover:
    """Which spans cover each stretch of the text between two span boundaries, found by one sweep."""

    def __init__(self, spans: list[Span]) -> None:
        self.cuts = sorted({x for s in spans for x in (s.start, s.end)})
        starts: dict[int, list[Span]] = {}
        ends: dict[int, list[Span]] = {}
        for s in spans:
            if s.end > s.start:
                starts.setdefault(s.start, []).append(s)
                ends.setdefault(s.end, []).append(s)
        rank = {id(s): (s.start, -s.end, n) for n, s in enumerate(spans)}
        active: dict[int, Span] = {}
        self.stretches: list[tuple[Span, ...]] = []  # spans over [cuts[k], cuts[k + 1]), outermost first
        for cut in self.cuts:
            for s in ends.get(cut, ()):
                active.pop(id(s), None)
            for s in starts.get(cut, ()):
                active[id(s)] = s
            self.stretches.append(tuple(sorted(active.values(), key=lambda s: rank[id(s)])))

    def inside(self, start: int, end: int) -> list[int]:
        """The boundaries strictly inside ``(start, end)``."""
        return self.cuts[bisect.bisect_right(self.cuts, start) : bisect.bisect_left(self.cuts, end)]

    def over(self, start: int, end: int) -> tuple[Span, ...]:
        """The spans over any of ``[start, end)`` (over ``start`` when the run shows nothing of the source)."""
        k = bisect.bisect_right(self.cuts, start) - 1
        if end <= start or k + 1 >= len(self.cuts) or self.cuts[k + 1] >= end:
            return self.stretches[k] if k >= 0 else ()
        seen: dict[int, Span] = {}
        for n in range(max(k, 0), bisect.bisect_left(self.cuts, end)):
            seen.update((id(s), s) for s in self.stretches[n])
        return tuple(sorted(seen.values(), key=lambda s: (s.start, -s.end)))


class BodyWriter:
    """Writes the form's blocks as HTML, marking the spans; ``woven`` ends up holding every span key marked."""

    def __init__(self, form: ExportForm, spans: list[Span]) -> None:
        self.text = form.doc.text
        self.form = form
        self.cover = _Cover(spans)
        self.woven: set[str] = set()
        self.out: list[str] = []
        self.path: list[Container] = []
        self.bare_item = False  # a tight item's text was written: what follows in the item starts a line

    def write(self) -> str:
        for block in self.form.blocks:
            self.enter(block.path)
            self.block(block)
        self.enter(())
        return "".join(self.out)

    # ---- containers ------------------------------------------------------------------------------

    def enter(self, path: tuple[Container, ...]) -> None:
        """Close the quotes, lists and items ``path`` is not in, and open those it is newly in."""
        same = 0
        while same < min(len(path), len(self.path)) and path[same] is self.path[same]:
            same += 1
        for c in reversed(self.path[same:]):
            self.bare_item = False
            self.out.append({"quote": "</blockquote>\n", "item": "</li>\n"}.get(c.kind)
                            or ("</ol>\n" if c.list and c.list.ordered else "</ul>\n"))
        for c in path[same:]:
            self.line()
            if c.kind == "quote":
                self.out.append("<blockquote>\n")
            elif c.kind == "item":
                self.out.append("<li>" if c.list is None or c.list.tight else "<li>\n")
            elif c.list is not None and c.list.ordered:
                self.out.append(f'<ol start="{c.list.start}">\n' if c.list.start != 1 else "<ol>\n")
            else:
                self.out.append("<ul>\n")
        self.path = list(path)

    def line(self) -> None:
        if self.bare_item:
            self.out.append("\n")
            self.bare_item = False

    # ---- blocks ----------------------------------------------------------------------------------

    def block(self, block: FormBlock) -> None:
        self.line()
        if block.kind == "heading":
            self.out.append(f"<h{block.level}>{self.inline(block.runs)}</h{block.level}>\n")
        elif block.kind == "paragraph":
            container = block.path[-1] if block.path else None
            if container is not None and container.kind == "item" and container.list and container.list.tight:
                self.out.append(self.inline(block.runs))
                self.bare_item = True
            else:
                self.out.append(f"<p>{self.inline(block.runs)}</p>\n")
        elif block.kind == "code":
            lang = f' class="language-{escape(block.info)}"' if block.info else ""
            body = self.inline(block.runs, code=True)
            self.out.append(f"<pre><code{lang}>{body}{chr(10) if body else ''}</code></pre>\n")
        elif block.kind == "table":
            self.table(block)
        elif block.kind == "rule":
            self.out.append("<hr />\n")
        elif block.kind == "front_matter":
            rows = "".join(f"<tr><th>{self.inline([_unbold(key)])}</th><td>{self.joined(values)}</td></tr>"
                           for key, values in block.fields)
            self.out.append('<details class="front-matter"><summary>Document properties</summary>'
                            f"<table>{rows}</table></details>\n")

    def joined(self, values: list[Run]) -> str:
        return ", ".join(self.inline([v]) for v in values)

    def table(self, block: FormBlock) -> None:
        out = ["<table>\n"]
        head, body = block.rows[: block.header_rows], block.rows[block.header_rows :]
        for rows, group, tag in ((head, "thead", "th"), (body, "tbody", "td")):
            if not rows:
                continue
            out.append(f"<{group}>\n")
            for row in rows:
                out.append("<tr>\n" + "".join(self.cell(c, tag) for c in row) + "</tr>\n")
            out.append(f"</{group}>\n")
        self.out.append("".join(out) + "</table>\n")

    def cell(self, cell: Cell, tag: str) -> str:
        align = f' style="text-align:{cell.align}"' if cell.align else ""
        runs = cell.runs if tag == "td" else [_unbold(r) for r in cell.runs]
        return f"<{tag}{align}>{self.inline(runs)}</{tag}>\n"

    # ---- runs ------------------------------------------------------------------------------------

    def pieces(self, runs: Iterable[Run]) -> list[tuple[str, Run, tuple[Span, ...]]]:
        """The runs cut at every span boundary inside an exact one, each piece with the spans over it."""
        out: list[tuple[str, Run, tuple[Span, ...]]] = []
        for r in runs:
            cuts = self.cover.inside(r.start, r.end) if r.exact else []
            bounds = [r.start, *cuts, r.end]
            for a, b in itertools.pairwise(bounds):
                text = r.text[a - r.start : b - r.start] if cuts else r.text
                spans = self.cover.over(a, b)
                if out and out[-1][1].style == r.style and out[-1][1].link is r.link and out[-1][2] == spans:
                    out[-1] = (out[-1][0] + self.shown(text, r), out[-1][1], spans)
                else:
                    out.append((self.shown(text, r), r, spans))
        return out

    def shown(self, text: str, r: Run) -> str:
        """Escaped text; a soft line break as the line break it is, a hard one (or ``<br>``) as ``<br />``."""
        if r.style & CODE or self.code:
            return escape(text)
        if text == " " and not r.exact and self.text[r.start : r.end] in _BREAKS:
            return "\n"
        if "\n" in text:
            return escape(text).replace("\n", "<br />\n")
        return escape(text)

    def inline(self, runs: list[Run], *, code: bool = False) -> str:
        """Runs as HTML: ``strong``/``em``/``s``/``code``/``a`` opened and closed as styles change, and the marks
        inside them kept open from one piece to the next while the spans go on."""
        self.code = code
        out: list[str] = []
        stack: list[tuple[int, Link | None]] = []  # open inline elements: (style bit, link)
        marks: list[Span] = []  # open marks, outermost first
        for text, r, spans in self.pieces(runs):
            if not text:
                continue
            style = r.style & ~ITALIC if r.style & IMAGE else r.style  # "[image: alt]" has a look of its own
            wanted = [(bit, r.link if bit == LINK else None) for bit, _ in _INLINE if style & bit and not code]
            keep = 0
            while keep < len(stack) and keep < len(wanted) and stack[keep] == wanted[keep]:
                keep += 1
            if keep < len(stack) or keep < len(wanted) or r.style & IMAGE:  # elements change: marks close first
                out.append("</mark>" * len(marks))
                marks = []
                out.extend(_close(bit, link) for bit, link in reversed(stack[keep:]))
                out.extend(_open(bit, link) for bit, link in wanted[keep:])
                stack = wanted
            same = 0
            while same < min(len(marks), len(spans)) and marks[same] is spans[same]:
                same += 1
            out.append("</mark>" * (len(marks) - same))
            marks = [*marks[:same], *spans[same:]]
            out.extend(self.mark(s) for s in spans[same:])
            out.append(f'<span class="img-alt" title="Image not embedded">{text}</span>' if r.style & IMAGE else text)
        out.append("</mark>" * len(marks))
        out.extend(_close(bit, link) for bit, link in reversed(stack))
        return "".join(out)

    def mark(self, s: Span) -> str:
        first = "" if s.key in self.woven else f' id="{s.anchor}"'
        self.woven.add(s.key)
        return f"<mark{first} {s.attrs}>"

    code = False


def _unbold(r: Run) -> Run:
    """A header cell's run without the bold the form gives it (``th`` is bold already)."""
    return Run(r.text, r.start, r.end, r.exact, r.style & ~BOLD, r.link) if r.style & BOLD else r


def _open(bit: int, link: Link | None) -> str:
    if bit != LINK or link is None:
        return f"<{dict(_INLINE)[bit]}>"
    href = link.href
    if not safe_href(href):
        return '<span class="link" title="Link not kept in the export">'
    if href.startswith("#"):
        return f'<a href="{escape(href)}">'
    return f'<a href="{escape(href)}" rel="noopener noreferrer" target="_blank">'


def _close(bit: int, link: Link | None) -> str:
    if bit == LINK and link is not None and not safe_href(link.href):
        return "</span>"
    return f"</{dict(_INLINE)[bit]}>"
