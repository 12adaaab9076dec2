"""Coordination between agents: file locks, the notes scratchpad, questions, status."""
