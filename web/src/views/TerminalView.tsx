/** An interactive agent's live terminal in xterm.js, over /ws/terminal/{agentId}: the server
 * sends a JSON hello (pane size, activity), then the screen with scrollback and every byte the
 * pane prints; what you type goes back as `{"type": "input"}`. The terminal fills its container
 * and the pane follows it: the viewer sends `{"type": "resize"}` on connect and whenever the
 * container changes size, so the TUI lays itself out for this screen. Disconnecting (or closing
 * the panel) only closes this viewer: the agent keeps running in its tmux session. */
import { useEffect, useRef, useState } from "react";
import { FitAddon } from "@xterm/addon-fit";
import { Terminal } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";
import { getToken } from "../api/auth";
import type { TerminalMessage } from "../api/types";

/** How long the container must keep its size before the pane is resized (a drag resizes often). */
const RESIZE_DEBOUNCE_MS = 120;

type ViewerState = "connecting" | "connected" | "disconnected" | "ended";

export function terminalUrl(agentId: string, token: string | null): string {
  const { protocol, host } = window.location;
  const scheme = protocol === "https:" ? "wss:" : "ws:";
  const query = token ? `?token=${encodeURIComponent(token)}` : "";
  return `${scheme}//${host}/ws/terminal/${encodeURIComponent(agentId)}${query}`;
}

const LABEL: Record<ViewerState, string> = {
  connecting: "Connecting…",
  connected: "Live",
  disconnected: "Disconnected: the agent keeps running",
  ended: "Session ended",
};

export default function TerminalView({ agentId }: { agentId: string | null }) {
  const fitBox = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<ViewerState>("connecting");
  const [activity, setActivity] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [connected, setConnected] = useState(true);
  /** The size last sent to the pane (shown as data-cols / data-rows for tests). */
  const [paneSize, setPaneSize] = useState<{ cols: number; rows: number } | null>(null);

  useEffect(() => {
    const box = fitBox.current;
    if (!box || !agentId || !connected) return;
    const css = getComputedStyle(document.documentElement);
    const terminal = new Terminal({
      convertEol: false,
      fontSize: 12,
      scrollback: 10_000,
      theme: { background: css.getPropertyValue("--term-bg").trim() || "#0b0d12", foreground: css.getPropertyValue("--text").trim() || "#e5e7eb" },
    });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    terminal.open(box);
    setState("connecting");
    setPaneSize(null);
    const socket = new WebSocket(terminalUrl(agentId, getToken()));
    socket.binaryType = "arraybuffer";
    let ended = false;
    let live = false; // the hello said the agent runs: resizes go to its pane
    let sent = "";

    /** Fit the terminal to the container and tell the pane; false when it has no size yet. */
    const fitAndSend = (): boolean => {
      const size = fit.proposeDimensions();
      if (!size || !Number.isFinite(size.cols) || !Number.isFinite(size.rows) || size.cols < 2 || size.rows < 1) return false;
      if (size.cols !== terminal.cols || size.rows !== terminal.rows) fit.fit();
      const key = `${terminal.cols}x${terminal.rows}`;
      if (live && key !== sent && socket.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify({ type: "resize", cols: terminal.cols, rows: terminal.rows }));
        sent = key;
        setPaneSize({ cols: terminal.cols, rows: terminal.rows });
      }
      return true;
    };
    fitAndSend();

    let timer: ReturnType<typeof setTimeout> | undefined;
    const observer =
      typeof ResizeObserver === "undefined"
        ? null
        : new ResizeObserver(() => {
            clearTimeout(timer);
            timer = setTimeout(fitAndSend, RESIZE_DEBOUNCE_MS);
          });
    observer?.observe(box);
    socket.onmessage = (message) => {
      if (message.data instanceof ArrayBuffer) {
        terminal.write(new Uint8Array(message.data));
        return;
      }
      let data: TerminalMessage;
      try {
        data = JSON.parse(String(message.data)) as TerminalMessage;
      } catch {
        return;
      }
      if (data.type === "hello") {
        live = data.alive;
        // The pane takes this viewer's size; with no room to measure, draw at the pane's own.
        if (!fitAndSend() && data.cols && data.rows) terminal.resize(data.cols, data.rows);
        setActivity(data.activity);
        setState("connected");
      } else if (data.type === "activity") {
        setActivity(data.activity);
      } else if (data.type === "exit") {
        ended = true;
        setState("ended");
      }
    };
    socket.onclose = () => {
      if (!ended) setState("disconnected");
    };
    const input = terminal.onData((data) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "input", data }));
    });
    return () => {
      observer?.disconnect();
      clearTimeout(timer);
      input.dispose();
      socket.onclose = null;
      socket.onmessage = null;
      socket.close();
      terminal.dispose();
    };
  }, [agentId, attempt, connected]);

  if (!agentId) return <div className="muted pad">The terminal appears once the agent has started.</div>;
  return (
    <div className="terminal-view">
      <div className="terminal-bar">
        <span className="small" data-testid="terminal-state" data-state={connected ? state : "disconnected"}>
          {LABEL[connected ? state : "disconnected"]}
          {connected && state === "connected" && activity ? ` · ${activity}` : ""}
        </span>
        {connected && (state === "connecting" || state === "connected") ? (
          <button type="button" data-testid="terminal-disconnect" onClick={() => setConnected(false)}>
            Disconnect
          </button>
        ) : (
          <button
            type="button"
            data-testid="terminal-reconnect"
            onClick={() => {
              setConnected(true);
              setAttempt((n) => n + 1);
            }}
          >
            Reconnect
          </button>
        )}
      </div>
      {connected ? (
        <div className="terminal-host" data-testid="terminal" data-cols={paneSize?.cols} data-rows={paneSize?.rows}>
          <div ref={fitBox} className="terminal-fit" />
        </div>
      ) : (
        <div className="terminal-host muted pad">Not connected.</div>
      )}
    </div>
  );
}
