/** Which cached REST queries a batch of live envelopes makes stale. */
import type { QueryKey } from "@tanstack/react-query";
import type { Agent } from "../../api/types";
import { keys } from "../queries";
import type { ServerMessage } from "../socket/messages";
import { isTerminal } from "../status";

/** The keys to invalidate; `[]` (alone) means every query. AGENTS: what the page knew of each
 * agent before this batch (a job's agent list changes with an agent's status, not its stats). */
export function invalidationsFor(messages: ServerMessage[], agents: ReadonlyMap<string, Agent> = new Map()): QueryKey[] {
  const found = new Map<string, QueryKey>();
  const add = (key: QueryKey) => found.set(JSON.stringify(key), key);
  const statuses = new Map<string, string>();
  for (const message of messages) {
    switch (message.type) {
      case "snapshot":
        // A (re)connect: everything cached may have missed events while we were away.
        return [[]];
      case "project.updated":
      case "project.deleted":
        add(keys.projects);
        break;
      case "template.updated":
      case "template.deleted":
        add(keys.templates);
        break;
      case "question.created":
      case "question.answered":
      case "question.expired":
        add(keys.allQuestions);
        break;
      case "note.updated":
      case "note.deleted":
        add(keys.allNotes);
        break;
      case "lock.acquired":
      case "lock.released":
        add(keys.locks);
        break;
      case "settings.updated":
        add(keys.settings);
        break;
      case "queue.updated":
        add(keys.queue);
        break;
      case "job.status":
        add(keys.statusHistory(message.data.jobId));
        break;
      case "job.updated": {
        const job = message.data;
        add(keys.agents(job.id));
        add(keys.statusHistory(job.id));
        if (job.currentAgentId && isTerminal(job.status)) add(keys.diff(job.currentAgentId));
        break;
      }
      case "job.deleted":
        add(keys.projects); // job counts per project
        add(keys.agents(message.data.id));
        add(keys.statusHistory(message.data.id));
        break;
      case "agent.updated": {
        const agent = message.data;
        const known = statuses.get(agent.id) ?? agents.get(agent.id)?.status;
        if (known !== agent.status) add(keys.agents(agent.jobId));
        statuses.set(agent.id, agent.status);
        break;
      }
    }
  }
  return [...found.values()];
}
