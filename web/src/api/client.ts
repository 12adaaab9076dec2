/** The typed REST client (openapi-fetch over the generated schema) plus a small fetch helper
 * for endpoints the schema does not list yet. Every failure becomes an ApiError carrying the
 * server's `{code, message, field}`. */
import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./schema";
import { authHeaders, raiseAuthRequired } from "./auth";
import type { ApiErrorBody } from "./types";

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field?: string;

  constructor(status: number, code: string, message: string, field?: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.field = field;
  }

  get notFound(): boolean {
    return this.status === 404;
  }
}

export function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}

/** Builds an ApiError from any response body shape the server (or a proxy) may send. */
export function toApiError(status: number, body: unknown): ApiError {
  const err = (body as ApiErrorBody | undefined)?.error;
  if (err && typeof err === "object" && typeof err.message === "string") {
    return new ApiError(status, err.code ?? "error", err.message, err.field ?? undefined);
  }
  const detail = (body as { detail?: unknown } | undefined)?.detail;
  if (typeof detail === "string") return new ApiError(status, "error", detail);
  if (typeof body === "string" && body.trim()) return new ApiError(status, "error", body.slice(0, 300));
  return new ApiError(status, "error", `request failed (${status})`);
}

const authMiddleware: Middleware = {
  onRequest({ request }) {
    for (const [name, value] of Object.entries(authHeaders())) request.headers.set(name, value);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401) raiseAuthRequired();
    return response;
  },
};

function baseUrl(): string {
  return typeof window !== "undefined" && window.location?.origin && window.location.origin !== "null"
    ? window.location.origin
    : "http://localhost";
}

export const api = createClient<paths>({ baseUrl: baseUrl() });
api.use(authMiddleware);

/** Unwraps an openapi-fetch result: the data, or a thrown ApiError. */
export async function unwrap<T>(
  promise: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await promise;
  if (!response.ok) throw toApiError(response.status, error);
  return data as T;
}

/** Plain JSON fetch with the same auth and error handling, for paths not in the schema yet. */
export async function apiFetch<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const headers = new Headers(init.headers);
  for (const [name, value] of Object.entries(authHeaders())) headers.set(name, value);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(init.json);
  }
  const response = await fetch(path, { ...init, headers, body });
  if (response.status === 401) raiseAuthRequired();
  const type = response.headers.get("content-type") ?? "";
  const payload: unknown =
    response.status === 204 ? undefined : type.includes("json") ? await response.json().catch(() => undefined) : await response.text();
  if (!response.ok) throw toApiError(response.status, payload);
  return payload as T;
}
