"""The Qt user interface: widgets over services, no database access."""
