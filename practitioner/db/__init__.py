"""Persistence: peewee models, the one connection, numbered migrations, error mapping."""
