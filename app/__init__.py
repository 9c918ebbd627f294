"""Use cases of zhucun: what a user can do, as one method per use case on ``Zhucun``.

The modules at this level are the use cases and their wiring, where a reader looks first:
``bootstrap`` (the one wiring point, ``Zhucun``), ``commands`` (the commands that the command
line, the forms and the docs share, in the registry of ``registry``), ``args`` (reading a
command's arguments), ``network``, ``teams``, ``ledger/`` (the village work ledger, a package
of use cases and their commands), ``accounts``, ``jurisdiction``, ``corrections``,
``describe`` and ``team_history``. Beside them, one package per responsibility:

``store/``  the event store, the unit of work, configuration and clock (imports ``domain``
            and ``projections``, nothing else of ``app``);
``audit/``  tamper evidence, the audit log, its exports and audited reads (imports the use
            cases, ``store``, ``domain`` and ``projections``);
``demo/``   the Benxi demo generator (imports the use cases, ``store`` and ``domain``);
``imports/`` spreadsheet import: rows of a workbook or CSV file as commands, the template and
            the marked workbook of a refused file (imports the use cases, ``store`` and
            ``domain``);
``cli/``    the ``zhucun`` command line (imports any of ``app``; of ``web`` only the server
            that ``zhucun serve`` starts).

``app`` may import ``domain`` and ``projections``; never ``web`` (but for ``cli/``, above).
The layers are kept by import-linter's contracts in pyproject.toml (tests/test_layers.py).
"""
