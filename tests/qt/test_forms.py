"""Generated forms match their Qt Designer sources (regenerate with packaging/build_forms.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("build_forms", ROOT / "packaging" / "build_forms.py")
build_forms = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_forms)


@pytest.mark.parametrize("ui_file", sorted((ROOT / "ui").glob("*.ui")), ids=lambda p: p.name)
def test_generated_form_is_up_to_date(ui_file):
    generated = build_forms.target_for(ui_file)
    assert generated.exists(), f"run packaging/build_forms.py to generate {generated.name}"
    assert generated.read_text(encoding="utf-8") == build_forms.compile_form(ui_file), (
        f"{generated.name} is stale: run packaging/build_forms.py")
