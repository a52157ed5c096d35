"""Every text colour the window draws reads at WCAG AA (4.5:1) in both themes, on the background it sits on."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from doccritic.core.findings import Finding, Kind, Severity, Source, Status
from doccritic.core.personas import load_personas
from doccritic.ui import theme
from doccritic.ui.cards import FADED_ALPHA, SELECTED_TINT
from doccritic.ui.style import KIND_STYLES, contrast, highlight_format, readable

ROLES = QPalette.ColorRole
PAIRS = [
    (ROLES.Text, ROLES.Base), (ROLES.WindowText, ROLES.Window), (ROLES.ButtonText, ROLES.Button),
    (ROLES.PlaceholderText, ROLES.Base), (ROLES.PlaceholderText, ROLES.Window), (ROLES.Link, ROLES.Base),
    (ROLES.HighlightedText, ROLES.Highlight), (ROLES.ToolTipText, ROLES.ToolTipBase), (ROLES.Text, ROLES.AlternateBase),
    (ROLES.WindowText, ROLES.AlternateBase), (ROLES.PlaceholderText, ROLES.AlternateBase),  # banners, hint
]


@pytest.fixture(params=["light", "dark"])
def palette(request, qapp):
    theme.apply(request.param)
    yield QApplication.palette()
    theme.apply("light")


def test_palette_text_reads_on_its_background(palette):
    low = {(fg.name, bg.name): round(contrast(palette.color(fg), palette.color(bg)), 2) for fg, bg in PAIRS
           if contrast(palette.color(fg), palette.color(bg)) < 4.5}
    assert low == {}


def test_kind_colours_read_on_cards_and_in_the_editor(palette):
    dark = palette.color(ROLES.Window).lightness() < 128
    for kind, style in KIND_STYLES.items():
        for background in (palette.color(ROLES.Base), palette.color(ROLES.Window)):
            assert contrast(style.dark if dark else style.light, background) >= 4.5, kind


def test_persona_badges_and_names_read_in_both_themes(palette):
    for persona in load_personas().personas:
        assert contrast("#ffffff", persona.color) >= 4.5, persona.id  # the white initials on the badge
        assert contrast(readable(persona.color, palette.color(ROLES.Base)), palette.color(ROLES.Base)) >= 4.5


def test_debate_links_follow_the_theme(qtbot):
    from doccritic.ui.debate_view import DebateView

    theme.apply("light")
    view = DebateView()
    qtbot.addWidget(view)
    theme.apply("dark")
    QApplication.processEvents()
    base = view.transcript.palette().color(ROLES.Base)
    link = view.transcript.document().defaultStyleSheet().split("color:")[1].split(";")[0].strip()
    assert base.lightness() < 128 and contrast(link, base) >= 4.5
    theme.apply("light")


def over(color: QColor, background: QColor) -> QColor:
    """``color`` (with its alpha) painted on an opaque ``background``."""
    a = color.alphaF()
    return QColor.fromRgbF(*(a * x + (1 - a) * y for x, y in zip(color.getRgbF()[:3], background.getRgbF()[:3],
                                                                    strict=True)))


def test_text_reads_on_every_highlight_and_the_flash_and_markdown_colours_read(palette):
    """The editor's text (and its Markdown colours) on each kind of highlight, at each strength: open,
    decided, selected and flashed. Highlighted words take the body colour (or the flash's) over the Markdown's."""
    from doccritic.ui.highlighter import MARKDOWN_COLOURS

    dark = palette.color(ROLES.Window).lightness() < 128
    base = palette.color(ROLES.Base)
    inks = [palette.color(ROLES.Text), *map(QColor, MARKDOWN_COLOURS[dark])]
    assert all(contrast(ink, base) >= 4.5 for ink in inks)
    low = []
    for kind, severity, source, status, active, flash in itertools.product(
            Kind, Severity, Source, Status, (False, True), (False, True)):
        finding = Finding(kind=kind, severity=severity, source=source, status=status, title="t")
        fmt = highlight_format(finding, dark, active=active, flash=flash)
        background = over(fmt.background().color(), base)
        for ink in [fmt.foreground().color()]:
            if contrast(ink, background) < 4.5:
                low.append((kind.value, severity.value, source.value, status.value, active, flash, ink.name(),
                            round(contrast(ink, background), 2)))
    assert low == [], "\n".join(map(str, low))


def test_card_text_reads_on_a_card_selected_or_not_open_or_decided(palette):
    """A card's lines: the kind-coloured meta line, the grey quote, the body (faded when decided), on the
    card's fill and on the selected card's tint."""
    dark = palette.color(ROLES.Window).lightness() < 128
    base = palette.color(ROLES.Base)
    faded = QColor(palette.color(ROLES.Text))
    faded.setAlpha(FADED_ALPHA)
    for kind, style in KIND_STYLES.items():
        tint = QColor(style.dark if dark else style.light)
        tint.setAlpha(SELECTED_TINT[dark])
        for fill in (base, over(tint, base)):
            for ink in (QColor(style.dark if dark else style.light), palette.color(ROLES.PlaceholderText),
                        palette.color(ROLES.Text), over(faded, fill)):
                assert contrast(ink, fill) >= 4.5, (kind, ink.name(), fill.name())
