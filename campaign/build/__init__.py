"""``campaign build`` and ``check``: from loaded letters to the files of ``build/<slug>/``.

``run`` checks, plans and runs a build (staging, manifest, moves); ``fit`` turns
boxes that do not fit into problems at the addressee's line. May import pdf,
checks and everything below them; imported by mail, preview and cli.
"""
