"""aapdesk: offline bookkeeping of insertion operations (file active, hours, exits, expenses, reports).

Only the version lives here, so that importing the package has no side effect.
"""

__version__ = "0.1.0"
