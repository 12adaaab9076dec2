/** Loads an agent's output (REST pages from the start), then follows it live over the socket
 * from the last seq seen. After a reconnect it catches up from the last seq over REST. */
import { useEffect, useRef, useState } from "react";
import { getAgentOutput } from "../../api/endpoints";
import type { OutputEvent } from "../../api/types";
import { useLive } from "./LiveProvider";
import { lastSeq, mergeEvents } from "./outputLog";

const PAGE = 5000;
/** Cap on what one load fetches; a longer log shows its first part plus everything live. */
const MAX_LOAD = 50_000;

export interface AgentOutput {
  events: OutputEvent[];
  loading: boolean;
  error: string | null;
  /** The agent process was still running when loaded. */
  live: boolean;
}

const EMPTY: AgentOutput = { events: [], loading: false, error: null, live: false };

export function useAgentOutput(agentId: string | null): AgentOutput {
  const { subscribeOutput, state } = useLive();
  const [output, setOutput] = useState<AgentOutput>(EMPTY);
  const eventsRef = useRef<OutputEvent[]>([]);
  const agentRef = useRef<string | null>(null);
  const loadedRef = useRef(false);

  const push = (forAgent: string, incoming: OutputEvent[]) => {
    if (agentRef.current !== forAgent) return;
    const merged = mergeEvents(eventsRef.current, incoming);
    if (merged === eventsRef.current) return;
    eventsRef.current = merged;
    setOutput((prev) => ({ ...prev, events: merged }));
  };

  const catchUp = async (forAgent: string, isCancelled: () => boolean): Promise<boolean> => {
    let after = lastSeq(eventsRef.current);
    let live = false;
    for (let loaded = 0; loaded < MAX_LOAD; loaded += PAGE) {
      const page = await getAgentOutput(forAgent, after, PAGE);
      if (isCancelled()) return live;
      push(forAgent, page.events);
      live = page.live;
      after = Math.max(after, page.nextAfter, lastSeq(eventsRef.current));
      if (page.events.length < PAGE) break;
    }
    return live;
  };

  useEffect(() => {
    agentRef.current = agentId;
    eventsRef.current = [];
    loadedRef.current = false;
    if (!agentId) {
      setOutput(EMPTY);
      return;
    }
    let cancelled = false;
    let unsubscribe: (() => void) | null = null;
    setOutput({ events: [], loading: true, error: null, live: false });
    catchUp(agentId, () => cancelled)
      .then((live) => {
        if (cancelled) return;
        setOutput((prev) => ({ ...prev, loading: false, live }));
      })
      .catch((error: unknown) => {
        if (cancelled) return;
        setOutput((prev) => ({ ...prev, loading: false, error: error instanceof Error ? error.message : String(error) }));
      })
      .finally(() => {
        if (cancelled) return;
        loadedRef.current = true;
        unsubscribe = subscribeOutput(agentId, lastSeq(eventsRef.current), (events) => push(agentId, events));
      });
    return () => {
      cancelled = true;
      unsubscribe?.();
    };
  }, [agentId, subscribeOutput]);

  // After a reconnect (new snapshot), fetch whatever the socket's backlog may not cover.
  useEffect(() => {
    if (!agentId || !loadedRef.current) return;
    let cancelled = false;
    catchUp(agentId, () => cancelled).catch(() => {});
    return () => {
      cancelled = true;
    };
  }, [state.epoch]);

  return output;
}
