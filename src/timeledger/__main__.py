"""``python -m timeledger`` is the ``timeledger`` command (and names itself so in its messages)."""

from timeledger.cli import main

main(prog_name="timeledger")
