/** Every REST query the page makes: its key, its `queryOptions`, the hook views call, and the
 * mutations that change what they return. Views never spell a key; the live socket makes keys
 * stale through the same `keys` (live/invalidation.ts), so polling is only a slow fallback. */
import { queryOptions, useMutation, useQuery, useQueryClient, type QueryKey } from "@tanstack/react-query";
import { isNotFound } from "../api/client";
import * as ep from "../api/endpoints";
import type { AppSettings, Lock, Note, Question, StatusHistoryEntry, TemplateCreate, TemplatePatch } from "../api/types";

export type QuestionStatus = "pending" | "answered" | "expired";

/** Query keys. A key's first part names a family; invalidating `[family]` covers all of it. */
export const keys = {
  projects: ["projects"] as const,
  templates: ["templates"] as const,
  models: ["models"] as const,
  settings: ["settings"] as const,
  integrations: ["integrations"] as const,
  backups: ["backups"] as const,
  queue: ["queue"] as const,
  usage: (days: number) => ["usage", days] as const,
  search: (q: string) => ["search", q] as const,
  agents: (jobId: string) => ["agents", jobId] as const,
  diff: (agentId: string) => ["diff", agentId] as const,
  allQuestions: ["questions"] as const,
  questions: (status: QuestionStatus) => ["questions", status] as const,
  allNotes: ["notes"] as const,
  notes: (prefix: string) => ["notes", prefix] as const,
  locks: ["locks"] as const,
  statusHistory: (jobId: string) => ["status-history", jobId] as const,
} satisfies Record<string, QueryKey | ((...args: never[]) => QueryKey)>;

/** A view of an endpoint that may not exist on this server: 404 means "not available". */
export interface Optional<T> {
  available: boolean;
  items: T;
}

async function optional<T>(load: () => Promise<T>, empty: T): Promise<Optional<T>> {
  try {
    return { available: true, items: await load() };
  } catch (error) {
    if (isNotFound(error)) return { available: false, items: empty };
    throw error;
  }
}

export const queries = {
  projects: () => queryOptions({ queryKey: keys.projects, queryFn: ep.listProjects, staleTime: 30_000 }),
  templates: () => queryOptions({ queryKey: keys.templates, queryFn: ep.listTemplates, staleTime: 30_000 }),
  models: () => queryOptions({ queryKey: keys.models, queryFn: ep.listModels, staleTime: 5 * 60_000 }),
  settings: () => queryOptions({ queryKey: keys.settings, queryFn: ep.getSettings }),
  // Fixed at server start (environment settings): fetched once per page.
  integrations: () => queryOptions({ queryKey: keys.integrations, queryFn: ep.listIntegrations, staleTime: Infinity }),
  usage: (days: number) => queryOptions({ queryKey: keys.usage(days), queryFn: () => ep.getUsage(days), refetchInterval: 60_000 }),
  search: (q: string) =>
    queryOptions({ queryKey: keys.search(q), queryFn: () => ep.search(q, 50), enabled: q.trim().length > 0, staleTime: 5_000 }),
  agents: (jobId: string | null) =>
    queryOptions({ queryKey: keys.agents(jobId ?? ""), queryFn: () => ep.listAgents(jobId!), enabled: !!jobId }),
  diff: (agentId: string | null, enabled: boolean) =>
    queryOptions({ queryKey: keys.diff(agentId ?? ""), queryFn: () => ep.getAgentDiff(agentId!), enabled: !!agentId && enabled }),
  questions: (status: QuestionStatus) =>
    queryOptions({
      queryKey: keys.questions(status),
      queryFn: () => optional<Question[]>(() => ep.listQuestions(status), []),
      // Pending ones matter now; the history changes only through live events.
      refetchInterval: (query) => (query.state.data?.available === false || status !== "pending" ? 60_000 : 30_000),
    }),
  notes: (prefix: string) =>
    queryOptions({ queryKey: keys.notes(prefix), queryFn: () => optional<Note[]>(() => ep.listNotes(prefix), []) }),
  locks: () => queryOptions({ queryKey: keys.locks, queryFn: () => optional<Lock[]>(ep.listLocks, []), refetchInterval: 15_000 }),
  statusHistory: (jobId: string | null) =>
    queryOptions({
      queryKey: keys.statusHistory(jobId ?? ""),
      queryFn: () => optional<StatusHistoryEntry[]>(() => ep.jobStatusHistory(jobId!), []),
      enabled: !!jobId,
    }),
};

export const useProjects = () => useQuery(queries.projects());
export const useTemplates = () => useQuery(queries.templates());
export const useModels = () => useQuery(queries.models());
export const useSettings = () => useQuery(queries.settings());
export const useIntegrations = () => useQuery(queries.integrations());
export const useUsage = (days: number) => useQuery(queries.usage(days));
export const useSearch = (q: string) => useQuery(queries.search(q));
export const useAgents = (jobId: string | null) => useQuery(queries.agents(jobId));
export const useDiff = (agentId: string | null, enabled: boolean) => useQuery(queries.diff(agentId, enabled));
export const useQuestions = (status: QuestionStatus) => useQuery(queries.questions(status));
export const usePendingQuestions = () => useQuestions("pending");
export const useNotes = (prefix: string) => useQuery(queries.notes(prefix));
export const useLocks = () => useQuery(queries.locks());
export const useStatusHistory = (jobId: string | null) => useQuery(queries.statusHistory(jobId));

// ---- mutations: each refreshes what it changed (the socket's events do too, a moment later) ----

/** A mutation whose success makes the queries under KEY stale; `mutateAsync` resolves once
 * they are refetched, so a view that awaits it shows the new data. */
function useChanging<TArgs, TResult>(key: QueryKey, change: (args: TArgs) => Promise<TResult>) {
  const client = useQueryClient();
  return useMutation({ mutationFn: change, onSuccess: () => client.invalidateQueries({ queryKey: key }) });
}

/** Why queued jobs are held; `queue.updated` messages make it stale. */
export const useQueue = () => useQuery({ queryKey: keys.queue, queryFn: ep.getQueue, refetchInterval: 60_000 });

export const useBackups = () => useQuery({ queryKey: keys.backups, queryFn: ep.listBackups });

export function useCreateBackup() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ep.createBackup,
    onSuccess: () => client.invalidateQueries({ queryKey: keys.backups }),
  });
}

export function useSaveSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: AppSettings) => ep.putSettings(body),
    onSuccess: (settings) => client.setQueryData(keys.settings, settings),
  });
}

export const useAnswerQuestion = () =>
  useChanging(keys.allQuestions, ({ id, answer }: { id: string; answer: string }) => ep.answerQuestion(id, answer));

export const useSaveNote = () => useChanging(keys.allNotes, ({ key, value }: { key: string; value: string }) => ep.putNote(key, value));
export const useDeleteNote = () => useChanging(keys.allNotes, (key: string) => ep.deleteNote(key));

export const useReleaseLock = () => useChanging(keys.locks, (id: string) => ep.releaseLock(id));

export const useCreateProject = () => useChanging(keys.projects, (name: string) => ep.createProject(name));
export const useDeleteProject = () => useChanging(keys.projects, (id: string) => ep.deleteProject(id));

export const useSaveTemplate = () =>
  useChanging(keys.templates, ({ id, body }: { id: string | null; body: TemplateCreate & TemplatePatch }) =>
    id ? ep.updateTemplate(id, body) : ep.createTemplate(body),
  );
export const useDeleteTemplate = () => useChanging(keys.templates, (id: string) => ep.deleteTemplate(id));
