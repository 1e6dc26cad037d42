"""Pure domain of aapdesk: value types and rules, with no Qt, no database and no clock.

Every function here takes the date it reasons about as an argument, so that a
screen, a report and a test computing "as of 31/03/2025" get the same answer.
"""
