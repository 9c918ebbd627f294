"""The ``zhucun`` command line: ``main`` (the entry point and the network's commands),
``teams``, ``users`` and ``audit`` (their commands), ``common`` (what every command module
shares), ``faults`` (a store that cannot be reached, named), ``render`` (plain-text output).

Each command parses, calls one use case, prints. It may import any of ``app`` and
``domain`` (its errors); of ``web`` only ``web.server``, which ``zhucun serve`` starts; nothing
of ``projections``.
"""
