"""The read side: SQL tables computed from the event log, their runner, and the queries."""
