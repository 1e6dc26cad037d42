"""The application context handed to every service: database, catalogue and clock.

The clock is injected so that tests and the demo can fix "today". Transactions nest: a
service called inside another one's transaction (an import running the ordinary services
row by row) joins it, so the outer action still commits everything or nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from aapdesk.catalogue import Catalogue
from aapdesk.storage.database import Database
from aapdesk.storage.db import READ_ONLY_OPTION
from aapdesk.storage.schema import JournalEntry


def system_clock() -> datetime:
    return datetime.now().replace(microsecond=0)


@dataclass
class AppContext:
    db: Database
    catalogue: Catalogue
    clock: Callable[[], datetime] = field(default=system_clock)
    #: The session of the transaction open in this thread, if any (a GUI worker thread has its own).
    _local: threading.local = field(default_factory=threading.local, repr=False, compare=False)

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.clock().date()

    @property
    def _active(self) -> Session | None:
        return getattr(self._local, "session", None)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One user action: everything inside commits together or not at all.

        Inside another transaction of the same thread, joins it: the outer one decides.
        """
        active = self._active
        if active is not None:
            yield active
            return
        session = self.db.session_factory()
        self._local.session = session
        try:
            with session.begin():
                yield session
        finally:
            self._local.session = None
            session.close()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        active = self._active
        if active is not None:  # read what this transaction has written so far
            yield active
            return
        session = self.db.session_factory()
        session.connection(execution_options={READ_ONLY_OPTION: True})
        try:
            yield session
        finally:
            # close() ends the transaction and detaches objects without expiring them, so rows
            # read here stay usable afterwards (a rollback() would expire them).
            session.close()


def journal(
    session: Session,
    at: datetime,
    action: str,
    entity: str,
    entity_id: int | None,
    *,
    operation_id: int | None = None,
    participant_id: int | None = None,
    details: str = "",
) -> None:
    """Append a journal entry in the caller's transaction. ``details`` must hold no personal value."""
    session.add(
        JournalEntry(
            at=at,
            action=action,
            entity=entity,
            entity_id=entity_id,
            operation_id=operation_id,
            participant_id=participant_id,
            details=details,
        )
    )


def open_app(data_dir: str | None = None, *, clock: Callable[[], datetime] = system_clock) -> AppContext:
    """Composition root shared by the GUI and the CLI: catalogue first, then the database."""
    from aapdesk.catalogue import load_catalogue
    from aapdesk.paths import resolve_paths
    from aapdesk.storage.database import open_database

    catalogue = load_catalogue()
    db = open_database(resolve_paths(data_dir), clock())
    app = AppContext(db=db, catalogue=catalogue, clock=clock)
    from aapdesk.services.documents import clean_opened_copies, recover_documents

    recover_documents(app)
    clean_opened_copies(app)
    return app
