"""The MCP server agents call: coordination tools, one module per tool group."""
