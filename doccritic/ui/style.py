"""How each kind of finding looks: colour, underline style and icon, in light and dark themes.

Kinds must be told apart without colour (for colour-blind readers and greyscale prints), so each kind
also has its own underline style and icon shape; severity sets how strong the tint is, and findings
from offline checks are drawn lighter than the critics'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from PySide6.QtGui import QColor, QIcon, QPalette, QTextCharFormat
from PySide6.QtWidgets import QApplication

from doccritic import paths
from doccritic.core.findings import Finding, Kind, Severity, Source, Status
from doccritic.core.labels import KINDS


@dataclass(frozen=True)
class KindStyle:
    label: str
    light: str
    dark: str
    underline: QTextCharFormat.UnderlineStyle
    icon: str


_UNDERLINES = {Kind.ONE_WAY_DOOR: QTextCharFormat.UnderlineStyle.SingleUnderline,
               Kind.WEAK_ARGUMENT: QTextCharFormat.UnderlineStyle.WaveUnderline,
               Kind.CHALLENGED_ASSUMPTION: QTextCharFormat.UnderlineStyle.DashUnderline,
               Kind.OPEN_QUESTION: QTextCharFormat.UnderlineStyle.DotLine}
#: Labels, colours and icons from the one table (``core/labels.py``); the underline is the editor's own.
KIND_STYLES: dict[Kind, KindStyle] = {kind: KindStyle(look.label, look.light, look.dark, _UNDERLINES[kind], look.icon)
                                      for kind, look in KINDS.items()}


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def kind_color(kind: Kind, dark: bool | None = None) -> QColor:
    style = KIND_STYLES[kind]
    return QColor(style.dark if (is_dark() if dark is None else dark) else style.light)


@cache
def kind_icon(kind: Kind) -> QIcon:
    return QIcon(str(paths.resource("icons", f"{KIND_STYLES[kind].icon}.svg")))


def highlight_format(finding: Finding, dark: bool, *, active: bool = False, flash: bool = False) -> QTextCharFormat:
    """The character format that marks a finding's span in the editor. The flash when a card is selected is
    the kind's colour itself under white (dark theme: black) text: both read at 4.5:1, where white on the
    translucent tint read at 2.2:1. Unflashed, the words keep the theme's text colour (the app palette's)."""
    style = KIND_STYLES[finding.kind]
    color = QColor(style.dark if dark else style.light)
    alpha = {Severity.CRITICAL: 70, Severity.MAJOR: 48, Severity.MINOR: 30}[finding.severity]
    if finding.source is Source.CHECK:
        alpha = alpha * 2 // 3
    if finding.status is not Status.OPEN:
        alpha = 12
    if active:
        alpha = 120
    if flash:
        alpha = 255
    fmt = QTextCharFormat()
    background = QColor(color)
    background.setAlpha(alpha)
    fmt.setBackground(background)
    # Highlighted words are drawn in the body text colour: the Markdown colours (a grey quote, a blue heading)
    # fall under 4.5:1 on a tint, the body colour never does.
    fmt.setForeground(QColor("#000000" if dark else "#ffffff") if flash
                      else QApplication.palette().color(QPalette.ColorRole.Text))
    fmt.setUnderlineStyle(style.underline)
    underline = QColor(color)
    underline.setAlpha(90 if finding.status is not Status.OPEN else 255)
    fmt.setUnderlineColor(underline)
    return fmt


def contrast(a: QColor | str, b: QColor | str) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21); body text wants at least 4.5."""

    def luminance(color: QColor | str) -> float:
        c = QColor(color)
        channels = []
        for v in (c.redF(), c.greenF(), c.blueF()):
            channels.append(v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4)
        r, g, b_ = channels
        return 0.2126 * r + 0.7152 * g + 0.0722 * b_

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def readable(color: QColor | str, background: QColor | str, minimum: float = 4.5) -> QColor:
    """``color`` made lighter or darker, keeping its hue, until text in it reads on ``background``: a persona's
    colour is chosen for a white-on-colour badge and must still read as text on the dark theme."""
    c = QColor(color)
    towards_light = QColor(background).lightness() < 128
    for _ in range(40):
        if contrast(c, background) >= minimum:
            break
        c = c.lighter(110) if towards_light else c.darker(110)
    return c


#: Scripts with no italic tradition, whose letters many fonts lack in their italic face (DejaVu Sans Oblique has
#: no Arabic: a quote drew as boxes): Hebrew, Arabic, Syriac, Thaana, N'Ko and the presentation forms, Indic
#: scripts, Thai, and Chinese, Japanese and Korean.
_NO_ITALIC = re.compile("[\u0590-\u08ff\u0900-\u0e7f\ufb1d-\ufdff\ufe70-\ufeff"
                        "\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def may_slant(text: str) -> bool:
    """Whether ``text`` may be set in italic: not when it holds a script that has no italic (see above)."""
    return _NO_ITALIC.search(text) is None
