"""The one database handle every model binds to, set when a records file is opened."""

from __future__ import annotations

import peewee

database = peewee.DatabaseProxy()


class BaseModel(peewee.Model):
    """Base of every live model: bound to `database`, snake_case table names."""

    class Meta:
        database = database
        legacy_table_names = False
