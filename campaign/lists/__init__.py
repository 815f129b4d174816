"""Sign-on lists: editing them in place, importing, finding duplicates, reporting.

``listfile`` edits a list's YAML keeping every other byte; ``edit`` holds the
changes coordinators make (add, withdraw, approve, import, merge); ``csvimport``
reads spreadsheets and web-form exports; ``dedupe`` finds likely duplicates;
``report`` lists, exports and compares. May import load, model, paper, text,
files, errors and paths; never compose, pdf or build.
"""
