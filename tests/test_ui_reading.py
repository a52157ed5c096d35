"""How a document reads in the window (#19): right-to-left paragraphs to the right, quotes in scripts without
an italic drawn upright, the front matter folded, a tab never running two words together, a Word table row
on one line, the status bar leaving room for its message."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from conftest import SAMPLE, corpus_files
from doccritic.core.findings import Anchor, Finding, Kind, Severity, Source
from doccritic.ui.findings_model import FindingsModel
from doccritic.ui.findings_panel import FindingsPanel
from doccritic.ui.main_window import MainWindow

TIMEOUT = 15_000
ARABIC = "هذا القرار لا يمكن التراجع عنه بعد الإطلاق لأن البيانات القديمة ستحذف نهائيا من جميع الخوادم"


@pytest.fixture
def window(main_window):
    return main_window


def open_doc(qtbot, win: MainWindow, path: Path) -> None:
    with qtbot.waitSignal(win.document_ready, timeout=TIMEOUT):
        win.open_path(path)
    win.editor.viewport().grab()  # a paint, as the PM's screen does


def line_edges(win: MainWindow, number: int) -> tuple[float, float, float]:
    """(left of the text, right of the text, width it may use) of a block's first line, in the viewport."""
    block = win.editor.document().findBlockByNumber(number)
    line = block.layout().lineAt(0)
    text = line.naturalTextRect()
    return text.left(), text.right(), line.x() + line.width()


def test_right_to_left_paragraphs_and_headings_are_aligned_right_left_to_right_ones_left(qtbot, window, tmp_path):
    path = tmp_path / "rtl.md"
    path.write_text(f"# Launch plan\n\n## خطة الإطلاق\n\n{ARABIC}.\n\nThe English paragraph stays left.\n\n"
                    "שלום עולם, זו פסקה בעברית.\n", encoding="utf-8")
    open_doc(qtbot, window, path)
    for number in (2, 4, 8):  # the Arabic heading, the Arabic paragraph, the Hebrew one
        left, right, room = line_edges(window, number)
        assert room - right < 2 and left > 40, number
    for number in (0, 6):
        left, right, room = line_edges(window, number)
        assert left < 25 and room - right > 100, number
    # a click still lands on the word under the mouse, and a highlight is still on its words
    block = window.editor.document().findBlockByNumber(4)
    rect = window.editor.blockBoundingGeometry(block).translated(window.editor.contentOffset())
    line = block.layout().lineAt(0)
    x = line.cursorToX(block.text().index("القرار") + 2)[0]
    cursor = window.editor.cursorForPosition(QPoint(round(rect.left() + x), round(rect.top() + line.height() / 2)))
    assert abs(cursor.positionInBlock() - (block.text().index("القرار") + 2)) <= 1


def test_a_quote_in_arabic_is_drawn_upright_on_its_card_and_latin_stays_italic(qtbot):
    def critic(quote: str) -> Finding:
        return Finding(source=Source.CRITIC, persona="staff-engineer", kind=Kind.ONE_WAY_DOOR,
                       severity=Severity.MAJOR, title="Irreversible", quote=quote, anchor=Anchor.UNANCHORED)

    model = FindingsModel()
    model.update_findings([critic(ARABIC), critic("ship to all users")])
    panel = FindingsPanel(model)
    qtbot.addWidget(panel)
    fonts = {f.quote: dict((role, font) for _, font, role in panel.delegate._lines(f, False))["quote"]
             for f in model.findings}
    # DejaVu Sans Oblique has no Arabic letters: an italic Arabic quote drew as boxes on such a system
    assert not fonts[ARABIC].italic() and fonts["ship to all users"].italic()


