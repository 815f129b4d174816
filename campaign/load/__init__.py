"""Reading a workspace: YAML with the line of every key, field by field, into records.

``yamlfile`` reads YAML safely with lines; ``schema`` reads mappings field by field,
collecting every problem; ``records`` turns the workspace's files into model
records; ``workspace`` finds a workspace and its letters; ``catalog`` knows the
templates (shipped and own); ``confine`` names the files nothing may read;
``enclosures`` and ``signers`` read their parts of letter.yaml. May import model,
paper, text, files, errors and paths.
"""
