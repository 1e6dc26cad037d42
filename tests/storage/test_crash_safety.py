"""Kill -9 during writes: every acknowledged action is kept whole, nothing is half-written."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import pytest

from aapdesk.services.context import open_app
from aapdesk.services.operations import OperationInput, create_operation
from aapdesk.storage.backup import integrity_problems

CYCLES = 12


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_kill_during_writes_loses_nothing_acknowledged(tmp_path):
    data = tmp_path / "data"
    app = open_app(str(data), clock=lambda: datetime(2025, 3, 15, 10, 0))
    create_operation(app, OperationInput(code="OP", dispositif_key="62-2024-3.10", debut=date(2024, 1, 1),
                                         fin=date(2024, 12, 31), postes=10))
    app.db.close(datetime(2025, 3, 15, 10, 0), backup=False)

    writer = Path(__file__).with_name("crash_writer.py")
    rng = random.Random(7)
    acknowledged: list[int] = []
    for cycle in range(CYCLES):
        child = subprocess.Popen([sys.executable, str(writer), str(data), str(cycle * 10_000)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # kill at a random moment once the writer is writing (its start-up time depends on the machine's load)
        first = child.stdout.readline()
        time.sleep(rng.random() * 0.5)
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate(timeout=30)
        acknowledged += [int(line) for line in (first + out).split()]

        assert integrity_problems(data / "aapdesk.sqlite3") == []
        con = sqlite3.connect(data / "aapdesk.sqlite3")
        try:
            ids = {row[0] for row in con.execute("SELECT id FROM participant")}
            orphans = con.execute(
                "SELECT count(*) FROM participant p WHERE NOT EXISTS "
                "(SELECT 1 FROM parcours c WHERE c.participant_id = p.id)").fetchone()[0]
            journal_gaps = con.execute(
                "SELECT count(*) FROM participant p WHERE NOT EXISTS "
                "(SELECT 1 FROM journal j WHERE j.entity = 'participant' AND j.entity_id = p.id)").fetchone()[0]
        finally:
            con.close()
        assert set(acknowledged) <= ids, "a committed participant was lost"
        assert orphans == 0, "a participant was written without its parcours"
        assert journal_gaps == 0, "a participant was written without its journal entry"
    assert len(acknowledged) > CYCLES, "the writer never got to write: the test proves nothing"
