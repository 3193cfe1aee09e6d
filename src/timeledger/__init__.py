"""timeledger: one ledger of work time and its bookkeeping, served through Conductor's QuickBooks
Desktop API and FreshBooks' time tracking API."""
