"""PySide6 6.12.0 on Python 3.11 leaks references to None until the interpreter aborts (platform-notes)."""

import gc
import sys


def test_pyside_none_refcount(qapp):
    gc.collect()
    before = sys.getrefcount(None)
    for _ in range(500):
        qapp.processEvents()
    gc.collect()
    assert sys.getrefcount(None) >= before - 5
