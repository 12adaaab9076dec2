/** Templates: reusable prompt skeletons (content, default model and work dir). */
import { useState } from "react";
import { useDeleteTemplate, useModels, useSaveTemplate, useTemplates } from "../state/queries";
import type { Template } from "../api/types";
import { Icon } from "../components/Icon";
import { EmptyState, Modal } from "../components/Modal";
import { errorText, useToast } from "../components/Toasts";

interface Draft {
  id: string | null;
  name: string;
  content: string;
  model: string;
  workDir: string;
}

const blank: Draft = { id: null, name: "", content: "", model: "", workDir: "" };

export function TemplatesView({ onClose }: { onClose: () => void }) {
  const templates = useTemplates();
  const models = useModels();
  const saveTemplate = useSaveTemplate();
  const deleteTemplate = useDeleteTemplate();
  const toast = useToast();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [error, setError] = useState<string | null>(null);

  const edit = (t: Template) => setDraft({ id: t.id, name: t.name, content: t.content, model: t.model ?? "", workDir: t.workDir ?? "" });

  const save = async () => {
    if (!draft) return;
    if (!draft.name.trim() || !draft.content.trim()) {
      setError("Name and content are required");
      return;
    }
    const body = { name: draft.name.trim(), content: draft.content, model: draft.model || null, workDir: draft.workDir || null };
    try {
      await saveTemplate.mutateAsync({ id: draft.id, body });
      setDraft(null);
      setError(null);
      toast.info("Template saved");
    } catch (e) {
      setError(errorText(e));
    }
  };

  const remove = async (t: Template) => {
    try {
      await deleteTemplate.mutateAsync(t.id);
      if (draft?.id === t.id) setDraft(null);
    } catch (e) {
      toast.error(errorText(e));
    }
  };

  return (
    <Modal title="Templates" onClose={onClose} wide testId="templates">
      <div className="split">
        <div className="split-list">
          <button type="button" className="primary" data-testid="template-new" onClick={() => setDraft({ ...blank })}>
            <Icon name="plus" /> New template
          </button>
          {templates.data?.length === 0 && <EmptyState title="No templates yet">Save a methodology once, reuse it on every job.</EmptyState>}
          {templates.data?.map((t) => (
            <div key={t.id} className={`list-item${draft?.id === t.id ? " active" : ""}`} data-testid={`template-${t.id}`}>
              <button type="button" className="link-button list-main" onClick={() => edit(t)}>
                <b>{t.name}</b>
                <span className="muted small">{[t.model, t.workDir].filter(Boolean).join(" · ") || "no defaults"}</span>
              </button>
              <button type="button" className="icon-button" aria-label={`Delete ${t.name}`} onClick={() => void remove(t)}>
                <Icon name="trash" />
              </button>
            </div>
          ))}
        </div>
        <div className="split-detail">
          {draft ? (
            <form
              data-testid="template-form"
              onSubmit={(e) => {
                e.preventDefault();
                void save();
              }}
            >
              <label className="field">
                <span className="field-label">Name</span>
                <input data-testid="template-name" value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
              </label>
              <label className="field">
                <span className="field-label">Content (prepended to the job as ## Guidelines)</span>
                <textarea data-testid="template-content" rows={10} value={draft.content} onChange={(e) => setDraft({ ...draft, content: e.target.value })} />
              </label>
              <div className="form-row">
                <label className="field">
                  <span className="field-label">Default model</span>
                  <select value={draft.model} onChange={(e) => setDraft({ ...draft, model: e.target.value })}>
                    <option value="">none</option>
                    {models.data?.map((m) => (
                      <option key={m.id} value={m.id}>
                        {m.label}
                      </option>
                    ))}
                  </select>
                </label>
                <label className="field">
                  <span className="field-label">Default work dir</span>
                  <input value={draft.workDir} onChange={(e) => setDraft({ ...draft, workDir: e.target.value })} />
                </label>
              </div>
              {error && <div className="field-error">{error}</div>}
              <div className="form-actions">
                <button type="button" onClick={() => setDraft(null)}>
                  Cancel
                </button>
                <button type="submit" className="primary" data-testid="template-save">
                  Save
                </button>
              </div>
            </form>
          ) : (
            <EmptyState title="Pick a template to edit">Or create a new one.</EmptyState>
          )}
        </div>
      </div>
    </Modal>
  );
}
