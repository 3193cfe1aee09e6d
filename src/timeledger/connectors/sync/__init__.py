"""``timeledger sync``: time moved between QuickBooks Desktop (Conductor), QuickBooks Time and
FreshBooks, real or timeledger, through the connectors of ``connectors/``: ``endpoints.py`` opens an
endpoint file, ``engine.py`` runs a sync, ``state.py`` remembers it, ``cli.py`` is the command."""
