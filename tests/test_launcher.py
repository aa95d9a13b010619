"""The `poise` launcher: CLI subcommands and --help/--version go to vision.cli without Qt;
anything else is parsed as window options, bad ones end in one sentence and exit code 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import clip

ROOT = Path(__file__).resolve().parents[1]


def _run(code: str, env_home: Path) -> subprocess.CompletedProcess:
    import os

    env = {**os.environ, "POISE_HOME": str(env_home), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


def test_cli_subcommands_run_without_importing_qt(tmp_path):
    code = ("import sys; from poise.app.launcher import main; rc = main(['sessions']); "
            "assert not any(m.startswith('PySide6') for m in sys.modules), 'Qt was imported'; sys.exit(rc)")
    r = _run(code, tmp_path / "home")
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr


def test_version_and_help(capsys):
    from poise.app.launcher import main

    assert main(["--version"]) == 0
    assert "poise" in capsys.readouterr().out
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "analyze" in out and "--camera-file" in out, "help lists the CLI and the window's options"


def test_bad_camera_file_is_one_sentence_and_exit_2_before_qt(tmp_path):
    missing = tmp_path / "nope.mp4"
    code = (f"import sys; from poise.app.launcher import main; rc = main(['--camera-file', {str(missing)!r}]); "
            "assert 'PySide6.QtWidgets' not in sys.modules; sys.exit(rc)")
    r = _run(code, tmp_path / "home")
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "nope.mp4" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("argv, word", [(["--frobnicate"], "--frobnicate"), (["analyse-it"], "analyse-it")])
def test_unknown_words_are_refused(capsys, argv, word):
    from poise.app.launcher import main

    assert main(argv) == 2
    err = capsys.readouterr().err
    assert word in err and err.count("\n") == 1


def test_window_options_reach_the_gui(monkeypatch, tmp_path):
    import poise.app.main_window
    from poise.app.launcher import main

    seen = {}
    monkeypatch.setattr(poise.app.main_window, "run", lambda **kw: seen.update(kw) or 0)
    video = str(clip("pyfeat__single_face.mp4"))
    assert main(["--camera-file", video, "--data-dir", str(tmp_path)]) == 0
    assert seen == {"camera_file": video, "data_dir": str(tmp_path)}
    seen.clear()
    assert main([]) == 0
    assert seen == {"camera_file": None, "data_dir": None}


def test_the_console_script_points_at_the_launcher():
    import tomllib

    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert data["project"]["scripts"]["poise"] == "poise.app.launcher:main"


LDD_OUTPUT = """\
\tlinux-vdso.so.1 (0x00007ffd)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f)
\tlibxcb-cursor.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb-icccm.so.4 => not found
\tlibX11.so.6 => /lib/x86_64-linux-gnu/libX11.so.6 (0x00007f)
"""


def test_missing_xcb_libraries_become_one_apt_line():
    from poise.app.system_libs import missing_libraries_message, packages_for, parse_ldd_missing

    missing = parse_ldd_missing(LDD_OUTPUT)
    assert missing == ["libxcb-cursor.so.0", "libxcb-icccm.so.4"]
    assert packages_for(missing) == ["libxcb-cursor0", "libxcb-icccm4"]
    text = missing_libraries_message(missing)
    assert text.splitlines()[-1].strip() == "sudo apt-get install -y libxcb-cursor0 libxcb-icccm4"


def test_the_installed_qt_plugins_find_their_libraries_here():
    """On this machine (set up by scripts/setup.sh) nothing is missing for xcb or offscreen."""
    from poise.app.system_libs import missing_libraries, qt_plugin_dir

    assert (qt_plugin_dir() / "platforms" / "libqxcb.so").is_file()
    assert missing_libraries("xcb") == [] and missing_libraries("offscreen") == []


def test_qtmultimedia_finds_its_libraries_here_and_libpulse_maps_to_its_package():
    """Review playback with sound needs libpulse0 (setup.sh installs it from this check)."""
    from poise.app.system_libs import MULTIMEDIA_LIBRARIES, missing_multimedia_libraries, packages_for, qt_plugin_dir

    for name in MULTIMEDIA_LIBRARIES:
        assert (qt_plugin_dir().parent / name).is_file(), f"{name}: is PySide6-Addons installed?"
    assert missing_multimedia_libraries() == []
    assert packages_for(["libpulse.so.0"]) == ["libpulse0"]


def test_launcher_prints_the_install_line_before_qt_when_libraries_are_missing(tmp_path):
    code = ("import sys; import poise.app.system_libs as s; s.missing_libraries = lambda platform=None: "
            "['libxcb-cursor.so.0']; from poise.app.launcher import main; rc = main([]); "
            "assert 'PySide6.QtWidgets' not in sys.modules, 'Qt was imported'; sys.exit(rc)")
    r = _run(code, tmp_path / "home")
    assert r.returncode == 3, r.stderr
    assert "sudo apt-get install -y libxcb-cursor0" in r.stderr and "Traceback" not in r.stderr


def test_opencv_qt_variables_are_removed_and_the_users_own_are_kept():
    from poise.app.system_libs import undo_opencv_qt_env

    env = {"QT_QPA_PLATFORM_PLUGIN_PATH": "/venv/lib/python3.11/site-packages/cv2/qt/plugins",
           "QT_QPA_FONTDIR": "/usr/share/fonts/mine"}
    assert undo_opencv_qt_env(env) == ["QT_QPA_PLATFORM_PLUGIN_PATH"]
    assert env == {"QT_QPA_FONTDIR": "/usr/share/fonts/mine"}
