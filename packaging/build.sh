#!/usr/bin/env bash
# Build the one-folder doccritic bundle with PyInstaller: dist/doccritic/ (dist/doccritic.app on macOS).
#
#   packaging/build.sh [--reuse-venv]
#
# Makes a clean venv in build/venv, installs the exact versions in packaging/requirements.lock (every dependency
# and PyInstaller, hash-checked), then doccritic itself with --no-deps, checks that they fit together (pip check),
# and runs PyInstaller on packaging/doccritic.spec, so the bundle is reproducible. --reuse-venv keeps an existing
# build/venv (faster when iterating on the spec). PYTHON picks the interpreter (default: python3), e.g.
# PYTHON=python3.12 packaging/build.sh. Works on Linux, macOS and Git Bash on Windows.
set -euo pipefail
cd "$(dirname "$0")/.."

reuse=0
for arg in "$@"; do
  case "$arg" in
    --reuse-venv) reuse=1 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

python=${PYTHON:-python3}
venv=build/venv
started=$SECONDS

if [ "$reuse" -eq 0 ] || [ ! -d "$venv" ]; then
  echo "== clean venv in $venv ($("$python" --version))"
  rm -rf "$venv"
  "$python" -m venv "$venv"
fi
bin="$venv/bin"
[ -d "$venv/Scripts" ] && bin="$venv/Scripts"  # Windows

echo "== pip install -r packaging/requirements.lock, then doccritic --no-deps"
"$bin/python" -m pip install -q --require-hashes -r packaging/requirements.lock
"$bin/python" -m pip install -q --no-deps .
# A lock older than a bound in pyproject.toml fails here; regenerate it (the command is at the top of the lock).
"$bin/python" -m pip check
installed=$SECONDS

echo "== pyinstaller packaging/doccritic.spec"
rm -rf dist/doccritic dist/doccritic.app
"$bin/python" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/doccritic.spec
done_at=$SECONDS

bundle=dist/doccritic
[ -d dist/doccritic.app ] && bundle=dist/doccritic.app
echo
echo "bundle:  $(pwd)/$bundle"
echo "size:    $(du -sh "$bundle" | cut -f1) ($(find "$bundle" -type f | wc -l | tr -d ' ') files)"
echo "time:    $((done_at - started)) s (venv and pip $((installed - started)) s, PyInstaller $((done_at - installed)) s)"
