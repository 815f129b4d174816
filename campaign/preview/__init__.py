"""``campaign preview``: a local web server showing one letter as its files change.

``server`` serves the composed letter (and, in PDF mode, its laid-out PDF) to a
browser on 127.0.0.1; ``watching`` notices edits; ``static/`` holds the page's
script and style sheet. May import build and everything below it; imported only by
cli.
"""
