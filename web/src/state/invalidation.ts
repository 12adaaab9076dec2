/** Which cached REST queries a batch of live envelopes makes stale. */
import type { ServerMessage } from "./messages";

export function invalidationsFor(messages: ServerMessage[]): string[][] {
  const keys = new Map<string, string[]>();
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
    else if (type === "job.status") {
      const jobId = (message.data as { jobId?: string }).jobId;
      if (jobId) add(["status-history", jobId]);
    }
    else if (type === "job.updated" || type === "job.deleted") {
      if (type === "job.deleted") add(["projects"]); // job counts per project
      const data = message.data as { id?: string; currentAgentId?: string | null; status?: string };
      if (data.id) {
        add(["agents", data.id]);
        add(["status-history", data.id]);
      }
      if (data.currentAgentId && data.status && ["done", "failed", "cancelled"].includes(data.status)) {
        add(["diff", data.currentAgentId]);
      }
    } else if (type === "agent.updated") {
      const data = message.data as { jobId?: string; status?: string };
      if (data.jobId && data.status) add(["agents", data.jobId]);
    }
  }
  return [...keys.values()];
}
