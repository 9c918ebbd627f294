"""The audit read models: the hash chain over the stored log (``chain``), the index of the
log's entries that the audit filters read (``index``), and the queries over them.

It may import ``domain`` and the shared pieces of ``projections`` (``bulk``, ``tables``);
nothing of ``app`` or ``web``.
"""
