# Replaces PyInstaller's own hook for PySide6.QtGui (hooks in the spec's hookspath take precedence) to leave
# out Qt plugins a widgets desktop app never loads. Filtering here, before PyInstaller follows the plugins'
# library dependencies, matters: the GTK3 platform theme alone drags a copy of the build machine's GTK, ATK,
# Cairo and Pango (~20 MB, and a mismatch with the user's GTK theme modules) into the bundle.
#
# Kept: platforms xcb, wayland, offscreen, minimal (and windows, cocoa on those systems), imageformats (svg,
# ico, png, jpeg, gif...), iconengines (svg icons), the xdg-desktop-portal theme, compose and ibus input,
# xcbglintegrations and the wayland client plugins. The styles plugins come from the QtWidgets hook.

from fnmatch import fnmatch

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

DROPPED_PLUGINS = [
    "platforms/*eglfs*", "platforms/*linuxfb*", "platforms/*vnc*", "platforms/*vkkhrdisplay*",
    "platforms/*minimalegl*", "egldeviceintegrations/*", "generic/*", "platformthemes/*gtk3*",
    "platforminputcontexts/*virtualkeyboard*", "imageformats/*qpdf*",
]

hiddenimports, binaries, datas = add_qt6_dependencies(__file__)


def _dropped(src: str) -> bool:
    src = src.replace("\\", "/")
    return any(fnmatch(src, "*/plugins/" + pattern) for pattern in DROPPED_PLUGINS)


binaries = [entry for entry in binaries if not _dropped(entry[0])]
