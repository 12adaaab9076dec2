/** Which cached REST queries a batch of live envelopes makes stale. */
import { TERMINAL_STATUSES, type Agent } from "../api/types";
import type { ServerMessage } from "./messages";

/** AGENTS: what the page knew of each agent before this batch (a job's agent list changes
 * with an agent's status, not with its stats). */
export function invalidationsFor(messages: ServerMessage[], agents: ReadonlyMap<string, Agent> = new Map()): string[][] {
  const keys = new Map<string, string[]>();
  const statuses = new Map<string, string>();
  const add = (key: string[]) => keys.set(key.join("\u0000"), key);
  for (const message of messages) {
    const type = message.type;
    if (type === "snapshot") {
      // A (re)connect: everything cached may have missed events while we were away.
      return [[]];
    }
    if (type.startsWith("project.")) add(["projects"]);
    else if (type.startsWith("template.")) add(["templates"]);
    else if (type.startsWith("question.")) add(["questions"]);
    else if (type.startsWith("note.")) add(["notes"]);
    else if (type.startsWith("lock.")) add(["locks"]);
    else if (type === "settings.updated") add(["settings"]);
    else if (message.type === "job.status") add(["status-history", message.data.jobId]);
    else if (message.type === "job.updated") {
      const job = message.data;
      add(["agents", job.id]);
      add(["status-history", job.id]);
      if (job.currentAgentId && TERMINAL_STATUSES.has(job.status)) add(["diff", job.currentAgentId]);
    } else if (message.type === "job.deleted") {
      add(["projects"]); // job counts per project
      add(["agents", message.data.id]);
      add(["status-history", message.data.id]);
    } else if (message.type === "agent.updated") {
      // The job's agent list shows status; stats alone change only the live card.
      const agent = message.data;
      const known = statuses.get(agent.id) ?? agents.get(agent.id)?.status;
      if (known !== agent.status) add(["agents", agent.jobId]);
      statuses.set(agent.id, agent.status);
    }
  }
  return [...keys.values()];
}
