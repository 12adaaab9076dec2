/** Owns the WebSocket and the live job store; gives components the state, paging helpers and
 * agent-output subscriptions. */
import { createContext, useCallback, useContext, useEffect, useMemo, useReducer, useRef, type ReactNode } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { getToken, onAuthRequired } from "../../api/auth";
import type { Job } from "../../api/types";
import { invalidationsFor } from "./invalidation";
import { finishedTransitions, initialLiveState, liveReducer, type LiveAction, type LiveState } from "./liveReducer";
import type { ServerMessage } from "../socket/messages";
import { notify } from "./notify";
import { LiveSocket, socketUrl, type OutputListener } from "../socket/socket";

interface LiveContextValue {
  state: LiveState;
  dispatch: (action: LiveAction) => void;
  subscribeOutput: (agentId: string, after: number, listener: OutputListener) => () => void;
  reconnect: () => void;
  /** Called by the page to open a job (from a notification click). */
  setOpenJob: (open: (jobId: string) => void) => void;
}

const LiveContext = createContext<LiveContextValue | null>(null);

export function LiveProvider({ children }: { children: ReactNode }) {
  const [state, dispatch] = useReducer(liveReducer, initialLiveState);
  const queryClient = useQueryClient();
  const stateRef = useRef(state);
  stateRef.current = state;
  const openJobRef = useRef<(jobId: string) => void>(() => {});

  const onMessages = useCallback(
    (messages: ServerMessage[]) => {
      const before = stateRef.current;
      dispatch({ type: "messages", messages });
      for (const key of invalidationsFor(messages, before.agents)) {
        void queryClient.invalidateQueries(key.length ? { queryKey: key } : undefined);
      }
      if (!before.ready) return;
      for (const job of finishedTransitions(before, messages)) {
        notify(`Job ${job.status}: ${job.title}`, job.statusReason ?? job.statusMessage ?? "", `job-${job.id}`, () =>
          openJobRef.current(job.id),
        );
      }
      for (const message of messages) {
        if (message.type === "question.created") {
          const question = message.data;
          notify("An agent asks you", question.question, `question-${question.id}`, () =>
            openJobRef.current(question.jobId),
          );
        }
      }
    },
    [queryClient],
  );

  const socket = useMemo(
    () =>
      new LiveSocket({
        url: () => socketUrl(getToken()),
        onMessages: (messages) => onMessagesRef.current(messages),
        onState: (connection) => dispatch({ type: "connection", state: connection }),
      }),
    [],
  );
  const onMessagesRef = useRef(onMessages);
  onMessagesRef.current = onMessages;

  useEffect(() => {
    socket.start();
    return () => socket.stop();
  }, [socket]);

  // A 401 from REST usually means the socket was refused too; it restarts once a token is set.
  useEffect(() => onAuthRequired(() => dispatch({ type: "connection", state: "auth" })), []);

  // Stable functions, so effects that depend on them do not re-run on every live update.
  const actions = useMemo<Omit<LiveContextValue, "state">>(
    () => ({
      dispatch,
      subscribeOutput: (agentId, after, listener) => socket.subscribe(agentId, after, listener),
      reconnect: () => socket.restart(),
      setOpenJob: (open) => {
        openJobRef.current = open;
      },
    }),
    [socket],
  );
  const value = useMemo<LiveContextValue>(() => ({ state, ...actions }), [state, actions]);

  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive(): LiveContextValue {
  const value = useContext(LiveContext);
  if (!value) throw new Error("useLive outside LiveProvider");
  return value;
}

export function useJob(id: string | null): Job | undefined {
  const { state } = useLive();
  return id ? state.jobs.get(id) : undefined;
}
