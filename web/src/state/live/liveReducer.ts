/** The live picture of the queue: jobs by id, fed by the WebSocket snapshot, live envelopes and
 * REST pages. Pure, so reconnect/resync rules are unit-tested.
 *
 * Resync rule: every snapshot (first connect or reconnect) replaces the job map and bumps
 * `epoch`, so anything learned before the drop (including REST pages) is reloaded fresh rather
 * than trusted. */
import type { Agent, AppSettings, Job } from "../../api/types";
import type { ConnectionState, ServerMessage } from "../socket/messages";
import { isLiveAgent, isTerminal } from "../status";

export interface LiveState {
  connection: ConnectionState;
  /** Bumped on every snapshot; paged lists reset when it changes. */
  epoch: number;
  /** Whether a snapshot has arrived at least once. */
  ready: boolean;
  jobs: Map<string, Job>;
  /** Non-archived jobs on the server (snapshot's jobsTotal, adjusted by live events). */
  jobsTotal: number;
  /** How many of the newest non-archived jobs the snapshot carried. */
  snapshotCount: number;
  settings: AppSettings | null;
  liveAgents: number;
  /** Agents by id (stats, an interactive agent's `activity`, warnings): seeded by the
   * snapshot's live agents, then replaced by each agent.updated, which carries the whole agent. */
  agents: Map<string, Agent>;
  /** Increments on any change that may alter the job list. */
  version: number;
}

export type LiveAction =
  | { type: "connection"; state: ConnectionState }
  | { type: "messages"; messages: ServerMessage[] }
  | { type: "jobs.merge"; jobs: Job[]; overwrite?: boolean };

export const initialLiveState: LiveState = {
  connection: "connecting",
  epoch: 0,
  ready: false,
  jobs: new Map(),
  jobsTotal: 0,
  snapshotCount: 0,
  settings: null,
  liveAgents: 0,
  agents: new Map(),
  version: 0,
};

export function liveReducer(state: LiveState, action: LiveAction): LiveState {
  switch (action.type) {
    case "connection":
      return state.connection === action.state ? state : { ...state, connection: action.state };
    case "jobs.merge":
      return mergeJobs(state, action.jobs, action.overwrite ?? false);
    case "messages": {
      // One copy of the maps per batch, not one per envelope: a busy batch on 10,000 jobs.
      const draft: Draft = { jobs: null, agents: null };
      return action.messages.reduce((s, m) => applyMessage(s, m, draft), state);
    }
  }
}

function mergeJobs(state: LiveState, jobs: Job[], overwrite: boolean): LiveState {
  let next: Map<string, Job> | null = null;
  for (const job of jobs) {
    const known = (next ?? state.jobs).get(job.id);
    // REST pages may be older than what the socket already said: the socket wins.
    if (known && !overwrite) continue;
    if (known === job) continue;
    next ??= new Map(state.jobs);
    next.set(job.id, job);
  }
  return next ? { ...state, jobs: next, version: state.version + 1 } : state;
}

function newestCreatedAt(jobs: Map<string, Job>): string {
  let newest = "";
  for (const job of jobs.values()) if (job.createdAt > newest) newest = job.createdAt;
  return newest;
}

/** Maps already copied within the current batch, safe to mutate. */
interface Draft {
  jobs: Map<string, Job> | null;
  agents: Map<string, Agent> | null;
}

function ownJobs(state: LiveState, draft?: Draft): Map<string, Job> {
  if (draft && draft.jobs === state.jobs) return state.jobs;
  const jobs = new Map(state.jobs);
  if (draft) draft.jobs = jobs;
  return jobs;
}

function ownAgents(state: LiveState, draft?: Draft): Map<string, Agent> {
  if (draft && draft.agents === state.agents) return state.agents;
  const agents = new Map(state.agents);
  if (draft) draft.agents = agents;
  return agents;
}

export function applyMessage(state: LiveState, message: ServerMessage, draft?: Draft): LiveState {
  switch (message.type) {
    case "snapshot": {
      const data = message.data;
      const jobs = new Map<string, Job>();
      for (const job of data.jobs) jobs.set(job.id, job);
      const agents = new Map<string, Agent>();
      for (const agent of data.agents) agents.set(agent.id, agent);
      if (draft) {
        draft.jobs = jobs;
        draft.agents = agents;
      }
      return {
        ...state,
        connection: "connected",
        ready: true,
        epoch: state.epoch + 1,
        jobs,
        jobsTotal: data.jobsTotal,
        snapshotCount: jobs.size,
        settings: data.settings,
        liveAgents: data.liveAgents,
        agents,
        version: state.version + 1,
      };
    }
    case "job.updated": {
      const job = message.data;
      const previous = state.jobs.get(job.id);
      let jobsTotal = state.jobsTotal;
      if (!previous) {
        // A job we never saw: count it only if it is genuinely new (newer than all we know),
        // not an old job beyond the snapshot that merely changed.
        if (!job.archived && job.createdAt >= newestCreatedAt(state.jobs)) jobsTotal += 1;
      } else if (previous.archived !== job.archived) {
        jobsTotal += job.archived ? -1 : 1;
      }
      const jobs = ownJobs(state, draft);
      jobs.set(job.id, job);
      return { ...state, jobs, jobsTotal: Math.max(0, jobsTotal), version: state.version + 1 };
    }
    case "job.deleted": {
      const id = message.data.id;
      const previous = state.jobs.get(id);
      if (!previous) return state;
      const jobs = ownJobs(state, draft);
      jobs.delete(id);
      const jobsTotal = previous.archived ? state.jobsTotal : Math.max(0, state.jobsTotal - 1);
      return { ...state, jobs, jobsTotal, version: state.version + 1 };
    }
    case "agent.updated": {
      const data = message.data;
      const before = state.agents.get(data.id)?.status; // read before the map is mutated
      const agents = ownAgents(state, draft);
      agents.set(data.id, data);
      let liveAgents = state.liveAgents;
      if (data.status !== before) {
        const wasLive = isLiveAgent(before);
        const isLive = isLiveAgent(data.status);
        if (isLive && !wasLive) liveAgents += 1;
        if (!isLive && wasLive) liveAgents = Math.max(0, liveAgents - 1);
      }
      return { ...state, agents, liveAgents };
    }
    case "settings.updated":
      return { ...state, settings: message.data };
    default:
      return state;
  }
}

/** Jobs that moved into a finished state in this batch (for browser notifications). */
export function finishedTransitions(before: LiveState, messages: ServerMessage[]): Job[] {
  const finished: Job[] = [];
  for (const message of messages) {
    if (message.type !== "job.updated") continue;
    const job = message.data;
    const previous = before.jobs.get(job.id);
    if (!previous) continue;
    if (!isTerminal(previous.status) && (job.status === "done" || job.status === "failed")) finished.push(job);
  }
  return finished;
}
