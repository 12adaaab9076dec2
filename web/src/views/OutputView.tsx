/** The Output tab: the event list that follows the live stream while the user is at the bottom,
 * and keeps its place when the user scrolls up. */
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import type { Agent } from "../api/types";
import { EventList } from "../components/EventList";
import { EmptyState } from "../components/Modal";
import { useAgentOutput } from "../state/live/useAgentOutput";
import { formatClock } from "../state/format/format";

interface Props {
  agentId: string | null;
  agents: Agent[];
  onAgent: (agentId: string) => void;
  jobStatus: string;
  targetSeq: number | null;
}

const NEAR_BOTTOM = 48;

export function OutputView({ agentId, agents, onAgent, jobStatus, targetSeq }: Props) {
  const output = useAgentOutput(agentId);
  const scrollRef = useRef<HTMLDivElement>(null);
  const follow = useRef(true);
  const [unseen, setUnseen] = useState(0);
  const seenCount = useRef(0);
  const scrolledToTarget = useRef<number | null>(null);

  useEffect(() => {
    follow.current = targetSeq == null;
    seenCount.current = 0;
    setUnseen(0);
    scrolledToTarget.current = null;
  }, [agentId, targetSeq]);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    if (targetSeq != null && scrolledToTarget.current !== targetSeq) {
      const target = el.querySelector<HTMLElement>(`[data-seq="${targetSeq}"]`);
      if (target) {
        scrolledToTarget.current = targetSeq;
        target.scrollIntoView({ block: "center" });
        follow.current = false;
        seenCount.current = output.events.length;
        return;
      }
    }
    if (follow.current) {
      el.scrollTop = el.scrollHeight;
      seenCount.current = output.events.length;
      setUnseen(0);
    } else {
      setUnseen(Math.max(0, output.events.length - seenCount.current));
    }
  }, [output.events, targetSeq]);

  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM;
    follow.current = atBottom;
    if (atBottom) {
      seenCount.current = output.events.length;
      setUnseen(0);
    }
  };

  const jumpToEnd = () => {
    const el = scrollRef.current;
    if (!el) return;
    follow.current = true;
    el.scrollTop = el.scrollHeight;
    seenCount.current = output.events.length;
    setUnseen(0);
  };

  return (
    <div className="output-view">
      {agents.length > 1 && (
        <div className="run-picker">
          Run:
          {agents.map((agent, i) => (
            <button
              key={agent.id}
              type="button"
              className={agent.id === agentId ? "chip active" : "chip"}
              onClick={() => onAgent(agent.id)}
              title={`${agent.id} · ${agent.status} · started ${formatClock(agent.startedAt ?? agent.createdAt)}`}
            >
              #{i + 1} {agent.status === "exited" ? "" : `(${agent.status})`}
            </button>
          ))}
        </div>
      )}
      <div className="output-scroll" ref={scrollRef} onScroll={onScroll} data-testid="output-scroll">
        {!agentId ? (
          <EmptyState title={jobStatus === "queued" || jobStatus === "waiting" || jobStatus === "scheduled" ? "Not started yet" : "No agent run"}>
            The output appears here as soon as an agent starts on this job.
          </EmptyState>
        ) : output.error && output.events.length === 0 ? (
          <div className="field-error">Could not load output: {output.error}</div>
        ) : output.loading && output.events.length === 0 ? (
          <div className="muted pad">Loading output…</div>
        ) : output.events.length === 0 ? (
          <div className="muted pad">No output yet…</div>
        ) : (
          <EventList events={output.events} highlightSeq={targetSeq} />
        )}
      </div>
      {unseen > 0 && (
        <button type="button" className="jump-button" onClick={jumpToEnd} data-testid="jump-to-end">
          ↓ {unseen} new event{unseen === 1 ? "" : "s"}
        </button>
      )}
    </div>
  );
}
