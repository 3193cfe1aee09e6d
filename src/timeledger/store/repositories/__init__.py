"""Repositories: rows in, ledger records out. One module per noun."""
