"""Use cases: validate with domain rules, run one transaction, return dataclasses."""
