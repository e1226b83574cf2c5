"""Who the services act as: the signed-in account, handed to every service by the
composition root.

Services take `user: UserSource`, a function returning the current Identity (or, for
scripts, tests and the command line, a bare name, which acts as an administrator with no
account). Every create, update, amendment and audit entry is stamped from it.
"""

from __future__ import annotations

from collections.abc import Callable

from practitioner.domain.accounts import Identity, as_identity

UserSource = Callable[[], Identity | str]


def current(user: UserSource) -> Identity:
    """The identity `user` gives now."""
    return as_identity(user())


class SignedIn:
    """A UserSource holding whoever signed in last; the window's services share one."""

    def __init__(self, identity: Identity) -> None:
        self._identity = identity

    def __call__(self) -> Identity:
        return self._identity

    def switch(self, identity: Identity) -> None:
        """Act as `identity` from now on (after another login)."""
        self._identity = identity
