"""The assessments' read model: rule sets and their versions, 述职评议 reports and votes,
the runs recorded and published (``tables``, ``model``); what an assessment reads, gathered
as known at a log position (``facts``); and the queries over runs and rule sets
(``queries``).

Besides its own tables it reads the work teams' and the ledger's (check-ins, absences,
visits, memberships; measures and their statuses), always through their recording positions,
and keeps of its own what those do not: diary entries, and which villages lay under which
units on which day, as known from which position. It may import ``domain`` and the rest of
``projections``; nothing of ``app`` or ``web``.
"""
