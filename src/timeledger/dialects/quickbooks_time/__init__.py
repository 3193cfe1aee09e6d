"""QuickBooks Time API v1 (``/api/v1``): timesheets, users, jobcodes, jobcode assignments, the
current user, and its OAuth 2.0 endpoints, on the same ledger as the other APIs."""
