"""``python -m thekiz_tui``: the same as the ``thekiz`` command."""

import sys

from .cli import main

sys.exit(main())
