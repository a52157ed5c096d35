"""Paints findings as cards in the sidebar list (a delegate, so 1,000 findings cost no widgets).

A card shows the kind (icon, colour bar), severity, who raised it, the title and the quoted passage;
the selected card expands to the rationale, suggestion, question and reversibility. When the proxy
groups findings, the first card of each group carries the group's header.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, QPersistentModelIndex, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QMouseEvent, QPainter, QPalette
from PySide6.QtWidgets import QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from doccritic.core.findings import Anchor, Finding, ReferenceCitation, Source, Status
from doccritic.core.labels import SEVERITY_LABELS, STATUS_LABELS
from doccritic.core.merge import is_tradeoff
from doccritic.core.round_records import RoundClass, RoundEntry
from doccritic.ui.findings_model import FindingsFilterProxy, Role
from doccritic.ui.style import KIND_STYLES, is_dark, kind_color, kind_icon, may_slant

PAD = 10
GAP = 6
BAR = 4
HEADER = 26
FLAGS = Qt.TextFlag.TextWordWrap
FADED_ALPHA = 175  # a decided card's text: faded, and still 4.5:1 on the card (150 read at 4.2:1)
SELECTED_TINT = {False: 22, True: 40}  # alpha of the kind colour over a selected card, by dark theme
_MARKUP = re.compile(r"\*\*|__|`")
_LINE_MARK = re.compile(r"^\s*(?:[-*+]|\d+[.)]|#{1,6}|>)\s+")
#: A card's review-round badge, and its colour (the pill's border; its text is the palette's, for contrast).
BADGES = {RoundClass.FIXED: "Fixed", RoundClass.STILL_OPEN: "Still open", RoundClass.NEW: "New",
          RoundClass.REGRESSED: "Regressed", RoundClass.RERAISED: "New reason", RoundClass.OUTDATED: "Outdated"}
BADGE_COLORS = {"Fixed": "#15803d", "Still open": "#b45309", "New": "#1d4ed8", "Regressed": "#b91c1c",
                "New reason": "#7e22ce", "Outdated": "#57534e"}


def meta_flags(f: Finding) -> str:
    """What the card's top row adds after the severity: the critic's confidence, "misquoted", "incomplete"."""
    out = "" if f.confidence is None else f" · {round(f.confidence * 100)}% confidence"
    out += (" · misquoted" if f.misquoted else "") + (" · incomplete" if f.incomplete else "")
    return out + (" · challenges a stated decision" if f.challenges_decision else "")


def _clip(quote: str, expanded: bool) -> str:
    quote = " ".join(_MARKUP.sub("", quote).split())  # display only: the stored quote stays exact
    return quote if expanded or len(quote) <= 140 else quote[:137] + "…"


def in_context(line: str, start: int, end: int, room: int = 36) -> str:
    """``line[start:end]`` with up to ``room`` characters either side, cut at a word and marked "…" where cut."""
    before, after = line[:start], line[end:]
    # cut at a word, or the line's own start without its list bullet, heading or quote mark
    before = "…" + before[-room:].split(" ", 1)[-1] if len(before) > room else _LINE_MARK.sub("", before)
    if len(after) > room:
        after = after[:room].rsplit(" ", 1)[0] + "…"
    return " ".join(f"{before}{line[start:end]}{after}".split())


class CardDelegate(QStyledItemDelegate):
    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self.view = view
        self.persona_names: dict[str, str] = {}  # persona id -> display name, set by the critics panel
        self.text_source: Callable[[], str] = lambda: ""  # the document's current text (set by the panel)
        # The line a placed finding is on and where in it (set by the window): a one-word quote ("TBD") is
        # shown with the words around it, or three "Placeholder 'TBD'" cards could not be told apart.
        self.line_of: Callable[[str], tuple[str, int, int] | None] = lambda _fid: None
        self.rounds: dict[str, RoundEntry] = {}  # finding id -> its class in the latest review round (a badge)
        self.round_number = 0
        self.reference_names: dict[str, str] = {}  # reference id -> file name
        self.citation_clicked: Callable[[ReferenceCitation], None] = lambda _c: None

    def who(self, f: Finding) -> str:
        """"check", a persona's name, or "Staff Engineer +2" when several critics raised it."""
        if not f.persona:
            return "check"
        name = self.persona_names.get(f.persona, f.persona)
        others = len(f.personas) - 1
        return f"{name} +{others}" if others > 0 else name

    # layout ----------------------------------------------------------------------------------
    def _header(self, index: QModelIndex | QPersistentModelIndex) -> str:
        proxy = index.model()
        if not isinstance(proxy, FindingsFilterProxy):
            return ""
        group = proxy.group_of(index.row())
        if not group or (index.row() > 0 and proxy.group_of(index.row() - 1) == group):
            return ""
        return group

    def _lines(self, f: Finding, expanded: bool) -> list[tuple[str, QFont, str]]:
        """(text, font, role) blocks of the card body, top to bottom."""
        base = self.view.font()
        bold, italic, small = QFont(base), QFont(base), QFont(base)
        bold.setBold(True)
        italic.setItalic(True)
        small.setPointSizeF(base.pointSizeF() * 0.92)
        lines = [(f.title, bold, "title")]
        source = self.document_words(f) if f.misquoted else None
        if f.quote:  # a misquote shows the document's words as the passage, never the critic's
            quote = _clip(source if source is not None else f.quote, expanded)
            if f.placed and len(quote.split()) <= 2 and (line := self.line_of(f.id)):
                quote = in_context(*line)
            lines.append((f"“{quote}”", italic if may_slant(quote) else base, "quote"))
        if source is not None:
            lines.append((f"Misquoted: the critic wrote “{_clip(f.quote, expanded)}”", small, "misquote"))
        if expanded:
            if f.rationale:
                lines.append((f.rationale, small, "text"))
            if f.suggestion:
                lines.append((f"Suggestion: {f.suggestion}", small, "text"))
            if f.question:
                lines.append((f"Question to expect: {f.question}", small, "text"))
            lines += self._decision_lines(f, small)
            lines += self._context_lines(f, small)
            lines += self._raised_lines(f, small)
            if f.anchor is Anchor.AMBIGUOUS:
                n = len(f.candidates) or "several"
                lines.append((f"This passage appears {n} times in the text, so it is not highlighted: right-click "
                              "the card → Place on passage to choose one.", small, "quote"))
            elif f.anchor is Anchor.UNANCHORED and f.quote:
                lines.append(("This passage was not found in the text (it may have been edited or misquoted).",
                              small, "quote"))
            elif f.anchor is Anchor.UNANCHORED and f.source is Source.CRITIC:
                lines.append(("The critic quoted no passage, so this is not placed on the text.", small, "quote"))
            if self.round_number > 1 and (entry := self.rounds.get(f.id)) is not None and entry.reason:
                lines.append((f"Round {self.round_number}, {entry.status.label.lower()}: {entry.reason}", small,
                              "quote"))
            for reply in f.replies:
                lines.append((f"{reply.author}: {reply.text}", small, "text"))
        return lines

    def badge(self, f: Finding) -> str:
        """The card's round badge ("Fixed", "Still open", "New", "Regressed"...), or "" outside rounds."""
        entry = self.rounds.get(f.id)
        if entry is None or (self.round_number < 2 and entry.status is RoundClass.NEW):
            return ""  # round 1 is the first review: every card is new, a badge would say nothing
        return BADGES.get(entry.status, "")

    @staticmethod
    def _decision_lines(f: Finding, font: QFont) -> list[tuple[str, QFont, str]]:
        """A door's and an assumption's fields, each named, and what the critic left out of them."""
        out = []
        if r := f.reversibility:
            parts = [f"Reversibility: {r.level.replace('_', '-')}.", r.closes_when and f"Closes when: {r.closes_when}",
                     r.cost_to_reverse and f"Cost to reverse: {r.cost_to_reverse}",
                     r.exit_ramp and f"Exit ramp: {r.exit_ramp}", r.decision_owner and f"Owner: {r.decision_owner}"]
            out.append((" ".join(p for p in parts if p), font, "text"))
        for label, value in (("Assumption", f.assumption), ("Evidence that would settle it", f.evidence_needed),
                             ("How to test it", f.how_to_test)):
            if value:
                out.append((f"{label}: {value}", font, "text"))
        if f.incomplete:
            out.append((f"Incomplete: the critic did not give {', '.join(f.incomplete)}.", font, "quote"))
        return out

    def _context_lines(self, f: Finding, font: QFont) -> list[tuple[str, QFont, str]]:
        """The decision the author called settled that this re-opens, and the reference passages it cites
        (role ``cite:N``: a click opens that reference at the passage)."""
        out = []
        if f.challenges_decision:
            out.append((f"Challenges a stated decision: {f.challenges_decision}", font, "challenge"))
        for i, c in enumerate(f.cites):
            name = self.reference_names.get(c.reference) or c.name
            where = "" if c.placed else " (not found in it)"
            out.append((f"Cites {c.reference} {name}{where}: “{_clip(c.quote, False)}” ↗".replace("  ", " "),
                        font, f"cite:{i}"))
        return out

    def document_words(self, f: Finding) -> str | None:
        """The text under a placed finding now, or None when it cannot be read."""
        text = self.text_source()
        if not f.placed or not text or f.end is None or f.end > len(text):
            return None
        return text[f.start:f.end]

    def _raised_lines(self, f: Finding, font: QFont) -> list[tuple[str, QFont, str]]:
        out = []
        for r in f.also_raised_by:
            name = self.persona_names.get(r.persona, r.persona)
            fix = f" Suggests: {r.suggestion}" if r.suggestion and not is_tradeoff(f) else ""
            on = f" on “{' '.join(r.quote.split())}”" if r.quote and r.quote != f.quote else ""
            out.append((f"Also raised by {name}{on} ({SEVERITY_LABELS[r.severity].lower()}): {r.rationale}{fix}"
                        .strip(), font, "text"))
        if is_tradeoff(f):
            first = self.persona_names.get(f.persona or "", f.persona or "")
            options = [f"{first}: {f.suggestion}"] if f.suggestion else []
            options += [f"{self.persona_names.get(r.persona, r.persona)}: {r.suggestion}"
                        for r in f.also_raised_by if r.suggestion]
            out.append(("Trade-off, the critics disagree on the fix — " + " | ".join(options), font, "text"))
        return out

    def _text_width(self) -> int:
        return max(120, self.view.viewport().width() - 2 * PAD - BAR - 8)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        f: Finding = index.data(Role.FINDING)
        if f is None:
            return QSize(0, 0)
        expanded = self.view.selectionModel().isSelected(index) if self.view.selectionModel() else False
        width = self._text_width()
        height = PAD + QFontMetrics(self.view.font()).height() + GAP  # the meta row
        for text, font, _ in self._lines(f, expanded):
            height += QFontMetrics(font).boundingRect(QRect(0, 0, width, 10_000), FLAGS, text).height() + GAP
        height += PAD - GAP + 6
        if self._header(index):
            height += HEADER
        return QSize(self.view.viewport().width(), height)

    def editorEvent(self, event: QEvent, model: QAbstractItemModel, option: QStyleOptionViewItem,  # noqa: N802
                    index: QModelIndex | QPersistentModelIndex) -> bool:
        """A click on a "Cites R1…" line of the selected card opens that reference at the passage."""
        if (isinstance(event, QMouseEvent) and event.type() is QEvent.Type.MouseButtonRelease
                and event.button() is Qt.MouseButton.LeftButton):
            f: Finding = index.data(Role.FINDING)
            selected = self.view.selectionModel().isSelected(index) if self.view.selectionModel() else False
            if f is not None and f.cites and selected:
                role = self.role_at(f, option.rect, index, event.position().toPoint())
                if role.startswith("cite:"):
                    self.citation_clicked(f.cites[int(role[5:])])
                    return True
        return super().editorEvent(event, model, option, index)

    def line_rects(self, f: Finding, rect: QRect, index: QModelIndex | QPersistentModelIndex,
                   expanded: bool) -> list[tuple[QRect, str]]:
        """Where each body line of a card is painted (the same walk as :meth:`_paint_body`)."""
        if self._header(index):
            rect = rect.adjusted(0, HEADER, 0, 0)
        card = rect.adjusted(4, 3, -4, -3)
        x, y, width = card.left() + BAR + PAD, card.top() + PAD, self._text_width()
        y += QFontMetrics(self.view.font()).height() + GAP
        out = []
        for text, font, role in self._lines(f, expanded):
            box = QFontMetrics(font).boundingRect(QRect(0, 0, width, 10_000), FLAGS, text)
            out.append((QRect(x, y, width, box.height()), role))
            y += box.height() + GAP
        return out

    def role_at(self, f: Finding, rect: QRect, index: QModelIndex | QPersistentModelIndex, point: QPoint) -> str:
        return next((role for box, role in self.line_rects(f, rect, index, True) if box.contains(point)), "")

    # painting --------------------------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        f: Finding = index.data(Role.FINDING)
        if f is None:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRect(option.rect)
        palette = option.palette
        header = self._header(index)
        if header:
            self._paint_header(painter, QRect(rect.left(), rect.top(), rect.width(), HEADER), header, palette)
            rect.setTop(rect.top() + HEADER)
        card = rect.adjusted(4, 3, -4, -3)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        dark = is_dark(palette)
        color = kind_color(f.kind, dark)
        fill = palette.color(QPalette.ColorRole.Base)
        if selected:
            tint = QColor(color)
            tint.setAlpha(SELECTED_TINT[dark])
            painter.setBrush(fill)
            painter.setPen(QColor(color))
            painter.drawRoundedRect(card, 6, 6)
            painter.setBrush(tint)
        else:
            painter.setBrush(fill)
            painter.setPen(palette.color(QPalette.ColorRole.Mid))
        painter.drawRoundedRect(card, 6, 6)
        bar = QColor(color)
        if f.status is not Status.OPEN:
            bar.setAlpha(90)
        painter.fillRect(QRect(card.left(), card.top() + 4, BAR, card.height() - 8), bar)
        self._paint_body(painter, card, f, selected, palette, color)
        painter.restore()

    @staticmethod
    def _paint_badge(painter: QPainter, row: QRect, text: str, palette: QPalette) -> int:
        """A round badge as a pill at the right end of the meta row; returns the width it took."""
        metrics = QFontMetrics(painter.font())
        w = metrics.horizontalAdvance(text) + 12
        pill = QRect(row.right() - w, row.top(), w, row.height())
        tone = QColor(BADGE_COLORS.get(text, "#6b7280"))
        painter.save()
        fill = QColor(tone)
        fill.setAlpha(60 if is_dark(palette) else 34)
        painter.setBrush(fill)
        painter.setPen(tone)
        painter.drawRoundedRect(pill, row.height() / 2, row.height() / 2)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()
        return w + 6

    def _paint_header(self, painter: QPainter, rect: QRect, text: str, palette: QPalette) -> None:
        font = QFont(self.view.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 0.9)
        painter.setFont(font)
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        box = rect.adjusted(PAD, 0, -PAD, 0)
        shown = QFontMetrics(font).elidedText(text.upper(), Qt.TextElideMode.ElideRight, box.width())  # ends in "…"
        painter.drawText(box, Qt.AlignmentFlag.AlignBottom, shown)

    def _paint_body(self, painter: QPainter, card: QRect, f: Finding, expanded: bool, palette, color) -> None:
        x = card.left() + BAR + PAD
        y = card.top() + PAD
        width = self._text_width()
        metrics = QFontMetrics(self.view.font())
        kind_icon(f.kind).paint(painter, QRect(x, y, metrics.height(), metrics.height()))
        meta = QFont(self.view.font())
        meta.setPointSizeF(meta.pointSizeF() * 0.88)
        painter.setFont(meta)
        faded = f.status is not Status.OPEN
        status = "" if f.status is Status.OPEN else f" · {STATUS_LABELS[f.status]}"
        who = self.who(f)
        label = f"{KIND_STYLES[f.kind].label} · {SEVERITY_LABELS[f.severity]}{meta_flags(f)} · {who}{status}"
        if badge := self.badge(f):
            width -= self._paint_badge(painter, QRect(x, y, width, metrics.height()), badge, palette)
        painter.setPen(QColor(color) if not faded else palette.color(QPalette.ColorRole.PlaceholderText))
        room = width - metrics.height() - 6
        painter.drawText(QRect(x + metrics.height() + 6, y, room, metrics.height()), Qt.AlignmentFlag.AlignVCenter,
                         QFontMetrics(meta).elidedText(label, Qt.TextElideMode.ElideRight, room))
        width = self._text_width()
        y += metrics.height() + GAP
        text_color = palette.color(QPalette.ColorRole.Text)
        if faded:
            text_color.setAlpha(FADED_ALPHA)
        for text, font, role in self._lines(f, expanded):
            painter.setFont(font)
            pen = palette.color(QPalette.ColorRole.PlaceholderText) if role == "quote" else text_color
            if role in ("misquote", "challenge"):
                pen = QColor(kind_color(f.kind, is_dark(palette)))
            elif role.startswith("cite:"):
                pen = palette.color(QPalette.ColorRole.Link)
            painter.setPen(pen)
            box = QFontMetrics(font).boundingRect(QRect(0, 0, width, 10_000), FLAGS, text)
            painter.drawText(QRect(x, y, width, box.height()), FLAGS, text)
            y += box.height() + GAP
