"""vision/ must stay Qt-free: import every vision module with PySide6 blocked."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import poise.vision

ROOT = Path(__file__).resolve().parents[1]


def test_every_vision_module_imports_without_qt():
    modules = sorted(m.name for m in pkgutil.walk_packages(poise.vision.__path__, "poise.vision.")
                     if not m.name.endswith(".__main__"))  # running, not importing
    assert "poise.vision.scoring" in modules and "poise.vision.analysis" in modules
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('PySide6', 'shiboken6', 'PyQt5', 'PyQt6', 'pyqtgraph'):\n"
        "            raise ImportError(f'vision must not import {name}')\n"
        "sys.meta_path.insert(0, Block())\n"
        "import importlib\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "assert not any(k.startswith('PySide6') for k in sys.modules)\n"
        "print('ok', len(sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.startswith("ok")
