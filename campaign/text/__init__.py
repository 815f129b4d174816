"""Text in many languages: fixed wording, writing systems, names, collation, typography.

``wording`` holds each language's fixed words; ``scripts`` tells writing systems
apart; ``names`` compares names and makes file names; ``collation`` sorts by a
language's rules (ICU); ``typography`` applies a language's typographic rules.
Imports nothing of campaign but errors.
"""
