/** The dashboard page: header, toolbar, agent cards, the terminal panel and the dialogs. */
import { lazy, Suspense, useCallback, useEffect, useMemo, useState, useSyncExternalStore } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { onAuthRequired } from "./api/auth";
import { usePendingQuestions } from "./state/queries";
import type { Job, JobStatus, SearchHit } from "./api/types";
import { EmptyState } from "./components/Modal";
import { useToast } from "./components/Toasts";
import { cardColor, COLOR_LABEL, interactiveActivity, type CardColor } from "./state/format/colors";
import { matchesFilter, useJobList, type ViewFilter } from "./state/live/jobList";
import { useLive } from "./state/live/LiveProvider";
import { isRead, readVersion, subscribeRead } from "./state/live/readState";
import { useShortcuts } from "./state/page/shortcuts";
import { applyTheme, loadTheme, type Theme } from "./state/page/theme";
import { Header, type ModalName } from "./views/Header";
import { JobForm } from "./views/JobForm";
import { JobGrid } from "./views/JobGrid";
import { QueueBanner } from "./components/QueueBanner";
import { JobPanel } from "./views/JobPanel";
import { LocksView } from "./views/LocksView";
import { NotesView } from "./views/NotesView";
import { ALL, ARCHIVED } from "./views/ProjectControls";
import { QuestionsView } from "./views/QuestionsView";
import { SearchModal } from "./views/SearchModal";
import { SettingsView } from "./views/SettingsView";
import { ShortcutsHelp } from "./views/ShortcutsHelp";
import { TemplatesView } from "./views/TemplatesView";
import { TimelineView } from "./views/TimelineView";
import { TokenPrompt } from "./views/TokenPrompt";
import { Toolbar } from "./views/Toolbar";
import { UsageView } from "./views/UsageView";

const GraphView = lazy(() => import("./views/GraphView"));

interface PanelTarget {
  jobId: string;
  agentId: string | null;
  seq: number | null;
}

function stored<T extends string>(key: string, fallback: T, allowed?: readonly T[]): T {
  try {
    const value = localStorage.getItem(key) as T | null;
    if (value !== null && (!allowed || allowed.includes(value))) return value;
  } catch {
    /* no storage */
  }
  return fallback;
}

function remember(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    /* no storage */
  }
}

