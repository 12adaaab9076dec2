/** Full-text search over all agent output (debounced); a hit opens its job scrolled to it. */
import { useEffect, useState } from "react";
import { useSearch } from "../state/queries";
import type { SearchHit } from "../api/types";
import { EmptyState, Modal } from "../components/Modal";
import { highlightSnippet } from "../state/format/snippet";

interface Props {
  onClose: () => void;
  onOpenHit: (hit: SearchHit) => void;
}

export function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

export function SearchModal({ onClose, onOpenHit }: Props) {
  const [query, setQuery] = useState("");
  const debounced = useDebounced(query.trim(), 250);
  const results = useSearch(debounced);
  return (
    <Modal title="Search agent output" onClose={onClose} wide testId="search-modal">
      <input
        className="search-input"
        data-testid="search-input"
        autoFocus
        placeholder="Words to find in any agent's output (prefix*: match word starts)"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <div className="search-results">
        {!debounced ? (
          <EmptyState title="Search everything the agents said">Tool calls, results, errors and messages of every run.</EmptyState>
        ) : results.isLoading ? (
          <div className="muted pad">Searching…</div>
        ) : results.error ? (
          <div className="field-error">{results.error.message}</div>
        ) : !results.data?.length ? (
          <EmptyState title="No matches">Nothing in the output matches “{debounced}”.</EmptyState>
        ) : (
          results.data.map((hit) => (
            <button
              type="button"
              key={`${hit.agentId}-${hit.seq}`}
              className="search-result"
              data-testid="search-result"
              data-job-id={hit.jobId}
              data-seq={hit.seq}
              onClick={() => onOpenHit(hit)}
            >
              <div className="search-result-head">
                <span className="search-title">{hit.jobTitle}</span>
                <span className="muted small">
                  {hit.kind} · #{hit.seq}
                </span>
              </div>
              <div className="snippet">
                {highlightSnippet(hit.snippet, debounced).map((part, i) =>
                  part.hit ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>,
                )}
              </div>
            </button>
          ))
        )}
      </div>
    </Modal>
  );
}
