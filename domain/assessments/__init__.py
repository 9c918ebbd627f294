"""Assessments (考核): rule sets as versioned data (``rules``), the yearly 述职评议 of each team
(``evaluations``), unannounced spot checks (``spotchecks``), the figures, scores and grades
an assessment computes from what was recorded (``scoring``), and the assessment runs that
freeze what they saw (``runs``), with the canonical serialisation their digest is taken
over (``canonical``), what a published run proposes and the decisions on it
(``decisions``), and the area's refusals (``errors``).

On the same footing as the rest of ``domain``: it may import ``domain`` (``base``,
``fields``, ``teams``...) and the standard library, no framework, nothing of ``app``,
``projections`` or ``web``.
"""
