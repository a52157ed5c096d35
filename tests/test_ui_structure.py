"""The window's shape: no import circles inside ui/, and no controller that reaches for the window."""

from __future__ import annotations

from itertools import combinations

import grimp
import pytest


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("doccritic")  # imports under TYPE_CHECKING count too


def test_no_import_circles_inside_ui(graph):
    ui = sorted(m for m in graph.modules if m.startswith("doccritic.ui."))
    circles = [(a, b) for a, b in combinations(ui, 2) if graph.chain_exists(a, b) and graph.chain_exists(b, a)]
    assert circles == []


def test_only_the_composition_root_knows_the_window(graph):
    """Controllers get the session and narrow protocols (ui/hosts.py, CriticsHost, ExportsHost), never MainWindow."""
    assert graph.find_modules_that_directly_import("doccritic.ui.main_window") == {"doccritic.app"}
