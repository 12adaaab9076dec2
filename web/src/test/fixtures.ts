import type { Agent, Job } from "../api/types";

let counter = 0;

export function makeJob(overrides: Partial<Job> = {}): Job {
  counter += 1;
  const id = overrides.id ?? `job_${String(counter).padStart(4, "0")}`;
  return {
    id,
    title: `Job ${id}`,
    description: "do things",
    status: "queued",
    statusReason: null,
    statusMessage: null,
    priority: 0,
    model: null,
    modelClassification: null,
    workDir: "/tmp",
    maxTurns: null,
    stopMode: null,
    stopValue: null,
    dependsOn: [],
    useWorktree: false,
    interactive: false,
    context: {},
    templateId: null,
    repeatIntervalSec: null,
    scheduledAt: null,
    retryPolicy: "none",
    attempt: 1,
    failureKind: null,
    holdReason: null,
    heldUntil: null,
    expiredQuestionId: null,
    completionChecks: [],
    projectId: null,
    parentJobId: null,
    currentAgentId: null,
    result: null,
    costUsd: 0,
    prUrl: null,
    flagged: false,
    archived: false,
    createdAt: `2026-01-01T00:00:${String(counter % 60).padStart(2, "0")}.${String(counter).padStart(6, "0")}Z`,
    startedAt: null,
    finishedAt: null,
    ...overrides,
  };
}

export function makeAgent(overrides: Partial<Agent> = {}): Agent {
  counter += 1;
  return {
    id: `ag_${String(counter).padStart(4, "0")}`,
    jobId: "job_0000",
    provider: "claude",
    model: null,
    status: "running",
    pid: 4242,
    sessionId: null,
    exitCode: null,
    stopReason: null,
    numTurns: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    costUsd: 0,
    workDir: "/tmp",
    interactive: false,
    activity: null,
    maxTurns: null,
    warnings: [],
    createdAt: "2026-01-01T00:00:00Z",
    startedAt: "2026-01-01T00:00:01Z",
    finishedAt: null,
    ...overrides,
  };
}
