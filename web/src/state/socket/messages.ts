/** The WebSocket protocol, as the client sees it. What the server sends is generated from its
 * models (`ServerMessage` in api/types.ts); what the client sends is small and written here. */
import type { MessageOf, ServerMessage } from "../../api/types";

export type { MessageOf, ServerMessage, Snapshot } from "../../api/types";

export type ClientMessage =
  | { type: "subscribe"; agentId: string; after: number }
  | { type: "unsubscribe"; agentId: string }
  | { type: "ping" };

export type ConnectionState = "connecting" | "connected" | "reconnecting" | "auth";

/** A frame as a server message. The server's messages validate against the schema the types are
 * generated from (an e2e test checks every one), so only the envelope is checked here. */
export function parseMessage(raw: unknown): ServerMessage | null {
  if (typeof raw !== "string") return null;
  try {
    const value: unknown = JSON.parse(raw);
    if (value && typeof value === "object" && typeof (value as { type?: unknown }).type === "string") {
      return value as ServerMessage;
    }
  } catch {
    /* not JSON: ignore */
  }
  return null;
}

/** A server message made on the page, e.g. to apply a change at once before the server's own
 * message arrives (the reducer treats both the same). */
export function serverMessage<T extends ServerMessage["type"]>(type: T, data: MessageOf<T>["data"]): MessageOf<T> {
  return { type, data, ts: Date.now() / 1000 } as MessageOf<T>;
}
