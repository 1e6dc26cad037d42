"""Use cases: one function per user action, one transaction each, returning plain rows.

Services are the only layer that speaks SQL (through the storage models); the Qt layer
and the CLI call them and never touch the database themselves.
"""
