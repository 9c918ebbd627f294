"""The store's plumbing: the event store on SQLite or PostgreSQL, the unit of work, decoding
the log, configuration from a database URL, the clock, command receipts and pages of events.

It may import ``domain`` and ``projections`` (the store's runner feeds the read models);
nothing else of ``app``, and nothing of ``web``: every use case stands on it.
"""
