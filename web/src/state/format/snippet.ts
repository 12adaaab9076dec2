/** Search snippets mark hits as `[word]`. Output also contains real brackets (arrays, markdown
 * links), so a bracketed part counts as a hit only when it matches a query term. */

export interface SnippetPart {
  text: string;
  hit: boolean;
}

export function queryTerms(query: string): string[] {
  return query
    .split(/\s+/)
    .map((word) => word.replace(/\*+$/, "").replace(/"/g, "").toLowerCase())
    .filter(Boolean);
}

function isHit(inner: string, terms: string[]): boolean {
  if (!inner || inner.includes("[") || inner.length > 200) return false;
  if (terms.length === 0) return true;
  const lower = inner.toLowerCase();
  return terms.some((term) => lower.startsWith(term) || lower.includes(term));
}

export function highlightSnippet(snippet: string, query = ""): SnippetPart[] {
  const terms = queryTerms(query);
  const parts: SnippetPart[] = [];
  const pushText = (text: string, hit: boolean) => {
    if (!text) return;
    const last = parts[parts.length - 1];
    if (last && last.hit === hit && !hit) last.text += text;
    else parts.push({ text, hit });
  };
  let i = 0;
  while (i < snippet.length) {
    const open = snippet.indexOf("[", i);
    if (open === -1) {
      pushText(snippet.slice(i), false);
      break;
    }
    const close = snippet.indexOf("]", open + 1);
    if (close === -1) {
      pushText(snippet.slice(i), false);
      break;
    }
    const inner = snippet.slice(open + 1, close);
    if (isHit(inner, terms)) {
      pushText(snippet.slice(i, open), false);
      pushText(inner, true);
      i = close + 1;
    } else {
      pushText(snippet.slice(i, open + 1), false);
      i = open + 1;
    }
  }
  return parts;
}
