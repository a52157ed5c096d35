"""``python -m doccritic`` is the same as the ``doccritic`` command."""

import sys

from doccritic.cli import main

sys.exit(main())
