"""Pure rules and values of the practice: no database, no Qt."""
