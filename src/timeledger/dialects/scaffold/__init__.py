"""The request scaffold every dialect is built on (DESIGN "One request, one scaffold").

``endpoints``: one unit of work per request, authentication as the dialect's strategy before the
body is read, one error table per dialect, anything unexpected logged and answered as that API's
500. ``bodies``: bodies read with a size limit. ``values``: shared value parsers with bounds.
``batches``: per-item execution of batch writes, each item in its own savepoint. ``errors``: the
refusals the scaffold itself makes, which each dialect renders in its own words.
"""
