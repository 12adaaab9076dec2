"""Hosted services agents may query through MCP tools (Linear, OpenSearch, PostgreSQL, GitHub
Actions); each is off, with a clear error naming what to set, until configured."""
