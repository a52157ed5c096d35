"""Reading files safely: size limits, binary detection and honest text decoding.

Every loader reads through here so that a bad path, a huge file or a wrong encoding gives the user one
clear sentence instead of a traceback or silent mojibake.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from doccritic.core.errors import ErrorKind, LoadError
from doccritic.core.fileio import atomic_write_text  # noqa: F401 - re-exported for formats and ui

#: Largest text file (Markdown, plain text) we open: far above any real PRD (~100x a long one).
MAX_TEXT_BYTES = 20 * 1024 * 1024
#: Largest DOCX on disk; images make real files big, so this is generous.
MAX_DOCX_BYTES = 100 * 1024 * 1024

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(frozen=True, slots=True)
class DecodedText:
    text: str
    encoding: str
    bom: bool
    warning: str | None = None


def human_size(n: int) -> str:
    """'20 MB' style sizes for messages."""
    size = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}".replace(".0 ", " ")
        size /= 1024
    return f"{n} bytes"


def over_limit(size: int, limit: int) -> str:
    """'25 MB, over the 20 MB limit'; exact byte counts when rounding would make the two look equal."""
    shown, cap = human_size(size), human_size(limit)
    if shown == cap:
        shown, cap = f"{size:,} bytes", f"{cap} ({limit:,} bytes)"
    return f"{shown}, over the {cap}"


def read_bytes(path: Path, limit: int) -> bytes:
    """Read a whole file, refusing what we cannot or should not open, with a user-facing reason."""
    name = path.name or str(path)
    try:
        if not path.exists():
            raise LoadError(f"Cannot open {name}: no such file.", ErrorKind.NOT_FOUND)
        if path.is_dir():
            raise LoadError(f"Cannot open {name}: it is a folder, not a document.", ErrorKind.UNREADABLE)
        size = path.stat().st_size
        if size > limit:
            raise LoadError(
                f"Cannot open {name}: it is {over_limit(size, limit)} limit "
                "for this kind of file.",
                ErrorKind.TOO_LARGE,
            )
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except PermissionError:
        raise LoadError(f"Cannot open {name}: permission denied.", ErrorKind.UNREADABLE) from None
    except IsADirectoryError:
        raise LoadError(f"Cannot open {name}: it is a folder, not a document.", ErrorKind.UNREADABLE) from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise LoadError(f"Cannot open {name}: {reason.lower()}.", ErrorKind.UNREADABLE) from None
    if len(data) > limit:  # grew while we read it
        raise LoadError(f"Cannot open {name}: it is over the {human_size(limit)} limit.", ErrorKind.TOO_LARGE)
    return data


def looks_binary(data: bytes) -> bool:
    """True for data no text editor should show: NUL bytes or mostly control characters."""
    sample = data[:8192]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls / len(sample) > 0.10


def decode_text(data: bytes, name: str) -> DecodedText:
    """Decode text the way a careful editor would.

    UTF-8 (with or without BOM) and UTF-16/32 with a BOM decode silently. Anything else is detected
    with charset-normalizer and comes back with a warning the UI shows, so a wrong guess is never
    silent. Binary data is refused.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return DecodedText(data[len(bom) :].decode(encoding), encoding, bom=True)
            except UnicodeDecodeError:
                continue  # FF FE 00 00 is also UTF-16-LE text that starts with U+0000
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) or data.startswith(codecs.BOM_UTF8):
        raise LoadError(
            f"Cannot open {name}: it starts with a Unicode byte-order mark but the text after it is damaged.",
            ErrorKind.CORRUPT,
        )
    if looks_binary(data):
        raise LoadError(f"Cannot open {name}: it contains binary data, not text.", ErrorKind.BINARY)
    try:
        return DecodedText(data.decode("utf-8"), "utf-8", bom=False)
    except UnicodeDecodeError:
        pass
    return _decode_fallback(data, name)


# Single-byte Western code pages that charset-normalizer confuses on short text (it calls French
# cp1257 and German cp1250). Windows-1252 is by far the most common legacy document encoding, so
# when the guess falls in this family and cp1252 decodes cleanly, cp1252 wins.
_LATIN_FAMILY = re.compile(
    r"^(?:cp125[02478]|latin_1|iso8859_(?:1|2|3|4|9|10|13|14|15|16)|mac_(?:roman|latin2|iceland|turkish))$"
)


def _decode_fallback(data: bytes, name: str) -> DecodedText:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    encoding = best.encoding if best is not None else "cp1252"
    if _LATIN_FAMILY.match(encoding):
        try:
            data.decode("cp1252")
            encoding = "cp1252"
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        encoding = "cp1252"
        text = data.decode(encoding, errors="replace")
    label = codecs.lookup(encoding).name
    warning = (
        f"{name} is not UTF-8; it was read as {label}. If accents or symbols look wrong, "
        "re-save the file as UTF-8."
    )
    return DecodedText(text, label, bom=False, warning=warning)
