"""What is checked before anything is laid out: the lint, fonts, languages, addresses.

``letters`` loads a workspace's letters and lists and runs every check on them in
one pass (``load_letters``); ``lint`` finds what is valid but probably wrong;
``fonts`` finds characters no installed font draws; ``language`` checks what follows
from a letter's language; ``addresses`` doubts postal addresses. May import compose
and everything below it; never pdf (a check that needs a layout is given one).
"""
