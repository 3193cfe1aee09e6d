"""The sandbox's own API under ``/_timeledger/`` (served with ``timeledger serve --sandbox``)."""
