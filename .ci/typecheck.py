"""Run mypy on doccritic: no errors in the typed zone, and no more than the budget anywhere else.

The typed zone is the ``[[tool.mypy.overrides]]`` entry of pyproject.toml that sets ``disallow_untyped_defs``
(core, claude, formats and the window's session layer). Elsewhere (the rest of ``ui/``, the CLI) errors are
allowed up to the number in .ci/mypy-budget.txt, which may only go down: when this run finds fewer, it says
so, and the commit that fixed them lowers the number. Run by .ci/run on the newest leg; locally:
``python .ci/typecheck.py`` (needs the test extra). Exit 1 when the zone has errors or the budget is exceeded.
"""

from __future__ import annotations

import fnmatch
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET = ROOT / ".ci" / "mypy-budget.txt"
_ERROR = re.compile(r"^(?P<path>[^:\s]+\.py):\d+(?::\d+)?: error: ")


def zone_patterns() -> list[str]:
    overrides = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]["overrides"]
    zone = next(o for o in overrides if o.get("disallow_untyped_defs"))
    modules = zone["module"]
    return [modules] if isinstance(modules, str) else list(modules)


def module_of(path: str) -> str:
    parts = list(Path(path).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def in_zone(module: str, patterns: list[str]) -> bool:
    """mypy's rule: ``pkg.*`` names the package and everything under it."""
    return any(module == p.removesuffix(".*") or fnmatch.fnmatchcase(module, p) for p in patterns)


def read_budget() -> int:
    lines = [ln.strip() for ln in BUDGET.read_text(encoding="utf-8").splitlines()]
    return int(next(ln for ln in lines if ln and not ln.startswith("#")))


def main() -> int:
    run = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, check=False)
    if run.returncode not in (0, 1):  # 2: mypy itself failed (bad config, crash)
        print(run.stdout, run.stderr, sep="\n", file=sys.stderr)
        print(f"mypy did not run (exit {run.returncode})", file=sys.stderr)
        return 1
    patterns = zone_patterns()
    zone, rest = [], []
    for line in run.stdout.splitlines():
        m = _ERROR.match(line)
        if m:
            (zone if in_zone(module_of(m.group("path")), patterns) else rest).append(line)
    budget = read_budget()
    failed = False
    if zone:
        print(f"{len(zone)} type error(s) in the typed zone, which must have none:", *zone, sep="\n  ")
        failed = True
    if len(rest) > budget:
        print(f"{len(rest)} type errors outside the typed zone, over the budget of {budget} "
              f"({BUDGET.relative_to(ROOT)}); fix the new ones:", *rest, sep="\n  ")
        failed = True
    elif len(rest) < budget:
        print(f"{len(rest)} type errors outside the typed zone, {budget - len(rest)} under the budget: "
              f"lower {BUDGET.relative_to(ROOT)} to {len(rest)}.")
    if not failed:
        print(f"mypy: typed zone clean; {len(rest)} errors elsewhere (budget {budget})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
