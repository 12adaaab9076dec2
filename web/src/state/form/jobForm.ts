/** The job form's values, its client-side checks (mirroring the server's) and the request body
 * built from it. */
import type { JobCreate, RetryPolicy } from "../../api/types";

export type StopMode = "" | "turns" | "budget" | "time" | "completion";

export interface ContextRow {
  key: string;
  value: string;
}

export interface JobFormValues {
  description: string;
  title: string;
  priority: string;
  model: string;
  workDir: string;
  maxTurns: string;
  stopMode: StopMode;
  stopValue: string;
  dependsOn: string[];
  useWorktree: boolean;
  interactive: boolean;
  context: ContextRow[];
  templateId: string;
  repeatIntervalSec: string;
  /** datetime-local value (local time, no zone) */
  scheduledAt: string;
  retryPolicy: RetryPolicy;
  checkDiffNotEmpty: boolean;
  checkNoErrorInOutput: boolean;
  /** one custom command per line */
  customCommands: string;
  projectId: string;
  parentJobId: string;
}

export const emptyJobForm: JobFormValues = {
  description: "",
  title: "",
  priority: "0",
  model: "",
  workDir: "",
  maxTurns: "",
  stopMode: "",
  stopValue: "",
  dependsOn: [],
  useWorktree: false,
  interactive: false,
  context: [],
  templateId: "",
  repeatIntervalSec: "",
  scheduledAt: "",
  retryPolicy: "none",
  checkDiffNotEmpty: false,
  checkNoErrorInOutput: false,
  customCommands: "",
  projectId: "",
  parentJobId: "",
};

/** Field name (camelCase, as the server's `error.field`) → message. */
export type FieldErrors = Partial<Record<string, string>>;

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

export function validateJobForm(values: JobFormValues): FieldErrors {
  const errors: FieldErrors = {};
  if (!values.description.trim()) errors.description = "Description is required";

  const priority = values.priority.trim();
  if (priority && (!INTEGER.test(priority) || Number(priority) < -10 || Number(priority) > 10)) {
    errors.priority = "Priority must be a whole number from -10 to 10";
  }

  const maxTurns = values.maxTurns.trim();
  if (maxTurns && (!INTEGER.test(maxTurns) || Number(maxTurns) < 1 || Number(maxTurns) > 10_000)) {
    errors.maxTurns = "Max turns must be a whole number from 1 to 10000";
  }

  const stopValue = values.stopValue.trim();
  if (!values.stopMode) {
    if (stopValue) errors.stopMode = "Pick a stop mode for this stop value";
  } else if (values.stopMode === "completion") {
    if (stopValue && (!NUMBER.test(stopValue) || Number(stopValue) <= 0)) errors.stopValue = "Stop value must be positive";
  } else if (!stopValue || !NUMBER.test(stopValue) || Number(stopValue) <= 0) {
    errors.stopValue = `Stop mode ${values.stopMode} needs a positive stop value`;
  } else if (values.stopMode === "turns" && !INTEGER.test(stopValue)) {
    errors.stopValue = "Stop value for turns must be a whole number";
  }

  const repeat = values.repeatIntervalSec.trim();
  if (repeat && (!INTEGER.test(repeat) || Number(repeat) < 1)) {
    errors.repeatIntervalSec = "Repeat interval must be a whole number of seconds (≥ 1)";
  }

  if (values.scheduledAt && Number.isNaN(new Date(values.scheduledAt).getTime())) {
    errors.scheduledAt = "Not a valid date and time";
  }

  const keys = new Set<string>();
  for (const row of values.context) {
    const key = row.key.trim();
    if (!key && !row.value.trim()) continue;
    if (!key) {
      errors.context = "Every context value needs a key";
      break;
    }
    if (keys.has(key)) {
      errors.context = `Context key "${key}" appears twice`;
      break;
    }
    keys.add(key);
  }
  return errors;
}

export function completionChecks(values: JobFormValues): string[] {
  const checks: string[] = [];
  if (values.checkDiffNotEmpty) checks.push("diff_not_empty");
  if (values.checkNoErrorInOutput) checks.push("no_error_in_output");
  for (const line of values.customCommands.split("\n")) {
    const command = line.trim();
    if (command) checks.push(`custom_command:${command}`);
  }
  return checks;
}

/** The POST /api/jobs body; only fields the user set are sent, so server defaults apply. */
export function toJobCreate(values: JobFormValues): JobCreate {
  const body: JobCreate = { description: values.description };
  const text = (value: string) => value.trim() || undefined;
  const title = text(values.title);
  if (title) body.title = title;
  if (values.priority.trim()) body.priority = Number(values.priority);
  const model = text(values.model);
  if (model && model !== "auto") body.model = model;
  const workDir = text(values.workDir);
  if (workDir) body.workDir = workDir;
  if (values.maxTurns.trim()) body.maxTurns = Number(values.maxTurns);
  if (values.stopMode) {
    body.stopMode = values.stopMode;
    if (values.stopValue.trim()) body.stopValue = Number(values.stopValue);
  }
  if (values.dependsOn.length) body.dependsOn = [...values.dependsOn];
  if (values.useWorktree) body.useWorktree = true;
  if (values.interactive) body.interactive = true;
  const context: Record<string, string> = {};
  for (const row of values.context) if (row.key.trim()) context[row.key.trim()] = row.value;
  if (Object.keys(context).length) body.context = context;
  const templateId = text(values.templateId);
  if (templateId) body.templateId = templateId;
  if (values.repeatIntervalSec.trim()) body.repeatIntervalSec = Number(values.repeatIntervalSec);
  if (values.scheduledAt) body.scheduledAt = new Date(values.scheduledAt).toISOString();
  if (values.retryPolicy !== "none") body.retryPolicy = values.retryPolicy;
  const checks = completionChecks(values);
  if (checks.length) body.completionChecks = checks;
  const projectId = text(values.projectId);
  if (projectId) body.projectId = projectId;
  const parentJobId = text(values.parentJobId);
  if (parentJobId) body.parentJobId = parentJobId;
  return body;
}

/** Maps a server error field (e.g. `context.foo`, `completionChecks.0`) to the form field that
 * shows it. */
export function formFieldOf(serverField: string | undefined | null): string {
  if (!serverField) return "form";
  const head = serverField.split(".")[0];
  const known = new Set([...Object.keys(emptyJobForm), "completionChecks"]);
  return known.has(head) ? head : "form";
}
