"""Clients of the APIs timeledger serves, usable against the real services or any timeledger:
``quickbooks_time`` (the QuickBooks Time connector's actions and its new-records trigger) and the
``timeledger qbtime`` command on it (``quickbooks_time_cli``)."""
