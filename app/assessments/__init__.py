"""Use cases of assessments (考核): adopting rule sets and recording 述职评议 (``records``,
their commands in ``commands``, registered in ``app/registry.py``), and the runs: computing
one from the read models as known at a log position, recording it, listing and showing runs,
replaying them and tracing a figure to its events (``runs``, ``replay``).

A use-case package beside ``network``, ``teams`` and ``ledger``: it may import them,
``args``, ``registry``, ``store``, ``domain`` and the read side's queries; never the command
line, the demo, the audit tools or ``web``. Decisions on a run (commendation, criticism,
extension) and spot checks come as modules of their own here.
"""
