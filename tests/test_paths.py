"""Resources are found the same way from a checkout, an installed wheel and a frozen build."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO
from doccritic import paths

PROBE = "import doccritic.paths as p; print(p.resources_dir()); print(p.sample_prd().is_file())"


def test_source_checkout_uses_top_level_resources():
    assert paths.resources_dir() == REPO / "resources"
    assert paths.sample_prd().is_file()
    assert paths.resource("checks", "rules.toml").is_file()


def _layout(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(REPO / "doccritic", site / "doccritic", ignore=shutil.ignore_patterns("__pycache__"))
    return site


def test_wheel_layout_uses_packaged_resources(tmp_path: Path):
    site = _layout(tmp_path)
    shutil.copytree(REPO / "resources", site / "doccritic" / "resources")
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=tmp_path,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}, check=True,
    ).stdout.split()
    assert out == [str(site / "doccritic" / "resources"), "True"]


def test_frozen_layout_uses_meipass(tmp_path: Path):
    site = _layout(tmp_path)
    bundle = tmp_path / "bundle"
    shutil.copytree(REPO / "resources", bundle / "doccritic" / "resources")
    code = f"import sys; sys._MEIPASS = {str(bundle)!r}; " + PROBE
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}, check=True,
    ).stdout.split()
    assert out == [str(bundle / "doccritic" / "resources"), "True"]


def test_user_dirs_follow_overrides(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("DOCCRITIC_CONFIG_DIR", str(tmp_path / "c"))
    monkeypatch.setenv("DOCCRITIC_DATA_DIR", str(tmp_path / "d"))
    assert paths.config_dir() == tmp_path / "c"
    assert paths.data_dir() == tmp_path / "d"
    monkeypatch.delenv("DOCCRITIC_CONFIG_DIR")
    assert "doccritic" in str(paths.config_dir())
