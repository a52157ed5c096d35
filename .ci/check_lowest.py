"""Check that .ci/constraints-lowest.txt pins every direct dependency to its lower bound in pyproject.toml.

Run by .ci/run before the lowest leg installs anything, so a stale file is named as such rather than showing up
as a pip conflict (a raised bound) or not at all (a new dependency, which pip would take at its newest version).
Needs only Python 3.11+ and pip (it falls back to pip's copy of `packaging`). Exit 1 when the file is stale.
"""

import re
import sys
import tomllib
from pathlib import Path

try:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
    from packaging.version import Version
except ImportError:  # a fresh venv: pip carries its own copy
    from pip._vendor.packaging.requirements import Requirement
    from pip._vendor.packaging.utils import canonicalize_name
    from pip._vendor.packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
CONSTRAINTS = ROOT / ".ci" / "constraints-lowest.txt"
EXTRAS = ("test",)  # the extras the lowest leg installs


def pins(path: Path) -> dict[str, Version]:
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", line)
        if m:
            found[canonicalize_name(m.group(1))] = Version(m.group(2))
    return found


def main() -> int:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    direct = list(project["dependencies"])
    for extra in EXTRAS:
        direct += project["optional-dependencies"][extra]
    pinned = pins(CONSTRAINTS)
    where = CONSTRAINTS.relative_to(ROOT)
    problems = []
    for text in direct:
        req = Requirement(text)
        name = canonicalize_name(req.name)
        floors = [Version(s.version) for s in req.specifier if s.operator == ">="]
        if not floors:
            problems.append(f"{req.name}: no lower bound (>=) in pyproject.toml")
            continue
        floor = max(floors)
        pin = pinned.get(name)
        if pin is None:
            problems.append(f"{req.name}: not pinned in {where}")
        elif not req.specifier.contains(pin, prereleases=True) or pin.release[: len(floor.release)] != floor.release:
            problems.append(f"{req.name}: pinned to {pin}, but the lower bound in pyproject.toml is {floor}")
    if problems:
        print(f"{where} is stale:", *problems, sep="\n  ", file=sys.stderr)
        print(f"Regenerate it with the command at the top of {where} (docs/packaging.md, Dependency policy).",
              file=sys.stderr)
        return 1
    print(f"{where}: all {len(direct)} direct dependencies pinned to their lower bounds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
