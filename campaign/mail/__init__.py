"""Letters out by e-mail and through a print-and-mail service.

``policy`` is the sending policy every mailing shares (dry run, ``--limit``,
``--test-to``, ``--resume``, nobody mailed twice) and ``campaign send`` itself;
``send`` prepares each addressee's and cc recipient's message and speaks SMTP (the
send log ``sent.jsonl``, the rate limit); ``export`` writes the folder a
print-and-mail service takes. The only package that speaks SMTP. May import build
and everything below it; imported only by cli.
"""
