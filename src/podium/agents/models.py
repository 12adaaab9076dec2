"""The model ids offered in the job form; any other id the CLI accepts works too."""

from __future__ import annotations

from podium.schemas import ApiModel


class ModelInfo(ApiModel):
    id: str
    provider: str
    label: str


KNOWN_MODELS: tuple[ModelInfo, ...] = (
    ModelInfo(id="claude-opus-4-7", provider="claude", label="Claude Opus 4.7"),
    ModelInfo(id="claude-opus-4-7[1m]", provider="claude", label="Claude Opus 4.7 (1M context)"),
    ModelInfo(id="claude-sonnet-4-5", provider="claude", label="Claude Sonnet 4.5"),
    ModelInfo(id="claude-haiku-4-5", provider="claude", label="Claude Haiku 4.5"),
    ModelInfo(id="opus", provider="claude", label="Opus (latest)"),
    ModelInfo(id="sonnet", provider="claude", label="Sonnet (latest)"),
    ModelInfo(id="haiku", provider="claude", label="Haiku (latest)"),
    ModelInfo(id="codex", provider="codex", label="Codex (CLI default model)"),
    ModelInfo(id="codex-gpt-5.5", provider="codex", label="Codex GPT-5.5"),
    ModelInfo(id="codex-gpt-5.3-codex", provider="codex", label="Codex GPT-5.3 Codex"),
)