def test_front_matter_is_folded_to_its_first_line_and_comes_back_when_clicked(qtbot, window):
    open_doc(qtbot, window, SAMPLE)
    editor = window.editor
    text = SAMPLE.read_text(encoding="utf-8")
    closing = text.split("\n").index("---", 1)
    document = editor.document()
    assert document.firstBlock().isVisible() and document.firstBlock().text() == "---"
    assert not any(document.findBlockByNumber(n).isVisible() for n in range(1, closing + 1))
    assert document.findBlockByNumber(closing + 1).isVisible()
    assert f"{closing} lines folded" in editor.fold.label()
    heading = document.findBlockByNumber(closing + 1)
    assert editor.blockBoundingGeometry(heading).top() < 3 * editor.fontMetrics().height()  # the title is on top
    assert editor.toPlainText() == text  # folding is only a view
    rect = editor.blockBoundingGeometry(document.firstBlock()).translated(editor.contentOffset())
    QTest.mouseClick(editor.viewport(), Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert all(document.findBlockByNumber(n).isVisible() for n in range(closing + 1)) and not editor.fold.label()


def test_find_reaching_the_front_matter_unfolds_it(qtbot, window):
    open_doc(qtbot, window, SAMPLE)
    editor = window.editor
    assert editor.fold.hidden
    cursor = editor.textCursor()
    cursor.setPosition(editor.document().findBlockByNumber(2).position())
    editor.setTextCursor(cursor)
    assert not editor.fold.hidden and editor.textCursor().block().isVisible()


def test_a_word_before_a_tab_never_touches_what_follows(qtbot, window, tmp_path):
    path = tmp_path / "toc.txt"
    lines = [f"{word}\t1-{n}" for n, word in enumerate(("PURPOSE", "SCOPE", "WWWWWWW", "BACKGROUND", "iiiiiiiiiii",
                                                         "REQUIREMENTS"), 1)]
    path.write_text("TABLE OF CONTENTS\n" + "\n".join(lines) + "\n", encoding="utf-8")
    open_doc(qtbot, window, path)
    for number in range(1, len(lines) + 1):
        block = window.editor.document().findBlockByNumber(number)
        line = block.layout().lineAt(0)
        tab = block.text().index("\t")
        gap = line.cursorToX(tab + 1)[0] - line.cursorToX(tab)[0]  # the tab's own width, plus...
        before = line.cursorToX(tab)[0] - line.cursorToX(tab - 1)[0]  # ...the room after the last letter
        glyph = window.editor.fontMetrics().horizontalAdvance(block.text()[tab - 1])
        assert gap + before - glyph >= 8, block.text()


def test_a_word_table_reads_a_row_per_line_in_the_window(qtbot, window):
    (lab,) = corpus_files("lab-method-*.docx")
    open_doc(qtbot, window, lab)
    lines = window.editor.toPlainText().split("\n")
    assert "Blank\t1\tBlank" in lines and "Name of the preparations\tNo. of  injections\tPurpose" in lines


def test_a_status_message_is_shown_whole_beside_the_counts_at_1024_px(qtbot, window):
    window.resize(1024, 640)
    open_doc(qtbot, window, SAMPLE)
    message = "Accepted: the rewrite is in the text (Ctrl+Z undoes it)."
    window.show_status(message, 5000)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == message)
    bar = window.statusBar()

    def room() -> int:
        return min(field.geometry().left() for field in (window.register.label, window.counts_label,
                                                         window.words_label, window.model_label) if field.isVisible())

    # the message whole, and the counts still there (ending in "…", whole in their tooltip)
    qtbot.waitUntil(lambda: bar.fontMetrics().horizontalAdvance(message) < room() and window.counts_label.width() >= 40)
    squeezed = window.counts_label.width()
    assert "one-way door" in window.counts_label.toolTip() and "weak argument" in window.counts_label.text()
    window.statusBar().clearMessage()
    qtbot.waitUntil(lambda: window.counts_label.width() > squeezed)  # the fields take the room back



