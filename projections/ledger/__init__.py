"""The ``ledger`` read model of the village work ledger (工作台账): the survey today (the form's
revisions, the activities, the opinions and the problems with their roots, and the problems a
village's class cites), the plans with their revisions and approvals, the measures with
their statuses and progress notes, the responsibility letters with their targets, the
allocations, expenditures and reversals of the four-source funding, and the queries over it
(``queries``; the funds' in ``funds``) for a village and the roll-up above it, on a day (as
of) and as known at a moment (``tables.seen``); the measures with filters
(``measure_list``) and the ledger's work gaps (``gaps``).

It may import ``domain`` and the shared pieces of ``projections`` (``bulk``, ``tables``,
``queries``) and, to count the household visits of a survey, the teams' tables
(``projections.teams``); for the work gaps, the teams' terms and the coverage model's unit
rows (``projections.coverage``); nothing of ``app`` or ``web``.
"""
