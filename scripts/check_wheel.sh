#!/usr/bin/env bash
# Packaging check (.ci/run runs it before the tests): build Poise's wheel, install it into a fresh
# virtual environment, and from outside the repository check that `poise analyze CLIP --no-save`
# runs, that the built-in question decks load from the installed package, and that the install
# claims no generic top-level import names (app, vision, assets). Needs ../shared (models, clips).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
shared="${POISE_SHARED_DIR:-$(cd .. && pwd)/shared}"
clip="$shared/clips/pyfeat__single_face.mp4"
[ -f "$clip" ] || { echo "check_wheel: $clip not found: the check needs ../shared beside the project" >&2; exit 1; }
# The project venv's Python (scripts/setup.sh makes it) has pip; a bare system python3 may not.
python="${PYTHON:-$root/.venv/bin/python}"
[ -x "$python" ] || python=python3
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "check_wheel: building the wheel"
"$python" -m pip wheel -q --disable-pip-version-check --no-deps -w "$work/dist" "$root"
wheel="$(ls "$work"/dist/poise-*.whl)"
echo "check_wheel: installing $(basename "$wheel") into a fresh venv"
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q --disable-pip-version-check "$wheel"

cd "$work"   # outside the repository: nothing may come from the source tree
export POISE_HOME="$work/home" POISE_MODEL_DIR="$shared/models" QT_QPA_PLATFORM=offscreen
"$work/venv/bin/python" - "$work/venv" <<'EOF'
import importlib.util, sys, sysconfig
from pathlib import Path

venv = Path(sys.argv[1]).resolve()
site = Path(sysconfig.get_paths()["purelib"]).resolve()
import poise.vision
where = Path(poise.vision.__path__[0]).resolve()
assert venv in where.parents, f"poise.vision comes from {where}, not the fresh venv"
clashes = [n for n in ("app", "vision", "assets") if (site / n).exists() or importlib.util.find_spec(n)]
assert not clashes, f"the wheel installs generic top-level names: {clashes}"
from poise.vision.practice.questions import all_questions, load_decks
decks, problems = load_decks(user_dir=venv / "no-user-decks")
questions = all_questions(decks)
assert decks and len(questions) >= 10 and not problems, (decks, problems)
print(f"check_wheel: {len(decks)} built-in deck(s), {len(questions)} questions; "
      f"no top-level app/vision/assets in {site}")
EOF
out="$("$work/venv/bin/poise" analyze "$clip" --no-save --quiet)"
echo "$out" | sed 's/^/check_wheel: poise analyze: /'
echo "$out" | grep -q "eye contact" || { echo "check_wheel: poise analyze printed no summary" >&2; exit 1; }
[ ! -e "$POISE_HOME/poise.sqlite3" ] || { echo "check_wheel: --no-save saved a session" >&2; exit 1; }
echo "check_wheel: ok"