function panelFromHash(): PanelTarget | null {
  const match = /(?:^#|&)job=([^&]+)/.exec(window.location.hash);
  return match ? { jobId: decodeURIComponent(match[1]), agentId: null, seq: null } : null;
}

export function App() {
  const { state, reconnect, setOpenJob } = useLive();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [theme, setTheme] = useState<Theme>(loadTheme);
  const [project, setProject] = useState<string>(() => stored("podium.project", ALL));
  const [statuses, setStatuses] = useState<JobStatus[]>([]);
  const [flaggedOnly, setFlaggedOnly] = useState(false);
  const [text, setText] = useState("");
  const [layout, setLayout] = useState<"grid" | "list">(() => stored("podium.layout", "grid", ["grid", "list"] as const));
  const [modal, setModal] = useState<ModalName | null>(null);
  const [panel, setPanel] = useState<PanelTarget | null>(panelFromHash);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [askToken, setAskToken] = useState(false);
  const questions = usePendingQuestions();
  useSyncExternalStore(subscribeRead, readVersion);

  useEffect(() => applyTheme(theme), [theme]);
  useEffect(() => remember("podium.project", project), [project]);
  useEffect(() => remember("podium.layout", layout), [layout]);
  useEffect(() => onAuthRequired(() => setAskToken(true)), []);

  // The open panel is in the URL (#job=<id>), so a page can be linked and reloaded.
  useEffect(() => {
    const hash = panel ? `#job=${encodeURIComponent(panel.jobId)}` : "";
    if (window.location.hash !== hash) history.replaceState(null, "", `${window.location.pathname}${window.location.search}${hash}`);
  }, [panel]);
  useEffect(() => {
    const onHash = () => setPanel(panelFromHash());
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);

  const filter: ViewFilter = useMemo(
    () => ({
      projectId: project === ALL || project === ARCHIVED ? null : project,
      archived: project === ARCHIVED,
      statuses,
      flaggedOnly,
      text: text.trim(),
    }),
    [project, statuses, flaggedOnly, text],
  );
  const list = useJobList(filter);

  const counts = useMemo(() => {
    const base = { ...filter, statuses: [], flaggedOnly: false, text: "" };
    const out: Partial<Record<JobStatus, number>> = {};
    for (const job of state.jobs.values()) if (matchesFilter(job, base)) out[job.status] = (out[job.status] ?? 0) + 1;
    return out;
  }, [state.version, filter.projectId, filter.archived]);

  const pendingByJob = useMemo(() => {
    const ids = new Set<string>();
    for (const q of questions.data?.items ?? []) if (q.status === "pending") ids.add(q.jobId);
    return ids;
  }, [questions.data]);

  const colorOf = useCallback(
    (job: Job): CardColor =>
      cardColor(job, {
        read: isRead(job),
        pendingQuestion: pendingByJob.has(job.id),
        interactiveActivity: interactiveActivity(job, state.agents),
      }),
    // readVersion changes identity whenever the read map does
    [pendingByJob, state.agents, readVersion()],
  );

  const openJob = useCallback((id: string, agentId: string | null = null, seq: number | null = null) => {
    setPanel({ jobId: id, agentId, seq });
    setSelectedId(id);
    setModal(null);
  }, []);
  useEffect(() => setOpenJob((id) => openJob(id)), [setOpenJob, openJob]);

  const onOpenCard = useCallback((job: Job) => openJob(job.id), [openJob]);

  const openHit = (hit: SearchHit) => openJob(hit.jobId, hit.agentId, hit.seq);

  const move = (delta: number) => {
    const jobs = list.jobs;
    if (!jobs.length) return;
    const index = selectedId ? jobs.findIndex((j) => j.id === selectedId) : -1;
    const next = index < 0 ? 0 : Math.min(jobs.length - 1, Math.max(0, index + delta));
    setSelectedId(jobs[next].id);
    if (panel) openJob(jobs[next].id);
  };

  useShortcuts({
    n: () => setModal("job-form"),
    "/": () => setModal("search"),
    "?": () => setModal("shortcuts"),
    j: () => move(1),
    k: () => move(-1),
    o: () => selectedId && openJob(selectedId),
    Enter: () => selectedId && !panel && openJob(selectedId),
    Escape: () => {
      if (askToken) setAskToken(false);
      else if (modal) setModal(null);
      else if (panel) setPanel(null);
    },
  });

  const closeModal = () => setModal(null);
  const tokenChanged = () => {
    setAskToken(false);
    reconnect();
    void queryClient.invalidateQueries();
  };

  const emptyState =
    !state.ready ? (
      <EmptyState title="Connecting to Podium…">Waiting for the server's first snapshot.</EmptyState>
    ) : filter.statuses.length || filter.flaggedOnly || filter.text ? (
      <EmptyState title="No jobs match these filters">Clear the filters above to see every job.</EmptyState>
    ) : filter.archived ? (
      <EmptyState title="The archive is empty">Archive a job from its panel to hide it from the main view.</EmptyState>
    ) : (
      <EmptyState title={filter.projectId ? "No jobs in this project yet" : "No jobs yet"}>
        <p>Each job runs a coding agent (Claude Code or Codex). Its card shows what it is doing, live.</p>
        <button type="button" className="primary" onClick={() => setModal("job-form")}>
          + Create a job
        </button>
        <span className="muted small"> or press n</span>
        <ul className="legend">
          {(["orange", "red", "blue", "green", "dim"] as CardColor[]).map((c) => (
            <li key={c}>
              <i className={`swatch color-${c}`} /> {COLOR_LABEL[c]}
            </li>
          ))}
        </ul>
      </EmptyState>
    );

  const viewJobs = list.jobs;

  return (
    <div className={`app${panel ? " with-panel" : ""}`}>
      <Header
        onOpen={setModal}
        connection={state.connection}
        pendingQuestions={(questions.data?.items ?? []).filter((q) => q.status === "pending").length}
        questionsAvailable={questions.data?.available ?? false}
        project={project}
        onProject={(value) => {
          setProject(value);
          setSelectedId(null);
        }}
        theme={theme}
        onTheme={() => setTheme((t) => (t === "dark" ? "light" : "dark"))}
      />
      <main className="main">
        <section className="cards-area">
          <Toolbar
            counts={counts}
            statuses={statuses}
            onStatuses={setStatuses}
            text={text}
            onText={setText}
            flaggedOnly={flaggedOnly}
            onFlaggedOnly={setFlaggedOnly}
            layout={layout}
            onLayout={setLayout}
            shown={viewJobs.length}
            total={filter.text ? null : list.total}
            liveAgents={state.liveAgents}
            maxAgents={state.settings?.maxConcurrentAgents ?? null}
            archived={filter.archived}
          />
          <QueueBanner />
          <JobGrid
            jobs={viewJobs}
            colorOf={colorOf}
            agents={state.agents}
            selectedId={selectedId}
            onOpen={onOpenCard}
            layout={layout}
            hasMore={list.hasMore}
            loading={list.loading}
            error={list.error}
            loadMore={list.loadMore}
            empty={emptyState}
          />
        </section>
        {panel && (
          <JobPanel
            key={panel.jobId}
            jobId={panel.jobId}
            job={state.jobs.get(panel.jobId)}
            targetSeq={panel.seq}
            targetAgentId={panel.agentId}
            onClose={() => setPanel(null)}
            onOpenJob={(id) => openJob(id)}
          />
        )}
      </main>

      {modal === "job-form" && (
        <JobForm
          onClose={closeModal}
          defaultProjectId={filter.projectId}
          onCreated={(job) => {
            closeModal();
            toast.info(`Created “${job.title}”`);
            setSelectedId(job.id);
          }}
        />
      )}
      {modal === "search" && <SearchModal onClose={closeModal} onOpenHit={openHit} />}
      {modal === "timeline" && <TimelineView jobs={viewJobs} onClose={closeModal} onOpenJob={openJob} />}
      {modal === "graph" && (
        <Suspense fallback={null}>
          <GraphView jobs={viewJobs} onClose={closeModal} onOpenJob={openJob} />
        </Suspense>
      )}
      {modal === "usage" && <UsageView onClose={closeModal} />}
      {modal === "templates" && <TemplatesView onClose={closeModal} />}
      {modal === "settings" && <SettingsView onClose={closeModal} theme={theme} onTheme={setTheme} onTokenChanged={tokenChanged} />}
      {modal === "locks" && <LocksView onClose={closeModal} onOpenJob={openJob} />}
      {modal === "notes" && <NotesView onClose={closeModal} />}
      {modal === "questions" && <QuestionsView onClose={closeModal} onOpenJob={openJob} />}
      {modal === "shortcuts" && <ShortcutsHelp onClose={closeModal} />}
      {askToken && <TokenPrompt onDone={tokenChanged} onClose={() => setAskToken(false)} />}
    </div>
  );
}
