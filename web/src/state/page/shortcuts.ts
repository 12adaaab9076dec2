/** Page-wide single-key shortcuts, ignored while typing in a field. */
import { useEffect, useRef } from "react";

export type ShortcutMap = Record<string, () => void>;

export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable || !!target.closest(".xterm");
}

export function useShortcuts(map: ShortcutMap): void {
  const ref = useRef(map);
  ref.current = map;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
      const key = event.key;
      if (key !== "Escape" && isTypingTarget(event.target)) return;
      // Enter on a focused button or card is that control's own action.
      if (key === "Enter" && event.target instanceof HTMLElement && event.target.closest("button, a, [role=button]")) return;
      const action = ref.current[key];
      if (action) {
        event.preventDefault();
        action();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
}
