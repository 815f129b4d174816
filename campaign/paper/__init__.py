"""Paper and post: page sizes, envelope windows, envelopes, label sheets, postal addresses.

``sizes`` is the one place for the paper (size, margins, page 1's top, the default
window); ``envelopes`` the windows, envelopes, label sheets and page 1's geometry;
``postal`` reads addresses.

Pure data and arithmetic on it; imports nothing of campaign but errors.
"""
