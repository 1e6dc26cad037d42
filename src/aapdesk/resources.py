"""Where the application's read-only resources live (catalogue, fonts, icons).

The source tree keeps them in ``resources/`` at the repository root; a PyInstaller
bundle ships the same folder next to the executable (``sys._MEIPASS``). This is the
only place that knows the difference.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def resources_dir() -> Path:
    override = os.environ.get("AAPDESK_RESOURCES_DIR")
    if override:
        return Path(override)
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def dispositifs_dir() -> Path:
    return resources_dir() / "dispositifs"


def font_path(name: str) -> Path:
    return resources_dir() / "fonts" / name
