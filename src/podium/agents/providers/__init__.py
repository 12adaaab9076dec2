"""Providers: one module per agent CLI, behind the small interface in `base`.

Nothing outside this package tests a provider's name or a model id's prefix: callers ask the
provider's traits (`base.Provider`). Adding a third CLI (say Gemini CLI) is:

1. A module here, e.g. `gemini.py`, with a class that satisfies `base.Provider`:
   - `name` (stored on agent rows and the /api/usage bucket), `label`, `binary`,
     `binary_setting`, `known_models` (offered in the job form);
   - `handles(model)`: the model ids it runs (`catch_all` only for the one default provider);
   - `command(spec)`: the batch argv, reading the prompt from stdin and printing one JSON event
     per stdout line; `parse_line(line)` turning each into `ParsedLine` (build tool calls and
     usage with `events.tool_use`, `events.tool_result`, `events.usage_from`);
   - `price(model, usage)` via `podium.agents.pricing.price_usage` (or None);
   - `enforces_turn_cap` (False: the runner counts `ParsedLine.model_turns` and stops it),
     `needs_lock_audit` (True if its edits do not all go through the lock hook),
     `interactive` (an `InteractiveMode` for its TUI in tmux, or None).
2. A `<NAME>_BIN` setting in `podium.config.Settings` for its binary.
3. Registration: one line in `builtin.builtin()`.
4. Tests: a parser unit test on recorded lines (tests/unit/test_<name>_provider.py) and an e2e
   test with the real CLI against a scripted model server in tests/fakes/.
"""
