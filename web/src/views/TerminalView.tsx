/** The raw terminal of an interactive agent, in xterm.js. Read-only until the server exposes
 * the PTY input channel; it shows the agent's output stream as the terminal saw it. */
import { useEffect, useRef } from "react";
import { Terminal } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";
import { useAgentOutput } from "../state/useAgentOutput";
import { eventText } from "../state/outputLog";

export default function TerminalView({ agentId }: { agentId: string | null }) {
  const host = useRef<HTMLDivElement>(null);
  const term = useRef<Terminal | null>(null);
  const written = useRef(0);
  const output = useAgentOutput(agentId);

  useEffect(() => {
    if (!host.current) return;
    const css = getComputedStyle(document.documentElement);
    const terminal = new Terminal({
      convertEol: true,
      disableStdin: true,
      fontSize: 12,
      scrollback: 10_000,
      theme: { background: css.getPropertyValue("--term-bg").trim() || "#0b0d12", foreground: css.getPropertyValue("--text").trim() || "#e5e7eb" },
    });
    terminal.open(host.current);
    term.current = terminal;
    written.current = 0;
    return () => {
      terminal.dispose();
      term.current = null;
    };
  }, [agentId]);

  useEffect(() => {
    const terminal = term.current;
    if (!terminal) return;
    if (output.events.length < written.current) {
      terminal.reset();
      written.current = 0;
    }
    for (const event of output.events.slice(written.current)) {
      const text = eventText(event);
      if (text) terminal.write(text.endsWith("\n") ? text : `${text}\n`);
    }
    written.current = output.events.length;
  }, [output.events]);

  return (
    <div className="terminal-view">
      <div ref={host} className="terminal-host" data-testid="terminal" />
      <div className="muted small pad">Read-only view. Typing into the session arrives with interactive mode.</div>
    </div>
  );
}
