"""Persistence: SQLAlchemy Core tables, repositories that return ledger records, one transaction per write."""
