"""Letters out by e-mail and through a print-and-mail service.

``send`` mails each addressee and cc recipient their built PDF (the sending policy:
who gets what, once, logged in ``sent.jsonl``); ``export`` writes the folder a
print-and-mail service takes. The only package that speaks SMTP. May import build
and everything below it; imported only by cli.
"""
