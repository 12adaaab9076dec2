/** TanStack Query keys and hooks. Live changes arrive over the WebSocket, which invalidates
 * these keys (see state/invalidation.ts), so polling is only a slow fallback. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { isNotFound } from "./client";
import * as ep from "./endpoints";
import type { AppSettings, Lock, Note, Question, StatusHistoryEntry } from "./types";

export const keys = {
  projects: ["projects"] as const,
  templates: ["templates"] as const,
  models: ["models"] as const,
  settings: ["settings"] as const,
  usage: (days: number) => ["usage", days] as const,
  search: (q: string) => ["search", q] as const,
  agents: (jobId: string) => ["agents", jobId] as const,
  diff: (agentId: string) => ["diff", agentId] as const,
  questions: ["questions", "pending"] as const,
  notes: (prefix: string) => ["notes", prefix] as const,
  locks: ["locks"] as const,
  statusHistory: (jobId: string) => ["status-history", jobId] as const,
};

/** A view of an endpoint that may not exist yet: 404 means "not available", not an error. */
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

export const useProjects = () => useQuery({ queryKey: keys.projects, queryFn: ep.listProjects, staleTime: 30_000 });
export const useTemplates = () => useQuery({ queryKey: keys.templates, queryFn: ep.listTemplates, staleTime: 30_000 });
export const useModels = () => useQuery({ queryKey: keys.models, queryFn: ep.listModels, staleTime: 5 * 60_000 });
export const useSettings = () => useQuery({ queryKey: keys.settings, queryFn: ep.getSettings });

export const useUsage = (days: number) =>
  useQuery({ queryKey: keys.usage(days), queryFn: () => ep.getUsage(days), refetchInterval: 60_000 });

export const useSearch = (q: string) =>
  useQuery({ queryKey: keys.search(q), queryFn: () => ep.search(q, 50), enabled: q.trim().length > 0, staleTime: 5_000 });

export const useAgents = (jobId: string | null) =>
  useQuery({ queryKey: keys.agents(jobId ?? ""), queryFn: () => ep.listAgents(jobId!), enabled: !!jobId });

export const useDiff = (agentId: string | null, enabled: boolean) =>
  useQuery({ queryKey: keys.diff(agentId ?? ""), queryFn: () => ep.getAgentDiff(agentId!), enabled: !!agentId && enabled });

export const usePendingQuestions = () =>
  useQuery({
    queryKey: keys.questions,
    queryFn: () => optional<Question[]>(() => ep.listQuestions("pending"), []),
    refetchInterval: (query) => (query.state.data?.available === false ? 60_000 : 30_000),
  });

export const useNotes = (prefix: string) =>
  useQuery({ queryKey: keys.notes(prefix), queryFn: () => optional<Note[]>(() => ep.listNotes(prefix), []) });

export const useLocks = () =>
  useQuery({ queryKey: keys.locks, queryFn: () => optional<Lock[]>(ep.listLocks, []), refetchInterval: 15_000 });

export const useStatusHistory = (jobId: string | null) =>
  useQuery({
    queryKey: keys.statusHistory(jobId ?? ""),
    queryFn: () => optional<StatusHistoryEntry[]>(() => ep.jobStatusHistory(jobId!), []),
    enabled: !!jobId,
  });

export function useSaveSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: AppSettings) => ep.putSettings(body),
    onSuccess: (settings) => client.setQueryData(keys.settings, settings),
  });
}

export function useAnswerQuestion() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, answer }: { id: string; answer: string }) => ep.answerQuestion(id, answer),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.questions }),
  });
}
