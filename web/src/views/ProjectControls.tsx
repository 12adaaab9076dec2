/** The Projects selector: switch between all jobs, one project, and the archive; create and
 * delete projects. */
import { useState } from "react";
import { useCreateProject, useDeleteProject, useProjects } from "../state/queries";
import { Icon } from "../components/Icon";
import { Modal } from "../components/Modal";
import { errorText, useToast } from "../components/Toasts";

export const ARCHIVED = "__archived__";
export const ALL = "";

interface Props {
  value: string; // ALL, ARCHIVED or a project id
  onChange: (value: string) => void;
}

export function ProjectControls({ value, onChange }: Props) {
  const projects = useProjects();
  const deleteProject = useDeleteProject();
  const toast = useToast();
  const [creating, setCreating] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const current = projects.data?.find((p) => p.id === value);

  const remove = async () => {
    if (!current) return;
    try {
      await deleteProject.mutateAsync(current.id);
      toast.info(`Deleted project ${current.name}`);
      onChange(ALL);
    } catch (error) {
      toast.error(errorText(error));
    } finally {
      setConfirming(false);
    }
  };

  return (
    <div className="project-controls">
      <select
        data-testid="projects-select"
        aria-label="Project"
        value={value === ALL || value === ARCHIVED || current ? value : ALL}
        onChange={(e) => onChange(e.target.value)}
      >
        <option value={ALL}>All jobs</option>
        {projects.data?.length ? (
          <optgroup label="Projects">
            {projects.data.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({p.jobCount ?? 0})
              </option>
            ))}
          </optgroup>
        ) : null}
        <option value={ARCHIVED}>Archived</option>
      </select>
      <button type="button" className="icon-button" data-testid="project-create" title="New project" onClick={() => setCreating(true)}>
        <Icon name="plus" />
      </button>
      {current && (
        <button type="button" className="icon-button" data-testid="project-delete" title={`Delete project ${current.name}`} onClick={() => setConfirming(true)}>
          <Icon name="trash" />
        </button>
      )}
      {creating && (
        <CreateProject
          onClose={() => setCreating(false)}
          onCreated={(id) => {
            setCreating(false);
            onChange(id);
          }}
        />
      )}
      {confirming && current && (
        <Modal
          title="Delete project"
          onClose={() => setConfirming(false)}
          testId="confirm-dialog"
          footer={
            <>
              <button type="button" onClick={() => setConfirming(false)}>
                Keep
              </button>
              <button type="button" className="danger" data-testid="confirm-yes" onClick={remove}>
                Delete project
              </button>
            </>
          }
        >
          Delete project <b>{current.name}</b>? Its jobs stay, without a project.
        </Modal>
      )}
    </div>
  );
}

function CreateProject({ onClose, onCreated }: { onClose: () => void; onCreated: (id: string) => void }) {
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const createProject = useCreateProject();
  const submit = async () => {
    if (!name.trim()) {
      setError("Name is required");
      return;
    }
    try {
      const project = await createProject.mutateAsync(name.trim());
      onCreated(project.id);
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <Modal title="New project" onClose={onClose} testId="project-form">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label className="field">
          <span>Name</span>
          <input data-testid="project-name-input" value={name} onChange={(e) => setName(e.target.value)} autoFocus />
        </label>
        {error && <div className="field-error">{error}</div>}
        <div className="form-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" data-testid="project-create-submit">
            Create
          </button>
        </div>
      </form>
    </Modal>
  );
}
