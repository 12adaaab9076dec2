"""Agents: spawning the CLIs, following their output, re-attaching after a restart."""
