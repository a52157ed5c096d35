"""The Qt user interface: the only package that imports PySide6.

Importing this package first loads the Qt-free modules the window needs. Once PySide6 is imported,
shiboken's ``__feature__`` hook reads the source of every module imported after it (inspect.getsource,
~40 ms for this dependency tree), so importing them before PySide6 keeps that off the cold start.
"""

import doccritic.ui.session  # noqa: F401
