#!/usr/bin/env bash
# Build the bundle (unless --no-build) and check that the frozen app works, offscreen:
#   --version; the window on the sample PRD saved as a 1200x800 PNG; `check --format json`; `personas`;
#   `export` to docx, html, pdf and md; `review` against the test suite's loopback API (packaging/smoke_review.py).
# Prints how long each step took. Needs python3 (the build needs it anyway) for the JSON and review checks.
#
#   packaging/smoke.sh [--no-build] [--reuse-venv]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

build=1
build_args=()
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    --reuse-venv) build_args+=(--reuse-venv) ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "smoke.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

python=${PYTHON:-python3}
for candidate in build/venv/bin/python build/venv/Scripts/python.exe; do
  [ -x "$candidate" ] && python="$root/$candidate"
done

now() { if [ -n "${EPOCHREALTIME:-}" ]; then echo "${EPOCHREALTIME/,/.}"; else date +%s; fi; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }
limit() {  # limit SECONDS CMD...: a hung frozen app must fail the smoke test, not hang it
  if command -v timeout >/dev/null 2>&1; then timeout "$@"; elif command -v gtimeout >/dev/null 2>&1; then gtimeout "$@"
  else shift; "$@"; fi
}
fail() {
  if [ -s "${tmp:-}/stderr.log" ]; then echo "-- the app's stderr:" >&2; tail -n 40 "$tmp/stderr.log" >&2; fi
  echo "FAIL: $*" >&2; exit 1
}
report=()
step() { report+=("$(printf '%-34s %s' "$1" "$(elapsed "$2")")"); echo "ok   $1 ($(elapsed "$2"))"; }

total=$(now)
if [ "$build" -eq 1 ]; then
  t=$(now)
  packaging/build.sh ${build_args[@]+"${build_args[@]}"}
  step "build (packaging/build.sh)" "$t"
fi

bundle=dist/doccritic
case "$(uname -s)" in
  Darwin) bundle=dist/doccritic.app; exe=$bundle/Contents/MacOS/doccritic ;;
  MINGW*|MSYS*|CYGWIN*) exe=$bundle/doccritic-cli.exe ;;
  *) exe=$bundle/doccritic ;;
esac
[ -x "$exe" ] || fail "$exe not found: build first (packaging/build.sh)"
exe="$root/$exe"

# Keep the user's settings, reviews and keyring out of it; Qt and platformdirs both follow XDG_*.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" XDG_CACHE_HOME="$tmp/cache"
export DOCCRITIC_CONFIG_DIR="$tmp/config/doccritic" DOCCRITIC_DATA_DIR="$tmp/data/doccritic"
export QT_QPA_PLATFORM=offscreen
unset ANTHROPIC_API_KEY ANTHROPIC_BASE_URL
sample="$root/resources/samples/sample-prd.md"
cd "$tmp"  # nothing may depend on being run from the checkout

t=$(now)
version=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$root/doccritic/__init__.py")
out=$(limit 60 "$exe" --version)
[ "$out" = "doccritic $version" ] || fail "--version printed '$out', expected 'doccritic $version'"
step "--version" "$t"

t=$(now)
png="$tmp/window.png"
limit 90 "$exe" "$sample" --screenshot "$png" --size 1200x800 2>>"$tmp/stderr.log" || fail "--screenshot exited $?"
[ -f "$png" ] || fail "no screenshot written"
bytes=$(wc -c <"$png" | tr -d ' ')
# PNG: width and height are big-endian 32-bit integers at bytes 16 and 20.
read -r width height < <(od -An -tu1 -j16 -N8 "$png" | awk '{ print $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8 }')
[ "$bytes" -gt 20000 ] || fail "screenshot is only $bytes bytes: blank window?"
[ "$width" = 1200 ] && [ "$height" = 800 ] || fail "screenshot is ${width}x${height}, expected 1200x800"
cp "$png" "$root/dist/smoke-window.png"
step "window screenshot (${bytes} B)" "$t"

t=$(now)
limit 60 "$exe" check "$sample" --format json >"$tmp/review.json" 2>>"$tmp/stderr.log" || fail "check exited $?"
findings=$("$python" -c 'import json, sys; r = json.load(open(sys.argv[1])); print(len(r["findings"]))' "$tmp/review.json") \
  || fail "check --format json did not print JSON"
[ "$findings" -gt 0 ] || fail "check found nothing in the sample PRD"
step "check --format json ($findings findings)" "$t"

t=$(now)
limit 60 "$exe" personas --format json >"$tmp/personas.json" 2>>"$tmp/stderr.log" || fail "personas exited $?"
"$python" -c 'import json, sys; assert len(json.load(open(sys.argv[1]))) >= 9' "$tmp/personas.json" \
  || fail "personas --format json did not list the built-in personas"
step "personas --format json" "$t"

t=$(now)
for fmt in docx html pdf md; do
  limit 90 "$exe" export "$tmp/review.json" --source "$sample" -o "$tmp/export.$fmt" >/dev/null 2>>"$tmp/stderr.log" \
    || fail "export to $fmt exited $?"
  [ -s "$tmp/export.$fmt" ] || fail "export to $fmt wrote nothing"
done
"$python" -c 'import sys, zipfile; assert "word/comments.xml" in zipfile.ZipFile(sys.argv[1]).namelist()' "$tmp/export.docx" \
  || fail "the .docx export has no Word comments"
head -c 5 "$tmp/export.pdf" | grep -q '%PDF-' || fail "the .pdf export is not a PDF"
step "export docx, html, pdf, md" "$t"

t=$(now)
if [ -d "$root/tests/fakes" ]; then
  limit 180 "$python" "$root/packaging/smoke_review.py" "$exe" || fail "review against the loopback API"
  step "review (loopback API)" "$t"
else
  echo "skip review: tests/fakes is not in this checkout"
fi

echo
echo "smoke test passed: $exe"
printf '  %s\n' "${report[@]}"
echo "  $(printf '%-34s %s' total "$(elapsed "$total")")"
echo "  bundle: $bundle, $(du -sh "$root/$bundle" | cut -f1); screenshot: dist/smoke-window.png"
