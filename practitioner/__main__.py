"""`python -m practitioner` runs the headless command line (with PDF reports wired in)."""

from practitioner.reporting import cli_main

raise SystemExit(cli_main(prog="python -m practitioner"))
