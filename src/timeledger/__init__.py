"""timeledger: one ledger of work time and its bookkeeping, served through three wire-compatible APIs."""
