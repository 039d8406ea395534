"""The ``thekiz`` commands, one module per area; ``thekiz_tui.cli`` parses the command line
and imports a command's module only when that command runs.

- ``common``: exit codes, opening the store, days and windows, output helpers
- ``events``: add, edit, remove, list
- ``people``: coach, kita
- ``findings``: conflicts, ack
- ``ical``: export, import
- ``report``: report (table, JSON, CSV)
- ``settings``: settings
- ``demo``: demo, and the planner placeholder
"""
