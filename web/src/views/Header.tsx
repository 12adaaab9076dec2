/** The header: New Job, Projects, the views, pending questions, connection and theme. */
import type { ConnectionState } from "../state/socket/messages";
import { ConnectionStatus } from "../components/ConnectionStatus";
import type { Theme } from "../state/page/theme";
import { ProjectControls } from "./ProjectControls";
import { Icon } from "../components/Icon";

export type ModalName =
  | "job-form"
  | "search"
  | "timeline"
  | "graph"
  | "usage"
  | "templates"
  | "settings"
  | "locks"
  | "notes"
  | "questions"
  | "shortcuts";

interface HeaderProps {
  onOpen: (modal: ModalName) => void;
  connection: ConnectionState;
  pendingQuestions: number;
  questionsAvailable: boolean;
  project: string;
  onProject: (value: string) => void;
  theme: Theme;
  onTheme: () => void;
}

const VIEWS: { name: ModalName; label: string; testId: string; title: string }[] = [
  { name: "search", label: "Search", testId: "search-button", title: "Search all agent output (/)" },
  { name: "timeline", label: "Timeline", testId: "timeline-button", title: "Gantt chart of jobs over time" },
  { name: "graph", label: "Graph", testId: "graph-button", title: "Job dependency graph" },
  { name: "usage", label: "Usage", testId: "usage-button", title: "Cost and tokens, Claude and Codex" },
  { name: "templates", label: "Templates", testId: "templates-button", title: "Prompt templates" },
  { name: "notes", label: "Notes", testId: "notes-button", title: "The agents' shared scratchpad" },
  { name: "locks", label: "Locks", testId: "locks-button", title: "File locks held by agents" },
];

export function Header(props: HeaderProps) {
  const { onOpen, connection, pendingQuestions, questionsAvailable, project, onProject, theme, onTheme } = props;
  return (
    <header className="header">
      <div className="brand">
        <span className="logo" aria-hidden>
          ▮▮▮
        </span>
        <span className="brand-name">Podium</span>
      </div>
      <button type="button" className="primary" data-testid="new-job-button" title="New job (n)" onClick={() => onOpen("job-form")}>
        <Icon name="plus" /> New Job
      </button>
      <ProjectControls value={project} onChange={onProject} />
      <nav className="header-nav" aria-label="Views">
        {VIEWS.map((view) => (
          <button key={view.name} type="button" className="ghost" data-testid={view.testId} title={view.title} onClick={() => onOpen(view.name)}>
            {view.label}
          </button>
        ))}
        {/* room for Batch / Debate / KB / Eye when those features land */}
      </nav>
      <div className="header-right">
        <button
          type="button"
          className={`questions-button${pendingQuestions > 0 ? " has-pending" : ""}`}
          data-testid="questions-button"
          title={questionsAvailable ? `${pendingQuestions} question(s) waiting for your answer` : "Questions (not available on this server yet)"}
          onClick={() => onOpen("questions")}
        >
          ? <span data-testid="questions-count">{pendingQuestions}</span>
        </button>
        <ConnectionStatus state={connection} />
        <button type="button" className="icon-button" data-testid="settings-button" title="Settings" aria-label="Settings" onClick={() => onOpen("settings")}>
          ⚙
        </button>
        <button type="button" className="icon-button" data-testid="theme-toggle" title={`Switch to ${theme === "dark" ? "light" : "dark"} theme`} onClick={onTheme}>
          {theme === "dark" ? "☀" : "☾"}
        </button>
        <button type="button" className="icon-button" data-testid="shortcuts-button" title="Keyboard shortcuts (?)" onClick={() => onOpen("shortcuts")}>
          ⌨
        </button>
      </div>
    </header>
  );
}
