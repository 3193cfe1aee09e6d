"""Credentials: organization secret keys, Conductor end users, auth sessions (and OAuth 2.0, later)."""
