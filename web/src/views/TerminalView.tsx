/** An interactive agent's live terminal in xterm.js, over /ws/terminal/{agentId}: the server
 * sends a JSON hello (pane size, activity), then the screen with scrollback and every byte the
 * pane prints; what you type goes back as `{"type": "input"}`. Disconnecting (or closing the
 * panel) only closes this viewer: the agent keeps running in its tmux session. */
import { useEffect, useRef, useState } from "react";
import { Terminal } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";
import { getToken } from "../api/auth";

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
  const host = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<ViewerState>("connecting");
  const [activity, setActivity] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [connected, setConnected] = useState(true);

  useEffect(() => {
    if (!host.current || !agentId || !connected) return;
    const css = getComputedStyle(document.documentElement);
    const terminal = new Terminal({
      convertEol: false,
      fontSize: 12,
      scrollback: 10_000,
      theme: { background: css.getPropertyValue("--term-bg").trim() || "#0b0d12", foreground: css.getPropertyValue("--text").trim() || "#e5e7eb" },
    });
    terminal.open(host.current);
    setState("connecting");
    const socket = new WebSocket(terminalUrl(agentId, getToken()));
    socket.binaryType = "arraybuffer";
    let ended = false;
    socket.onmessage = (message) => {
      if (message.data instanceof ArrayBuffer) {
        terminal.write(new Uint8Array(message.data));
        return;
      }
      let data: { type?: string; activity?: string | null; cols?: number; rows?: number };
      try {
        data = JSON.parse(String(message.data));
      } catch {
        return;
      }
      if (data.type === "hello") {
        // Draw at the pane's own size: the TUI lays its screen out for it.
        if (data.cols && data.rows) terminal.resize(data.cols, data.rows);
        setActivity(data.activity ?? null);
        setState("connected");
      } else if (data.type === "activity") {
        setActivity(data.activity ?? null);
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
      {connected ? <div ref={host} className="terminal-host" data-testid="terminal" /> : <div className="terminal-host muted pad">Not connected.</div>}
    </div>
  );
}
