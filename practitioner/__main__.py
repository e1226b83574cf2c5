"""`python -m practitioner` runs the headless command line."""

from practitioner.cli import main

raise SystemExit(main())
