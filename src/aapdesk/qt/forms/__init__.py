"""Python forms generated from the Qt Designer sources in ui/ (do not edit)."""
