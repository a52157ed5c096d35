#!/usr/bin/env bash
# Build the one-folder doccritic bundle with PyInstaller: dist/doccritic/ (dist/doccritic.app on macOS).
#
#   packaging/build.sh [--reuse-venv]
#
# Makes a clean venv in build/venv, installs doccritic with its `build` extra (PyInstaller) exactly as a user
# would install it, and runs PyInstaller on packaging/doccritic.spec. --reuse-venv keeps an existing
# build/venv (faster when iterating on the spec). PYTHON picks the interpreter (default: python3), e.g.
# PYTHON=python3.12 packaging/build.sh. Works on Linux, macOS and Git Bash on Windows.
set -euo pipefail
cd "$(dirname "$0")/.."

reuse=0
for arg in "$@"; do
  case "$arg" in
    --reuse-venv) reuse=1 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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

echo "== pip install '.[build]'"
"$bin/python" -m pip install -q '.[build]'
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
