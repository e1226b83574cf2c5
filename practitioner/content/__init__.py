"""Reference content shipped with the app: the strict loader of the reference library
(`reference`) and of the acupuncture point catalogue (`points`).

Seeding the library into a records file is a use case: `practitioner.services.reference`.
"""
