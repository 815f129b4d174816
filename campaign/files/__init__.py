"""Files in and out: atomic replacement, locks, tables (CSV, JSON, text), git asked.

git.py is the one place campaign runs git, asking only what runs no command a
workspace's own .git/config names.

Imports nothing of campaign but errors and paths.
"""
