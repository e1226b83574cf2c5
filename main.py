"""Start the Cramp Practitioner desktop app."""

from practitioner.app import main

raise SystemExit(main())
