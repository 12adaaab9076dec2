"""Live, user-changeable settings (the Settings modal), stored in the settings table."""
