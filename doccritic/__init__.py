"""doccritic: pressure-test a draft before the meeting where it would be torn apart."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("doccritic")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
