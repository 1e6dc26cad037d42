"""The PySide6 desktop interface: main window, pages, dialogs and table models.

Everything here talks to the data through :mod:`aapdesk.services` only; nothing in
this package imports SQLAlchemy or :mod:`aapdesk.storage`. Importing a module has no
side effect: widgets are built when the window is.
"""
