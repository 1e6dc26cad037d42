"""Child process for the crash test: writes participants with their parcours until killed.

Prints the id of each participant once its transaction has committed.
"""

import sys
from datetime import date, datetime

from aapdesk.domain.participants import ParcoursInput, ParticipantInput
from aapdesk.services.context import open_app
from aapdesk.services.operations import list_operations
from aapdesk.services.participants import create_participant

app = open_app(sys.argv[1], clock=lambda: datetime(2025, 3, 15, 10, 0))
operation = list_operations(app)[0]
n = int(sys.argv[2])
while True:
    n += 1
    pid = create_participant(
        app,
        ParticipantInput(nom=f"Crash{n}", prenom="Test", sexe="M", date_naissance=date(1980, 1, 1)),
        operation.id,
        ParcoursInput(date_entree=date(2024, 2, 1), referent="Référent"),
    )
    print(pid, flush=True)
