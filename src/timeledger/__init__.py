"""timeledger: one ledger of work time and its bookkeeping, served through Conductor's QuickBooks
Desktop API, FreshBooks' time tracking API and the QuickBooks Time API."""
