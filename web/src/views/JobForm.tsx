/** The New Job form: every field of POST /api/jobs, client checks mirroring the server's, and
 * server errors shown beside the field they name. */
import { useMemo, useRef, useState, type ReactNode } from "react";
import { createJob } from "../api/endpoints";
import { ApiError } from "../api/client";
import { useModels, useProjects, useTemplates } from "../state/queries";
import type { Job, RetryPolicy } from "../api/types";
import { Modal } from "../components/Modal";
import { errorText } from "../components/Toasts";
import {
  emptyJobForm,
  formFieldOf,
  toJobCreate,
  validateJobForm,
  type FieldErrors,
  type JobFormValues,
  type StopMode,
} from "../state/form/jobForm";
import { useLive } from "../state/live/LiveProvider";
import { compareJobs } from "../state/live/jobList";

interface Props {
  onClose: () => void;
  onCreated: (job: Job) => void;
  defaultProjectId: string | null;
}

const STOP_HINT: Record<Exclude<StopMode, "">, string> = {
  turns: "turns",
  budget: "USD",
  time: "minutes",
  completion: "optional turn cap",
};

export function JobForm({ onClose, onCreated, defaultProjectId }: Props) {
  const [values, setValues] = useState<JobFormValues>({ ...emptyJobForm, projectId: defaultProjectId ?? "" });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [submitting, setSubmitting] = useState(false);
  const [advanced, setAdvanced] = useState(true);
  const [customModel, setCustomModel] = useState(false);
  const [depFilter, setDepFilter] = useState("");
  const formRef = useRef<HTMLFormElement>(null);
  const models = useModels();
  const templates = useTemplates();
  const projects = useProjects();
  const { state, dispatch } = useLive();

  const set = <K extends keyof JobFormValues>(key: K, value: JobFormValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    if (errors[key as string]) setErrors((e) => ({ ...e, [key]: undefined }));
  };

  const dependencyOptions = useMemo(() => {
    const needle = depFilter.toLowerCase();
    const all = [...state.jobs.values()].filter((j) => !j.archived).sort(compareJobs);
    const chosen = new Set(values.dependsOn);
    return all
      .filter((j) => chosen.has(j.id) || !needle || j.title.toLowerCase().includes(needle) || j.id.toLowerCase().includes(needle))
      .slice(0, 300);
  }, [state.version, depFilter, values.dependsOn]);

  const template = templates.data?.find((t) => t.id === values.templateId);
  const claudeModels = models.data?.filter((m) => m.provider === "claude") ?? [];
  const codexModels = models.data?.filter((m) => m.provider !== "claude") ?? [];

  const pickTemplate = (id: string) => {
    const chosen = templates.data?.find((t) => t.id === id);
    setValues((v) => {
      // Defaults the previous template filled in, and the user left alone, leave with it.
      const previous = templates.data?.find((t) => t.id === v.templateId);
      const model = previous?.model && v.model === previous.model ? "" : v.model;
      const workDir = previous?.workDir && v.workDir === previous.workDir ? "" : v.workDir;
      return { ...v, templateId: id, model: chosen?.model ?? model, workDir: chosen?.workDir ?? workDir };
    });
    if (chosen?.model && !models.data?.some((m) => m.id === chosen.model)) setCustomModel(true);
  };

  const submit = async () => {
    const found = validateJobForm(values);
    // A half-typed date or number leaves its input's value "" (validity.badInput), which would
    // otherwise be sent as "not set": no schedule (the job runs at once), no turn limit, ….
    formRef.current?.querySelectorAll<HTMLInputElement>("input[data-testid^='field-']").forEach((input) => {
      if (!input.validity.badInput) return;
      const name = input.dataset.testid!.slice("field-".length);
      found[name] = input.type === "datetime-local" ? "Not a valid date and time" : "Not a valid number";
    });
    setErrors(found);
    if (Object.values(found).some(Boolean)) {
      if (Object.keys(found).some((k) => k !== "description" && k !== "title" && k !== "priority" && k !== "model")) setAdvanced(true);
      return;
    }
    setSubmitting(true);
    try {
      const job = await createJob(toJobCreate(values));
      dispatch({ type: "jobs.merge", jobs: [job], overwrite: true });
      onCreated(job);
    } catch (error) {
      if (error instanceof ApiError) {
        const field = formFieldOf(error.field);
        setErrors({ [field]: error.message });
        if (field !== "form" && !["description", "title", "priority", "model"].includes(field)) setAdvanced(true);
      } else {
        setErrors({ form: errorText(error) });
      }
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Modal
      title="New job"
      onClose={onClose}
      wide
      testId="job-form-modal"
      footer={
        <>
          {errors.form ? (
            <div className="field-error footer-error" data-testid="error-form" role="alert">
              {errors.form}
            </div>
          ) : (
            <span className="muted small footer-hint">Ctrl+Enter to submit</span>
          )}
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="job-form-el" className="primary" data-testid="submit-job" disabled={submitting}>
            {submitting ? "Creating…" : "Create job"}
          </button>
        </>
      }
    >
      <form
        ref={formRef}
        id="job-form-el"
        className="job-form"
        data-testid="job-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) {
            e.preventDefault();
            void submit();
          }
        }}
      >
        <Field label="Description" name="description" errors={errors} required hint="The task for the agent.">
          <textarea
            data-testid="field-description"
            rows={6}
            autoFocus
            value={values.description}
            onChange={(e) => set("description", e.target.value)}
            placeholder="What should the agent do?"
          />
        </Field>
        <div className="form-row">
          <Field label="Title" name="title" errors={errors} hint="Generated from the description if blank.">
            <input data-testid="field-title" value={values.title} onChange={(e) => set("title", e.target.value)} />
          </Field>
          <Field label="Priority" name="priority" errors={errors} hint="-10…10, higher runs first" narrow>
            <input
              data-testid="field-priority"
              type="number"
              min={-10}
              max={10}
              step={1}
              value={values.priority}
              onChange={(e) => set("priority", e.target.value)}
            />
          </Field>
        </div>
        <div className="form-row">
          <Field label="Model" name="model" errors={errors} hint="auto = the agent CLI's own default model">
            {customModel ? (
              <div className="inline">
                <input
                  data-testid="field-model"
                  value={values.model}
                  placeholder="any model id the CLI accepts"
                  onChange={(e) => set("model", e.target.value)}
                />
                <button
                  type="button"
                  className="link-button"
                  onClick={() => {
                    setCustomModel(false);
                    set("model", "");
                  }}
                >
                  list
                </button>
              </div>
            ) : (
              <select
                data-testid="field-model"
                value={values.model}
                onChange={(e) => {
                  if (e.target.value === "__custom__") {
                    setCustomModel(true);
                    set("model", "");
                  } else set("model", e.target.value);
                }}
              >
                <option value="">auto (the CLI's default)</option>
                {claudeModels.length > 0 && (
                  <optgroup label="Claude">
                    {claudeModels.map((m) => (
                      <option key={m.id} value={m.id}>
                        {m.label}
                      </option>
                    ))}
                  </optgroup>
                )}
                {codexModels.length > 0 && (
                  <optgroup label="Codex">
                    {codexModels.map((m) => (
                      <option key={m.id} value={m.id}>
                        {m.label}
                      </option>
                    ))}
                  </optgroup>
                )}
                {values.model && !models.data?.some((m) => m.id === values.model) && <option value={values.model}>{values.model}</option>}
                <option value="__custom__">Other…</option>
              </select>
            )}
          </Field>
          <Field label="Template" name="templateId" errors={errors} hint={template ? "Prepended as ## Guidelines by the server" : undefined}>
            <select data-testid="field-templateId" value={values.templateId} onChange={(e) => pickTemplate(e.target.value)}>
              <option value="">None</option>
              {templates.data?.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </Field>
        </div>
        {template && <pre className="template-preview pre-wrap">{template.content}</pre>}
        <div className="form-row">
          <Field label="Work directory" name="workDir" errors={errors} hint="Defaults to the server's working directory">
            <input data-testid="field-workDir" value={values.workDir} placeholder="/path/to/repo" onChange={(e) => set("workDir", e.target.value)} />
          </Field>
          <Field label="Project" name="projectId" errors={errors}>
            <select data-testid="field-projectId" value={values.projectId} onChange={(e) => set("projectId", e.target.value)}>
              <option value="">No project</option>
              {projects.data?.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <div className="form-row checks">
          <label className="check" title="Create an isolated git worktree; a PR is opened on completion">
            <input data-testid="field-useWorktree" type="checkbox" checked={values.useWorktree} onChange={(e) => set("useWorktree", e.target.checked)} />
            Use worktree
          </label>
          <label className="check" title="Run in a tmux PTY instead of batch mode">
            <input data-testid="field-interactive" type="checkbox" checked={values.interactive} onChange={(e) => set("interactive", e.target.checked)} />
            Interactive
          </label>
        </div>
        <FieldErrorsLine names={["useWorktree", "interactive"]} errors={errors} />

        <button type="button" className="link-button section-toggle" data-testid="toggle-advanced" onClick={() => setAdvanced((v) => !v)}>
          {advanced ? "▾" : "▸"} Limits, dependencies, schedule, context, checks
        </button>
        <div className={advanced ? "advanced" : "advanced hidden"}>
          <div className="form-row">
            <Field label="Max turns" name="maxTurns" errors={errors} narrow>
              <input data-testid="field-maxTurns" type="number" min={1} value={values.maxTurns} onChange={(e) => set("maxTurns", e.target.value)} />
            </Field>
            <Field label="Stop mode" name="stopMode" errors={errors} narrow>
              <select
                data-testid="field-stopMode"
                value={values.stopMode}
                onChange={(e) => {
                  const mode = e.target.value as StopMode;
                  set("stopMode", mode);
                  // No mode disables the stop value; a value left in it would block the form.
                  if (!mode) set("stopValue", "");
                }}
              >
                <option value="">none</option>
                <option value="turns">turns</option>
                <option value="budget">budget ($)</option>
                <option value="time">time (minutes)</option>
                <option value="completion">completion</option>
              </select>
            </Field>
            <Field label="Stop value" name="stopValue" errors={errors} hint={values.stopMode ? STOP_HINT[values.stopMode] : undefined} narrow>
              <input
                data-testid="field-stopValue"
                type="number"
                min={0}
                step="any"
                disabled={!values.stopMode}
                value={values.stopValue}
                onChange={(e) => set("stopValue", e.target.value)}
              />
            </Field>
          </div>
          <Field label="Depends on" name="dependsOn" errors={errors} hint={`${values.dependsOn.length} selected — these must finish first`}>
            <input
              data-testid="field-dependsOn-filter"
              className="dep-filter"
              placeholder="Filter jobs…"
              value={depFilter}
              onChange={(e) => setDepFilter(e.target.value)}
            />
            <select
              data-testid="field-dependsOn"
              multiple
              size={6}
              value={values.dependsOn}
              onChange={(e) => set("dependsOn", Array.from(e.target.selectedOptions, (o) => o.value))}
            >
              {dependencyOptions.map((j) => (
                <option key={j.id} value={j.id}>
                  {j.title} · {j.status} · {j.id}
                </option>
              ))}
            </select>
          </Field>
          <div className="form-row">
            <Field label="Scheduled at" name="scheduledAt" errors={errors} hint="Stays queued until then (local time)">
              <input
                data-testid="field-scheduledAt"
                type="datetime-local"
                value={values.scheduledAt}
                onChange={(e) => set("scheduledAt", e.target.value)}
              />
            </Field>
            <Field label="Repeat every (s)" name="repeatIntervalSec" errors={errors} hint="Re-queue after each success" narrow>
              <input
                data-testid="field-repeatIntervalSec"
                type="number"
                min={1}
                value={values.repeatIntervalSec}
                onChange={(e) => set("repeatIntervalSec", e.target.value)}
              />
            </Field>
            <Field label="Retry policy" name="retryPolicy" errors={errors} narrow>
              <select
                data-testid="field-retryPolicy"
                value={values.retryPolicy}
                onChange={(e) => set("retryPolicy", e.target.value as RetryPolicy)}
              >
                <option value="none">none</option>
                <option value="same">same (re-queue a copy)</option>
                <option value="analyze">analyze (diagnose, then retry with the diagnosis)</option>
              </select>
            </Field>
          </div>
          <Field label="Context" name="context" errors={errors} hint="Extra key/value data injected into the prompt">
            <div className="context-rows" data-testid="field-context">
              {values.context.map((row, i) => (
                <div className="inline" key={i}>
                  <input
                    data-testid={`field-context-key-${i}`}
                    placeholder="key"
                    value={row.key}
                    onChange={(e) => set("context", values.context.map((r, j) => (j === i ? { ...r, key: e.target.value } : r)))}
                  />
                  <input
                    data-testid={`field-context-value-${i}`}
                    placeholder="value"
                    value={row.value}
                    onChange={(e) => set("context", values.context.map((r, j) => (j === i ? { ...r, value: e.target.value } : r)))}
                  />
                  <button
                    type="button"
                    className="icon-button"
                    aria-label="Remove context row"
                    onClick={() => set("context", values.context.filter((_, j) => j !== i))}
                  >
                    ✕
                  </button>
                </div>
              ))}
              <button type="button" className="link-button" data-testid="context-add" onClick={() => set("context", [...values.context, { key: "", value: "" }])}>
                + Add context
              </button>
            </div>
          </Field>
          <Field label="Completion checks" name="completionChecks" errors={errors} hint="All must pass for the job to count as done">
            <div className="checks-editor" data-testid="field-completionChecks">
              <label className="check">
                <input
                  data-testid="field-checkDiffNotEmpty"
                  type="checkbox"
                  checked={values.checkDiffNotEmpty}
                  onChange={(e) => set("checkDiffNotEmpty", e.target.checked)}
                />
                diff_not_empty — the agent made git changes
              </label>
              <label className="check">
                <input
                  data-testid="field-checkNoErrorInOutput"
                  type="checkbox"
                  checked={values.checkNoErrorInOutput}
                  onChange={(e) => set("checkNoErrorInOutput", e.target.checked)}
                />
                no_error_in_output — no error events in the output
              </label>
              <textarea
                data-testid="field-customCommands"
                rows={2}
                placeholder={"custom commands, one per line (exit 0 = pass), e.g.\nnpm test"}
                value={values.customCommands}
                onChange={(e) => set("customCommands", e.target.value)}
              />
            </div>
          </Field>
          <Field label="Parent job" name="parentJobId" errors={errors} hint="Optional: the job this one is a sub-task of">
            <input data-testid="field-parentJobId" list="job-ids" value={values.parentJobId} onChange={(e) => set("parentJobId", e.target.value)} />
            <datalist id="job-ids">
              {dependencyOptions.slice(0, 100).map((j) => (
                <option key={j.id} value={j.id}>
                  {j.title}
                </option>
              ))}
            </datalist>
          </Field>
        </div>
      </form>
    </Modal>
  );
}

interface FieldProps {
  label: string;
  name: string;
  errors: FieldErrors;
  children: ReactNode;
  hint?: string;
  required?: boolean;
  narrow?: boolean;
}

function Field({ label, name, errors, children, hint, required, narrow }: FieldProps) {
  const error = errors[name];
  return (
    <div className={`field${narrow ? " narrow" : ""}${error ? " has-error" : ""}`}>
      <span className="field-label">
        {label}
        {required && <span className="required"> *</span>}
      </span>
      {children}
      {error ? (
        <div className="field-error" data-testid={`error-${name}`} role="alert">
          {error}
        </div>
      ) : (
        hint && <div className="field-hint">{hint}</div>
      )}
    </div>
  );
}

function FieldErrorsLine({ names, errors }: { names: string[]; errors: FieldErrors }) {
  return (
    <>
      {names.map((name) =>
        errors[name] ? (
          <div key={name} className="field-error" data-testid={`error-${name}`} role="alert">
            {errors[name]}
          </div>
        ) : null,
      )}
    </>
  );
}
