"""Coverage and blind spots ("no blind spot", 无盲点), on two clocks.

``facts``  turns events into the small records the coverage computation needs;
``sweep``  computes, for one scope (a village with its groups and people, or a unit above
           village level), every presence and every gap as effective-dated intervals;
``model``  stores those intervals with the recording times between which they were known,
           and keeps them up to date as the log grows;
``queries`` answers coverage and gap questions for any date and any past moment.
"""
