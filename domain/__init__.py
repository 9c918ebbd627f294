"""The business of zhucun: aggregates, their events and the rules that guard them.

Pure Python on the eventsourcing library; nothing here knows of Flask, SQL or the clock.
"""
