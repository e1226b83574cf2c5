"""`python -m practitioner bench`: the performance figures of issue 8, each measured in
the same run as its floor where there is one.

A package of its own because it drives the real GUI (Qt, `practitioner.ui`) while the
command line (`practitioner.cli`) may not import Qt; `practitioner.reporting.cli_main`
hands `run_bench` to `cli.main`, as it does the PDF renderer.
"""
