#!/usr/bin/env bash
# Create .venv and install Poise with its test extras (system libraries Qt needs, when root).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null && ! { ldconfig -p | grep -q libEGL.so.1 && ldconfig -p | grep -q libportaudio.so.2; }; then
  # Qt's xcb/offscreen platform plugins load these; minimal images lack them. libportaudio2 is
  # the microphone (sounddevice); without it sessions are recorded without sound.
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libportaudio2 >/dev/null
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]"
