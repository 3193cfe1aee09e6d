"""``python -m timeledger`` is the ``timeledger`` command."""

from timeledger.cli import main

main()
