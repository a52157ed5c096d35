"""The Qt user interface: the only package that imports PySide6.

Start-up order matters (``doccritic.app.run_gui``): the first document's helper is forked before
anything heavy is imported (``preload``), and the Qt-free modules the window needs (``session``) are
imported before PySide6, because once it is loaded shiboken's ``__feature__`` hook reads the source of
every module imported after it (inspect.getsource, ~40 ms for this dependency tree).
"""
