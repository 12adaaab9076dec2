/** The one WebSocket: connects, reconnects with backoff, batches incoming envelopes, and keeps
 * agent-output subscriptions alive across reconnects (re-subscribing after the last seq seen). */
import type { OutputEvent } from "../../api/types";
import { parseMessage, type ClientMessage, type ConnectionState, type ServerMessage } from "./messages";

export interface SocketOptions {
  url: () => string;
  /** Envelopes other than agent output, in arrival order, batched. */
  onMessages: (messages: ServerMessage[]) => void;
  onState: (state: ConnectionState) => void;
  WebSocketImpl?: typeof WebSocket;
  /** ms to gather envelopes before handing them over as one batch. */
  batchMs?: number;
  random?: () => number;
}

export type OutputListener = (events: OutputEvent[], kind: "backlog" | "live") => void;

interface Subscription {
  lastSeq: number;
  listeners: Set<OutputListener>;
}

export const CLOSE_AUTH = 4401;
export const CLOSE_FORBIDDEN = 4403;
export const CLOSE_TOO_SLOW = 4408;

/** Backoff for the n-th consecutive failed attempt (0-based): 0.5s, 1s, 2s, ... capped at 15s,
 * with ±25% jitter so many tabs do not reconnect in lockstep. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(15_000, 500 * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.75 + random() * 0.5));
}

export class LiveSocket {
  private socket: WebSocket | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private pending: ServerMessage[] = [];
  private stopped = true;
  private state: ConnectionState = "connecting";
  private readonly subs = new Map<string, Subscription>();
  private readonly opts: Required<Omit<SocketOptions, "WebSocketImpl">> & { WebSocketImpl?: typeof WebSocket };

  constructor(options: SocketOptions) {
    this.opts = { batchMs: 50, random: Math.random, ...options };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.flush();
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onclose = null;
      socket.onmessage = null;
      socket.onerror = null;
      socket.onopen = null;
      try {
        socket.close(1000);
      } catch {
        /* already closed */
      }
    }
  }

  /** Reconnect now (e.g. after the user typed a token). */
  restart(): void {
    this.stop();
    this.attempt = 0;
    this.start();
  }

  get connectionState(): ConnectionState {
    return this.state;
  }

  /** Follow an agent's output from `after`; returns the unsubscribe function. */
  subscribe(agentId: string, after: number, listener: OutputListener): () => void {
    let sub = this.subs.get(agentId);
    if (!sub) {
      sub = { lastSeq: after, listeners: new Set() };
      this.subs.set(agentId, sub);
      this.send({ type: "subscribe", agentId, after });
    } else if (after < sub.lastSeq) {
      // A second viewer that starts earlier: ask again from its point; listeners dedupe by seq.
      sub.lastSeq = after;
      this.send({ type: "subscribe", agentId, after });
    }
    sub.listeners.add(listener);
    return () => {
      const current = this.subs.get(agentId);
      if (!current) return;
      current.listeners.delete(listener);
      if (current.listeners.size === 0) {
        this.subs.delete(agentId);
        this.send({ type: "unsubscribe", agentId });
      }
    };
  }

  private send(message: ClientMessage): void {
    if (this.socket && this.socket.readyState === 1) this.socket.send(JSON.stringify(message));
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.opts.onState(state);
  }

  private connect(): void {
    if (this.stopped) return;
    const Impl = this.opts.WebSocketImpl ?? WebSocket;
    let socket: WebSocket;
    try {
      socket = new Impl(this.opts.url());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      for (const [agentId, sub] of this.subs) this.send({ type: "subscribe", agentId, after: sub.lastSeq });
    };
    socket.onmessage = (event: MessageEvent) => this.receive(event.data);
    socket.onclose = (event: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.flush();
      if (event.code === CLOSE_AUTH) {
        this.setState("auth");
        return; // wait for restart() with a token
      }
      if (event.code === CLOSE_TOO_SLOW) this.attempt = 0;
      this.scheduleReconnect();
    };
    socket.onerror = () => {
      /* onclose follows */
    };
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.setState("reconnecting");
    const delay = backoffDelay(this.attempt, this.opts.random);
    this.attempt += 1;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect();
    }, delay);
  }

  private receive(raw: unknown): void {
    const message = parseMessage(raw);
    if (!message) return;
    if (message.type === "agent.output" || message.type === "agent.backlog") {
      const { agentId, events } = message.data;
      const sub = this.subs.get(agentId);
      if (!sub || events.length === 0) return;
      for (const event of events) if (event.seq > sub.lastSeq) sub.lastSeq = event.seq;
      const kind = message.type === "agent.backlog" ? "backlog" : "live";
      for (const listener of sub.listeners) listener(events, kind);
      return;
    }
    if (message.type === "snapshot") {
      this.attempt = 0;
      this.setState("connected");
      // Deliver the snapshot at once, after anything queued before it.
      this.pending.push(message);
      this.flush();
      return;
    }
    if (message.type === "pong") return;
    this.pending.push(message);
    if (!this.flushTimer) this.flushTimer = setTimeout(() => this.flush(), this.opts.batchMs);
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.opts.onMessages(batch);
  }
}

export function socketUrl(token: string | null): string {
  const { protocol, host } = window.location;
  const scheme = protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${host}/ws${token ? `?token=${encodeURIComponent(token)}` : ""}`;
}
