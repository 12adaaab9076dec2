/** One function per server call. Views use these through TanStack Query (queries.ts). */
import { api, apiFetch, unwrap, ApiError } from "./client";
import type {
  Agent,
  AppSettings,
  IntegrationStatus,
  BackupInfo,
  Job,
  JobCreate,
  JobPatch,
  JobStatus,
  Lock,
  ModelInfo,
  Note,
  OutputPage,
  Project,
  Question,
  QueueStatus,
  SearchHit,
  StatusHistoryEntry,
  Template,
  TemplateCreate,
  TemplatePatch,
  UsageReport,
} from "./types";

export interface JobFilter {
  projectId?: string | null;
  archived?: "true" | "false" | "all";
  status?: JobStatus[];
  flagged?: boolean;
}

export interface JobPage {
  jobs: Job[];
  total: number;
}

export async function listJobs(filter: JobFilter, limit: number, offset: number): Promise<JobPage> {
  const { data, error, response } = await api.GET("/api/jobs", {
    params: {
      query: {
        projectId: filter.projectId ?? undefined,
        archived: filter.archived ?? "false",
        status: filter.status?.length ? [filter.status.join(",")] : undefined,
        flagged: filter.flagged,
        limit,
        offset,
      },
    },
  });
  if (!response.ok || !data) throw new ApiError(response.status, "error", messageOf(error, response.status));
  const total = Number(response.headers.get("X-Total-Count") ?? data.length);
  return { jobs: data, total: Number.isFinite(total) ? total : data.length };
}

function messageOf(error: unknown, status: number): string {
  const message = (error as { error?: { message?: string } } | undefined)?.error?.message;
  return message ?? `request failed (${status})`;
}

export const getJob = (id: string) => unwrap<Job>(api.GET("/api/jobs/{job_id}", { params: { path: { job_id: id } } }));

export const createJob = (body: JobCreate) => unwrap<Job>(api.POST("/api/jobs", { body }));

export const patchJob = (id: string, body: JobPatch) =>
  unwrap<Job>(api.PATCH("/api/jobs/{job_id}", { params: { path: { job_id: id } }, body }));

export const deleteJob = (id: string) =>
  unwrap<unknown>(api.DELETE("/api/jobs/{job_id}", { params: { path: { job_id: id } } }));

export type JobAction = "cancel" | "retry" | "requeue";

export function jobAction(id: string, action: JobAction): Promise<Job> {
  const params = { params: { path: { job_id: id } } };
  switch (action) {
    case "cancel":
      return unwrap<Job>(api.POST("/api/jobs/{job_id}/cancel", params));
    case "retry":
      return unwrap<Job>(api.POST("/api/jobs/{job_id}/retry", params));
    case "requeue":
      return unwrap<Job>(api.POST("/api/jobs/{job_id}/requeue", params));
  }
}

export const continueJob = (id: string, message: string) =>
  unwrap<Job>(api.POST("/api/jobs/{job_id}/continue", { params: { path: { job_id: id } }, body: { message } }));

export const jobStatusHistory = (id: string) =>
  apiFetch<StatusHistoryEntry[]>(`/api/jobs/${encodeURIComponent(id)}/status-history`);

export const listAgents = (jobId: string) =>
  unwrap<Agent[]>(api.GET("/api/agents", { params: { query: { jobId, limit: 200 } } }));

export const getAgentOutput = (agentId: string, after: number, limit = 5000) =>
  unwrap<OutputPage>(
    api.GET("/api/agents/{agent_id}/output", { params: { path: { agent_id: agentId }, query: { after, limit } } }),
  );

export const getAgentDiff = (agentId: string) =>
  apiFetch<string>(`/api/agents/${encodeURIComponent(agentId)}/diff`, { headers: { Accept: "text/plain" } });

export const getSettings = () => unwrap<AppSettings>(api.GET("/api/settings"));
export const putSettings = (body: AppSettings) => unwrap<AppSettings>(api.PUT("/api/settings", { body }));

export const listIntegrations = () => unwrap<IntegrationStatus[]>(api.GET("/api/integrations"));
export const getQueue = () => unwrap<QueueStatus>(api.GET("/api/queue"));

export const listBackups = () => unwrap<BackupInfo[]>(api.GET("/api/backups"));
export const createBackup = () => unwrap<BackupInfo>(api.POST("/api/backups"));

export const listModels = () => unwrap<ModelInfo[]>(api.GET("/api/models"));

export const getUsage = (days: number) => unwrap<UsageReport>(api.GET("/api/usage", { params: { query: { days } } }));

export const search = (q: string, limit = 50) =>
  unwrap<SearchHit[]>(api.GET("/api/search", { params: { query: { q, limit } } }));

export const listProjects = () => unwrap<Project[]>(api.GET("/api/projects"));
export const createProject = (name: string) => unwrap<Project>(api.POST("/api/projects", { body: { name } }));
export const renameProject = (id: string, name: string) =>
  unwrap<Project>(api.PATCH("/api/projects/{project_id}", { params: { path: { project_id: id } }, body: { name } }));
export const deleteProject = (id: string) =>
  unwrap<unknown>(api.DELETE("/api/projects/{project_id}", { params: { path: { project_id: id } } }));

export const listTemplates = () => unwrap<Template[]>(api.GET("/api/templates"));
export const createTemplate = (body: TemplateCreate) => unwrap<Template>(api.POST("/api/templates", { body }));
export const updateTemplate = (id: string, body: TemplatePatch) =>
  unwrap<Template>(api.PATCH("/api/templates/{template_id}", { params: { path: { template_id: id } }, body }));
export const deleteTemplate = (id: string) =>
  unwrap<unknown>(api.DELETE("/api/templates/{template_id}", { params: { path: { template_id: id } } }));

// ---- coordination: plain fetch (note keys keep their `/`), 404 = not on this server -------

export const listQuestions = (status = "pending") =>
  apiFetch<Question[]>(`/api/questions?status=${encodeURIComponent(status)}`);
export const answerQuestion = (id: string, answer: string) =>
  apiFetch<Question>(`/api/questions/${encodeURIComponent(id)}/answer`, { method: "POST", json: { answer } });

const noteUrl = (key: string) => `/api/notes/${key.split("/").map(encodeURIComponent).join("/")}`;
export const listNotes = (prefix = "") =>
  apiFetch<Note[]>(`/api/notes${prefix ? `?prefix=${encodeURIComponent(prefix)}` : ""}`);
export const getNote = (key: string) => apiFetch<Note>(noteUrl(key));
export const putNote = (key: string, value: string) => apiFetch<Note>(noteUrl(key), { method: "PUT", json: { value } });
export const deleteNote = (key: string) => apiFetch<unknown>(noteUrl(key), { method: "DELETE" });

export const listLocks = () => apiFetch<Lock[]>("/api/locks");
export const releaseLock = (id: string) => apiFetch<unknown>(`/api/locks/${encodeURIComponent(id)}`, { method: "DELETE" });
