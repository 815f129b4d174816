"""The workspace's data as plain immutable records, and the limits they carry.

``records`` holds the records (settings, letters, recipients, signatories);
``fields`` the table of every signatory and recipient field, which the rest derive
from; ``limits`` the limits on time and memory and how they are applied; ``stops``
how a command stops (Ctrl+C, SIGTERM, SIGHUP) and what a stop waits for. May import
errors only.
"""
