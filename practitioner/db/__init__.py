"""Persistence: peewee models, the one connection, numbered migrations, error mapping."""

from practitioner.db.pg_driver import import_peewee

import_peewee()  # before any module of this package imports peewee
