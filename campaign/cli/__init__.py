"""The command line: Click glue only.

``main`` holds ``campaign`` and its commands, ``sig`` the ``campaign signatories``
group. Each command parses its options, calls the package that does the work and
prints what it returns; nothing here decides anything a test would want to call
without Click. May import every other package of campaign; nothing imports it.
"""
