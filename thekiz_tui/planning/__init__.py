"""The programme's rules as pure functions: times, recurrence, conflicts, budget, cadence.

Nothing here imports Textual (a test proves it).
"""
