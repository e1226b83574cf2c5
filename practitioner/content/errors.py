"""Errors raised while reading reference content shipped with the app."""

from __future__ import annotations

from practitioner.errors import PractitionerError


class ContentError(PractitionerError):
    """A reference-content file is missing, unreadable or breaks its schema.

    The message names the file and, where there is one, the offending entry.
    """
