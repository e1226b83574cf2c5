"""Numbered schema migrations, applied in order by `practitioner.db.migrate`.

Each `NNNN_name.py` defines `up(migrator, db)` and builds its tables from frozen inline
models, never from the live ones, so history cannot drift when the models change.
"""
