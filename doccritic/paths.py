"""Where doccritic finds its bundled resources and keeps the user's data.

Resources are data files (personas, prompts, check rules, the sample PRD). They sit at the top of a
source checkout and inside the package in a wheel (``doccritic/resources``) or a PyInstaller build
(``sys._MEIPASS/doccritic/resources``); this module is the one place that knows.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from platformdirs import PlatformDirs

APP_NAME = "doccritic"


@cache
def resources_dir() -> Path:
    """The bundled resources folder, wherever doccritic is running from."""
    here = Path(__file__).resolve().parent
    candidates = [here / "resources", here.parent / "resources"]
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidates.insert(0, Path(frozen) / "doccritic" / "resources")
    for candidate in candidates:
        if (candidate / "checks").is_dir():
            return candidate
    raise FileNotFoundError("doccritic's resources folder is missing; reinstall doccritic.")


def resource(*parts: str) -> Path:
    """Path of one bundled resource, e.g. ``resource("samples", "sample-prd.md")``."""
    return resources_dir().joinpath(*parts)


def sample_prd() -> Path:
    return resource("samples", "sample-prd.md")


def _platform_dirs() -> PlatformDirs:  # imported lazily: platformdirs is only needed when user data is touched
    from platformdirs import PlatformDirs

    return PlatformDirs(APP_NAME, appauthor=False)


def config_dir() -> Path:
    """User settings and personas. ``DOCCRITIC_CONFIG_DIR`` overrides it (tests, portable installs)."""
    override = os.environ.get("DOCCRITIC_CONFIG_DIR")
    return Path(override) if override else Path(_platform_dirs().user_config_dir)


def data_dir() -> Path:
    """Review database and autosaves. ``DOCCRITIC_DATA_DIR`` overrides it."""
    override = os.environ.get("DOCCRITIC_DATA_DIR")
    return Path(override) if override else Path(_platform_dirs().user_data_dir)
