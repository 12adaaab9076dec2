"""REST, WebSocket and the built dashboard."""
