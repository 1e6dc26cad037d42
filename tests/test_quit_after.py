"""``AAPDESK_QUIT_AFTER_MS``: the window quits by itself, cleanly (used by packaging/smoke_test.py).

Run in a fresh process, as the frozen bundle is: the window opens offscreen on an empty folder
(first launch), the timer quits the event loop, the data is closed and the lock released.
"""

from __future__ import annotations

import os
import subprocess
import sys


def test_window_quits_by_itself_with_exit_code_0(tmp_path):
    data = tmp_path / "donnees"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "AAPDESK_QUIT_AFTER_MS": "300"}
    result = subprocess.run([sys.executable, "-m", "aapdesk", "--data-dir", str(data)], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert (data / "aapdesk.sqlite3").exists()
    assert not (data / "journaux" / "erreurs.log").exists()
    # The lock is released: the command line opens the same folder at once.
    check = subprocess.run([sys.executable, "-m", "aapdesk", "--data-dir", str(data), "check"],
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
