"""The domain: records, rules and services. Pure Python: no HTTP, no SQL, no web framework."""
