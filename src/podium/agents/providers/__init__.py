"""Providers: one module per agent CLI, behind the small interface in `base`."""
