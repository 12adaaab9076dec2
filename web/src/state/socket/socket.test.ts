import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ServerMessage } from "./messages";
import { backoffDelay, LiveSocket } from "./socket";

class FakeSocket {
  static instances: FakeSocket[] = [];
  readyState = 0;
  sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(public url: string) {
    FakeSocket.instances.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(message: object) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

const latest = () => FakeSocket.instances[FakeSocket.instances.length - 1];
const snapshot = { type: "snapshot", data: { jobs: [], jobsTotal: 0, settings: null, liveAgents: 0 } };

describe("LiveSocket", () => {
  let batches: ServerMessage[][];
  let states: string[];
  let socket: LiveSocket;

  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.instances = [];
    batches = [];
    states = [];
    socket = new LiveSocket({
      url: () => "ws://test/ws",
      onMessages: (m) => batches.push(m),
      onState: (s) => states.push(s),
      WebSocketImpl: FakeSocket as unknown as typeof WebSocket,
      random: () => 0.5,
      batchMs: 50,
    });
    socket.start();
  });

  afterEach(() => {
    socket.stop();
    vi.useRealTimers();
  });

  it("delivers the snapshot at once and batches later envelopes", () => {
    latest().open();
    latest().receive(snapshot);
    expect(states).toEqual(["connected"]);
    expect(batches).toHaveLength(1);
    latest().receive({ type: "job.updated", data: { id: "a" } });
    latest().receive({ type: "job.updated", data: { id: "b" } });
    expect(batches).toHaveLength(1);
    vi.advanceTimersByTime(60);
    expect(batches).toHaveLength(2);
    expect(batches[1].map((m) => (m.type === "job.updated" ? m.data.id : m.type))).toEqual(["a", "b"]);
  });

  it("reconnects with growing backoff and resets it after a snapshot", () => {
    latest().open();
    latest().drop();
    expect(states).toContain("reconnecting");
    expect(FakeSocket.instances).toHaveLength(1);
    vi.advanceTimersByTime(backoffDelay(0, () => 0.5));
    expect(FakeSocket.instances).toHaveLength(2);
    latest().drop();
    vi.advanceTimersByTime(backoffDelay(0, () => 0.5));
    expect(FakeSocket.instances).toHaveLength(2); // second wait is longer
    vi.advanceTimersByTime(backoffDelay(1, () => 0.5));
    expect(FakeSocket.instances).toHaveLength(3);
    latest().open();
    latest().receive(snapshot);
    expect(states[states.length - 1]).toBe("connected");
    latest().drop();
    vi.advanceTimersByTime(backoffDelay(0, () => 0.5));
    expect(FakeSocket.instances).toHaveLength(4);
  });

  it("re-subscribes to agent output after the last seq seen", () => {
    latest().open();
    const received: number[] = [];
    socket.subscribe("ag1", 10, (events) => received.push(...events.map((e) => e.seq)));
    expect(latest().sent).toContainEqual({ type: "subscribe", agentId: "ag1", after: 10 });
    latest().receive({ type: "agent.backlog", data: { agentId: "ag1", events: [{ seq: 11, kind: "text", ts: 0, data: {} }] } });
    latest().receive({ type: "agent.output", data: { agentId: "ag1", events: [{ seq: 12, kind: "text", ts: 0, data: {} }] } });
    latest().receive({ type: "agent.output", data: { agentId: "other", events: [{ seq: 99, kind: "text", ts: 0, data: {} }] } });
    expect(received).toEqual([11, 12]);
    latest().drop(4408);
    vi.advanceTimersByTime(backoffDelay(0, () => 0.5));
    latest().open();
    expect(latest().sent).toContainEqual({ type: "subscribe", agentId: "ag1", after: 12 });
  });

  it("unsubscribes when the last listener leaves", () => {
    latest().open();
    const stop = socket.subscribe("ag1", 0, () => {});
    stop();
    expect(latest().sent).toContainEqual({ type: "unsubscribe", agentId: "ag1" });
  });

  it("waits for a token instead of looping when refused with 4401", () => {
    latest().open();
    latest().drop(4401);
    expect(states[states.length - 1]).toBe("auth");
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.instances).toHaveLength(1);
    socket.restart();
    expect(FakeSocket.instances).toHaveLength(2);
  });
});

describe("backoffDelay", () => {
  it("doubles up to a cap, with jitter", () => {
    const mid = () => 0.5;
    expect(backoffDelay(0, mid)).toBe(500);
    expect(backoffDelay(1, mid)).toBe(1000);
    expect(backoffDelay(3, mid)).toBe(4000);
    expect(backoffDelay(20, mid)).toBe(15000);
    expect(backoffDelay(0, () => 0)).toBe(375);
    expect(backoffDelay(0, () => 1)).toBe(625);
  });
});
