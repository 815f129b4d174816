"""Starting work: ``campaign init`` (a new workspace) and ``campaign new`` (a new letter).

May import build's lower layers: lists, compose, load, model, paper, text, files,
errors. Not imported by anything but cli.
"""
