"""Interactive agents: the CLI's own TUI in a tmux session, streamed to the browser.

Kept light: `state_hook` runs inside every hook call of an agent and must start fast."""
