import { describe, expect, it } from "vitest";
import { modelLabel } from "./format";

describe("modelLabel", () => {
  it("shows the chosen model as it is", () => {
    expect(modelLabel({ model: "claude-sonnet-4-5", modelClassification: null })).toBe("claude-sonnet-4-5");
    expect(modelLabel({ model: "claude-sonnet-4-5" }, { long: true })).toBe("claude-sonnet-4-5");
  });

  it("says when the model is still being picked, or was picked", () => {
    expect(modelLabel({ model: null, modelClassification: "pending" })).toBe("auto…");
    expect(modelLabel({ model: "haiku", modelClassification: "simple" })).toBe("haiku");
    expect(modelLabel({ model: "haiku", modelClassification: "simple" }, { long: true })).toBe(
      "haiku (auto: simple task)",
    );
  });

  it("is auto when the CLI's default runs the job", () => {
    expect(modelLabel({ model: null })).toBe("auto");
    expect(modelLabel({ model: null, modelClassification: "unavailable" }, { long: true })).toBe(
      "auto (CLI default; no classification)",
    );
  });
});