def test_three_placeholder_cards_on_tbd_show_the_words_around_each(qtbot, window, tmp_path):
    path = tmp_path / "tbd.md"
    path.write_text("# Plan\n\nThe launch owner is TBD until the reorg settles.\n\nGeneral availability ships on "
                    "TBD, after the beta.\n\nMarketing spend for the quarter is TBD pending a long finance review "
                    "that nobody has scheduled yet.\n", encoding="utf-8")
    open_doc(qtbot, window, path)
    cards = [f for f in window.session.findings.findings if f.rule == "weak.placeholder"]
    assert len(cards) == 3 and len({f.title for f in cards}) == 1  # the same check, the same title
    quotes = [dict((role, text) for text, _, role in window.panel.delegate._lines(f, False))["quote"] for f in cards]
    assert sorted(quotes) == sorted([
        "“The launch owner is TBD until the reorg settles.”",
        "“General availability ships on TBD, after the beta.”",
        "“Marketing spend for the quarter is TBD pending a long finance review that…”"])


def test_kind_toggles_carry_a_word_when_the_sidebar_has_room_and_always_a_tooltip(qtbot, window):
    open_doc(qtbot, window, SAMPLE)
    doors = window.panel.kind_buttons[Kind.ONE_WAY_DOOR]
    window.panel.arrange_for(300)
    count, narrowest = doors.text(), [b.minimumSizeHint().width() for b in window.panel.kind_buttons.values()]
    assert count.isdigit() and doors.toolTip().startswith(f"One-way doors: {count} shown")
    window.panel.arrange_for(420)
    assert doors.text() == f"Doors {count}"
    # the words never hold the sidebar wide: once wide, it must still fit back to 266 px at 1024 px
    assert [b.minimumSizeHint().width() for b in window.panel.kind_buttons.values()] == narrowest
    assert doors.sizeHint().width() > doors.minimumSizeHint().width()


def test_an_outline_heading_with_a_tab_reads_as_words_apart(qtbot, window, tmp_path):
    path = tmp_path / "numbered.md"
    path.write_text("# 1.0\tPURPOSE\n\nWhy.\n\n## 1.1\t\tSCOPE\n\nWhat.\n", encoding="utf-8")
    open_doc(qtbot, window, path)
    top = window.outline.topLevelItem(0)
    assert (top.text(0), top.child(0).text(0)) == ("1.0 PURPOSE", "1.1 SCOPE")


def test_a_long_group_header_ends_in_an_ellipsis_inside_the_card_width(qtbot):
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QFontMetrics, QImage, QPainter
    from PySide6.QtWidgets import QStyleOptionViewItem

    class Recorder(QPainter):
        def __init__(self, device) -> None:
            super().__init__(device)
            self.texts: list[tuple[int, str, int]] = []

        def drawText(self, rect, flags, text):  # noqa: N802 - records what the delegate draws, and how wide
            self.texts.append((rect.width(), text, QFontMetrics(self.font()).horizontalAdvance(text)))
            super().drawText(rect, flags, text)

    title = "Proposed solution — auto-charge on the due date for every existing account, opt-out"
    finding = Finding(source=Source.CHECK, rule="r", kind=Kind.OPEN_QUESTION, severity=Severity.MAJOR,
                      title="No owner", quote="owner", anchor=Anchor.EXACT, start=0, end=5)
    model = FindingsModel()
    model.update_findings([finding])
    model.set_sections({finding.id: title})
    panel = FindingsPanel(model)
    qtbot.addWidget(panel)
    panel.proxy.set_filter(group_by="section")
    image = QImage(260, 200, QImage.Format.Format_RGB32)
    painter = Recorder(image)
    option = QStyleOptionViewItem()
    option.rect, option.palette = QRect(0, 0, 260, 200), panel.palette()
    panel.delegate.paint(painter, option, panel.proxy.index(0, 0))
    painter.end()
    width, header, drawn = painter.texts[0]
    assert header.endswith("…") and header[:-1] in title.upper() and drawn <= width
