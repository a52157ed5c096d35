"""What the frozen executables run: the same as the ``doccritic`` command (``doccritic.cli:main``).

A windowed Windows build has no console, so ``sys.stdout`` and ``sys.stderr`` are None there; point them at
the null device so that a stray print (argparse, a warning) cannot crash the window.
"""

import os
import sys
from pathlib import Path

for _name in ("stdout", "stderr"):
    if getattr(sys, _name) is None:
        setattr(sys, _name, Path(os.devnull).open("w"))  # noqa: SIM115 - lives as long as the process

from doccritic.cli import main  # noqa: E402 - after the streams exist

if __name__ == "__main__":
    sys.exit(main())
