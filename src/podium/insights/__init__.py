"""Read-side views over agent runs: usage and cost, and full-text search of their output."""
