"""Times doccritic's real entry point to its first event-loop turn with the first document shown.

Used by the cold-start children of ``ui_speed.py`` and ``compare_editors.py``. It patches ``MainWindow``
as its module loads (a ``sys.meta_path`` hook) instead of importing it first, so that nothing is
imported earlier than doccritic imports it itself: the app forks its start-up helper before PySide6
is loaded and imports its Qt-free modules before PySide6 too, and timing must not change either.
"""

import sys


class _TimeWhenReady:
    def __init__(self, done):
        self.done = done

    def find_spec(self, name, path, target=None):
        if name != "doccritic.ui.main_window":
            return None
        import importlib.machinery

        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        run, done = spec.loader.exec_module, self.done

        def exec_module(module):
            run(module)
            from PySide6.QtCore import QTimer

            class Timed(module.MainWindow):
                def __init__(self, *args, **kwargs):
                    super().__init__(*args, **kwargs)
                    self.document_ready.connect(lambda: QTimer.singleShot(0, done))

            module.MainWindow = Timed

        spec.loader.exec_module = exec_module
        return spec


def install(done):
    """Call ``done`` on the first event-loop turn after the first document is shown with its checks."""
    sys.meta_path.insert(0, _TimeWhenReady(done))
