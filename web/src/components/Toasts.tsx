/** Short messages in a corner: action results and errors. */
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";

interface Toast {
  id: number;
  text: string;
  kind: "info" | "error";
}

interface ToastApi {
  info: (text: string) => void;
  error: (text: string) => void;
}

const ToastContext = createContext<ToastApi>({ info: () => {}, error: () => {} });

let nextId = 1;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const push = useCallback((text: string, kind: Toast["kind"]) => {
    const id = nextId++;
    setToasts((list) => [...list.slice(-4), { id, text, kind }]);
    setTimeout(() => setToasts((list) => list.filter((t) => t.id !== id)), kind === "error" ? 8000 : 3500);
  }, []);
  const api = useMemo<ToastApi>(() => ({ info: (t) => push(t, "info"), error: (t) => push(t, "error") }), [push]);
  return (
    <ToastContext.Provider value={api}>
      {children}
      <div className="toasts" aria-live="polite">
        {toasts.map((toast) => (
          <div key={toast.id} className={`toast toast-${toast.kind}`} data-testid={`toast-${toast.kind}`}>
            {toast.text}
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export const useToast = () => useContext(ToastContext);

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
