"""Demo mode (`podium serve --demo`): a scripted model on loopback drives the real Claude CLI
through seeded jobs that show the coordination tools at work."""
