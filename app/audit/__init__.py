"""The audit tools: the hash chain's checkpoints and verification, the audit log and its
filters, its exports (CSV, JSON, spreadsheet) and the audited reads of personal data.

It may import the use cases at the top of ``app``, ``app.store``, ``domain`` and
``projections``; nothing of ``app.cli``, ``app.demo`` or ``web``.
"""
