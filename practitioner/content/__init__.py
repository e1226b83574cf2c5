"""Reference content (cramp causes, conditions, red flags, TCM framing): loader and seeding.

Filled by the reference-pane work; kept as a package now so the layer contracts hold.
"""
