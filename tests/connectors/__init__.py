"""Connectors against the running server: the QuickBooks Time client, its trigger, ``timeledger qbtime``."""
