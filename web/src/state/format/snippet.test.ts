import { describe, expect, it } from "vitest";
import { highlightSnippet, queryTerms } from "./snippet";

const hits = (parts: { text: string; hit: boolean }[]) => parts.filter((p) => p.hit).map((p) => p.text);
const joined = (parts: { text: string }[]) => parts.map((p) => p.text).join("");

describe("highlightSnippet", () => {
  it("marks bracketed query terms as hits and drops the brackets", () => {
    const parts = highlightSnippet("ran [pytest] and [pytest] passed", "pytest");
    expect(hits(parts)).toEqual(["pytest", "pytest"]);
    expect(joined(parts)).toBe("ran pytest and pytest passed");
  });

  it("keeps literal brackets that are not hits", () => {
    const parts = highlightSnippet("items [1, 2] then [error] here", "error");
    expect(hits(parts)).toEqual(["error"]);
    expect(joined(parts)).toBe("items [1, 2] then error here");
  });

  it("matches case-insensitively and by prefix terms", () => {
    expect(hits(highlightSnippet("an [Error] and [errors]", "err*"))).toEqual(["Error", "errors"]);
  });

  it("treats every bracket pair as a hit without a query", () => {
    expect(hits(highlightSnippet("a [b] c"))).toEqual(["b"]);
  });

  it("survives unbalanced brackets", () => {
    expect(joined(highlightSnippet("open [ only", "x"))).toBe("open [ only");
    expect(joined(highlightSnippet("close ] only", "x"))).toBe("close ] only");
  });

  it("splits the query into lowercase terms without FTS syntax", () => {
    expect(queryTerms('Foo  "bar" baz*')).toEqual(["foo", "bar", "baz"]);
  });
});
