"""Every text colour the window draws reads at WCAG AA (4.5:1) in both themes, on the background it sits on."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from doccritic.core.personas import load_personas
from doccritic.ui import theme
from doccritic.ui.style import KIND_STYLES, contrast, readable

ROLES = QPalette.ColorRole
PAIRS = [
    (ROLES.Text, ROLES.Base), (ROLES.WindowText, ROLES.Window), (ROLES.ButtonText, ROLES.Button),
    (ROLES.PlaceholderText, ROLES.Base), (ROLES.PlaceholderText, ROLES.Window), (ROLES.Link, ROLES.Base),
    (ROLES.HighlightedText, ROLES.Highlight), (ROLES.ToolTipText, ROLES.ToolTipBase), (ROLES.Text, ROLES.AlternateBase),
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
