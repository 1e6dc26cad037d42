"""The pages of the main window's navigation, each with a ``refresh()`` reloading its data."""
