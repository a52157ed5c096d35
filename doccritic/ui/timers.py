"""Timers built in one call, typed (PySide6 takes a timer's settings as constructor keywords, which its type
stubs do not know)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer


def timer(parent: QObject, ms: int, slot: Callable[[], object], *, single_shot: bool = True) -> QTimer:
    """A timer that calls ``slot`` ``ms`` after it is started (and every ``ms`` unless ``single_shot``)."""
    t = QTimer(parent)
    t.setSingleShot(single_shot)
    t.setInterval(ms)
    t.timeout.connect(slot)
    return t
