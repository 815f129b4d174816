"""Writing files safely: atomic replacement, locks, and tables (CSV, JSON, text) out.

Imports nothing of campaign but errors.
"""
