"""Projects (named groups of jobs) and prompt templates."""
