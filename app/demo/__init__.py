"""The Benxi demo generator: 72 poor villages, their six-level service network, their work
teams and their work ledgers, planned from a seed and replayed through the ordinary commands
(``load``).

It may import the use cases at the top of ``app``, ``app.store``, ``domain`` and
``projections``; nothing of ``app.cli``, ``app.audit`` or ``web``.
"""
