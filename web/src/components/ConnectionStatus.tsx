import type { ConnectionState } from "../state/socket/messages";

const LABEL: Record<ConnectionState, string> = {
  connecting: "Connecting…",
  connected: "Live",
  reconnecting: "Reconnecting…",
  auth: "Token needed",
};

export function ConnectionStatus({ state }: { state: ConnectionState }) {
  return (
    <span className={`connection connection-${state}`} data-testid="connection-status" data-state={state} title={`WebSocket: ${LABEL[state]}`}>
      <span className="connection-dot" />
      <span className="connection-label">{LABEL[state]}</span>
    </span>
  );
}
