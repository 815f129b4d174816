"""campaign: joint open letters from plain files to addressed PDFs."""

__version__ = "0.1.0"
