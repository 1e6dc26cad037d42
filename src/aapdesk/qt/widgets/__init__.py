"""Reusable widgets and form helpers shared by every page and dialog."""
