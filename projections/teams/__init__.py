"""The work teams' read models: the roster (``model``, ``tables``), residency in the village
(``residency``), household visits (``visits``), and the queries over them.

It may import ``domain`` and the shared pieces of ``projections`` (``bulk``, ``tables``);
nothing of ``app`` or ``web``.
"""
