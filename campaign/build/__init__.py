"""``campaign build`` and ``check``: from loaded letters to the files of ``build/<slug>/``.

``check`` loads and checks the letters; ``plan`` declares each kind of output once
(``KINDS``: its name, key, layout and how it is composed) and plans a letter's
files from them; ``run`` makes what changed (staging, workers, manifest, moves);
``fit`` turns boxes that do not fit into problems at the addressee's line. May
import pdf, checks and everything below them; imported by mail, preview and cli.
"""
