"""``python -m dealweb``: the same as the ``dealweb`` command."""

from dealweb.cli import main

main()
