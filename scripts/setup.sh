#!/usr/bin/env bash
# Create .venv and install Poise with its test extras; as root on Debian/Ubuntu, also the system
# libraries Qt's xcb (desktop) and offscreen platforms need, read from PySide6's own plugins with
# ldd (python -m poise.app.system_libs; without root, `poise` prints the apt-get line instead).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null && ! ldconfig -p | grep -q libportaudio.so.2; then
  # libportaudio2 is the microphone (sounddevice); without it sessions are recorded without sound.
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libportaudio2 >/dev/null
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null && ! command -v espeak-ng >/dev/null; then
  # espeak-ng (tests and scripts only): the speech clips with known words (tests/speech_clips.py).
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq espeak-ng >/dev/null
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]"
missing="$(.venv/bin/python -m poise.app.system_libs)"
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing system libraries for Qt: $missing"
    # shellcheck disable=SC2086  # one word per package
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  else
    echo "setup: Qt's window needs system libraries; install them with: sudo apt-get install -y $missing" >&2
  fi
fi
