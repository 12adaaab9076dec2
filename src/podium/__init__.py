"""Podium: run many coding agents in parallel and make them work together."""
