"""Conductor's QuickBooks Desktop API (``/v1``), as conductor-py 1.92.3 calls it."""
