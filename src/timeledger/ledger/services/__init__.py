"""The ledger's operations, one module per noun. Each takes a unit of work and commits once."""
