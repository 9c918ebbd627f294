"""The village work ledger (工作台账): what a team and its guidance group record about a
village between its dispatch and its assessment — the survey (摸底排查), plans (``plans``),
measures (``measures``), responsibility letters (``letters``) and the four-source funding
(``funds``) today; duties and the 六有 as they come.

Aggregates, their events, value types and the ledger's refusals (``errors``), on the same
footing as the rest of ``domain``: it may import ``domain`` (``base``, ``fields``, ``units``,
``villages``...) and the standard library, no framework, nothing of ``app``, ``projections``
or ``web``. Money is held in whole fen (``money``, ADR 023).
"""
