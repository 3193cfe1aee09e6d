"""Conductor's wire: its request schemas and response shapes (``schema``, generated from
conductor-py, enforced and filled by ``validation``), the value formats every object shares
(``values``), and one module per noun mapping Conductor's fields to ledger records and back."""
