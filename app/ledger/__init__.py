"""Use cases of the village work ledger (工作台账): the survey (``survey``), plans
(``plans``), measures (``measures``), responsibility letters (``letters``) and the
four-source funding (``funds``) today; duties and the 六有 as they come, one module each,
with their commands in ``commands`` (registered in ``app/registry.py``).

A use-case package beside ``network`` and ``teams``: it may import them, ``args``,
``registry``, ``store`` and ``domain``; never the command line, the demo, the audit tools, the
read side's tables or ``web``. Like ``Network``, each method loads through the unit of work,
lets the aggregates check their rules and returns plain data; the caller commits.
"""
