"""Peak memory of loading a large .docx, against the XML limit (a measurement, not a test; issue #21 item 3).

Run from the repository root:

    /tmp/dev/bin/python bench/docx_memory.py [--xml-mb 20 60 90] [--check] [--timeout 600]

For each size it writes a .docx whose word/document.xml is about that many MB of short, varied paragraphs
(so it compresses like prose, ~8:1), loads it with ``load_document`` in a fresh process and prints the
peak resident memory (VmHWM) and the time. Goal: at most 1.5 GB at the documented limit
(``doccritic.formats.ooxml.MAX_XML_BYTES``). With ``--check`` the child runs the command a user runs,
``doccritic check FILE --format json`` (load, offline checks, the review JSON), in process, and prints its
peak. Exits 0 even when a load fails; 124 on --timeout.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import docx
import harness  # bench/harness.py, beside this script

_PARA = ('<w:p><w:pPr><w:pStyle w:val="Normal"/></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">'
         "Auto-charge is turned on by default for every {words} </w:t></w:r><w:r><w:t>on launch day.</w:t></w:r></w:p>")
_CHILD = """
import contextlib, io, sys, time
from pathlib import Path
started = time.perf_counter()
if sys.argv[2:] == ["check"]:  # the command itself, as a user runs it: doccritic check FILE --format json
    from doccritic import cli
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["check", sys.argv[1], "--format", "json"])
    what = f"doccritic check exit {code}, {len(out.getvalue()):,} bytes of JSON" + (
        f": {err.getvalue().strip()}" if code else "")
else:
    from doccritic.formats.loader import load_document
    try:
        what = f"{len(load_document(Path(sys.argv[1])).blocks):,} paragraphs"
    except Exception as exc:
        what = f"refused: {exc}"
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the forked bench, which built the file
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM")) / 1024
print(f"{peak:,.0f} MB peak, {time.perf_counter() - started:.1f} s, {what}")
"""


def write_docx(path: Path, xml_mb: int) -> None:
    rng = random.Random(1)
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9))) for _ in range(5000)]
    base = path.with_suffix(".base.docx")
    docx.Document().save(str(base))
    paras, size = [], 0
    while size < xml_mb * 1024 * 1024:
        paras.append(_PARA.format(words=" ".join(rng.choice(words) for _ in range(6))))
        size += len(paras[-1])
    body = "".join(paras)
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                text = data.decode()
                at = text.index("<w:body>") + len("<w:body>")
                data = (text[:at] + body + text[at:]).encode()
            dst.writestr(item, data)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--xml-mb", type=int, nargs="+", default=[20, 60, 90])
    ap.add_argument("--check", action="store_true", help="run `doccritic check FILE --format json` instead of a load")
    harness.add_timeout_option(ap, default=600)
    args = ap.parse_args()
    harness.install_timeout(args.timeout, "bench/docx_memory.py")
    print(harness.load_line("start"))
    with tempfile.TemporaryDirectory() as tmp:
        for mb in args.xml_mb:
            path = Path(tmp) / f"xml-{mb}mb.docx"
            write_docx(path, mb)
            command = [sys.executable, "-c", _CHILD, str(path), *(["check"] if args.check else [])]
            proc = harness.track(subprocess.Popen(command, stdout=subprocess.PIPE, text=True))
            out, _ = proc.communicate()
            print(f"{mb:>4} MB of XML ({path.stat().st_size / 1e6:.1f} MB file): {out.strip()}", flush=True)
    print(harness.load_line("end"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
