"""Cramp Practitioner: cramp records, TCM sessions and outcomes for acupuncture practitioners."""

__version__ = "0.1.0"
