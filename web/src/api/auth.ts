/** The optional AUTH_TOKEN: kept in localStorage, sent as a bearer header (and `?token=` on the
 * WebSocket). A 401 anywhere raises "auth required" so the page can ask for it. */

const KEY = "podium.token";

type Listener = () => void;
const listeners = new Set<Listener>();

export function getToken(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  try {
    if (token) localStorage.setItem(KEY, token);
    else localStorage.removeItem(KEY);
  } catch {
    /* storage unavailable: the token lives for this page only */
  }
}

export function authHeaders(): Record<string, string> {
  const token = getToken();
  return token ? { Authorization: `Bearer ${token}` } : {};
}

export function onAuthRequired(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function raiseAuthRequired(): void {
  for (const listener of listeners) listener();
}
