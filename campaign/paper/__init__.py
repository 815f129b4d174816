"""Paper and post: page sizes, envelope windows, envelopes, label sheets, postal addresses.

Pure data and arithmetic on it; imports nothing of campaign but errors.
"""
