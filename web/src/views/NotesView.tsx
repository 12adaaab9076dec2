/** The shared scratchpad: notes by key (namespaced with `/`), browse by prefix, edit, delete. */
import { useState } from "react";
import { useDeleteNote, useNotes, useSaveNote } from "../state/queries";
import type { Note } from "../api/types";
import { EmptyState, Modal, NotAvailable } from "../components/Modal";
import { errorText, useToast } from "../components/Toasts";
import { relativeTime } from "../state/format/format";
import { useDebounced } from "./SearchModal";

export function NotesView({ onClose }: { onClose: () => void }) {
  const [prefix, setPrefix] = useState("");
  const debounced = useDebounced(prefix, 250);
  const notes = useNotes(debounced);
  const saveNote = useSaveNote();
  const deleteNote = useDeleteNote();
  const toast = useToast();
  const [selected, setSelected] = useState<Note | null>(null);
  const [draftKey, setDraftKey] = useState("");
  const [draftValue, setDraftValue] = useState("");
  const [editing, setEditing] = useState(false);

  const open = (note: Note) => {
    setSelected(note);
    setDraftKey(note.key);
    setDraftValue(note.value);
    setEditing(false);
  };

  const save = async () => {
    if (!draftKey.trim()) return;
    try {
      const saved = await saveNote.mutateAsync({ key: draftKey.trim(), value: draftValue });
      setSelected(saved ?? { key: draftKey.trim(), value: draftValue, updatedAt: new Date().toISOString(), updatedBy: "user" });
      setEditing(false);
    } catch (e) {
      toast.error(errorText(e));
    }
  };

  const remove = async (key: string) => {
    try {
      await deleteNote.mutateAsync(key);
      setSelected(null);
    } catch (e) {
      toast.error(errorText(e));
    }
  };

  return (
    <Modal title="Notes (shared scratchpad)" onClose={onClose} wide testId="notes">
      {notes.data && !notes.data.available ? (
        <NotAvailable what="Notes" />
      ) : (
        <div className="split">
          <div className="split-list">
            <input data-testid="notes-prefix" placeholder="Filter by key prefix, e.g. results/" value={prefix} onChange={(e) => setPrefix(e.target.value)} />
            <button
              type="button"
              data-testid="note-new"
              onClick={() => {
                setSelected(null);
                setDraftKey(prefix);
                setDraftValue("");
                setEditing(true);
              }}
            >
              + New note
            </button>
            {notes.isLoading && <div className="muted pad">Loading…</div>}
            {notes.error && <div className="field-error">{notes.error.message}</div>}
            {notes.data?.available && notes.data.items.length === 0 && (
              <EmptyState title="No notes">Agents share data here with write_note / read_note.</EmptyState>
            )}
            {notes.data?.items.map((note) => (
              <button
                type="button"
                key={note.key}
                className={`list-item link-button${selected?.key === note.key ? " active" : ""}`}
                data-testid={`note-${note.key}`}
                onClick={() => open(note)}
              >
                <code>{note.key}</code>
                <span className="muted small">{relativeTime(note.updatedAt)}</span>
              </button>
            ))}
          </div>
          <div className="split-detail">
            {editing ? (
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  void save();
                }}
              >
                <label className="field">
                  <span className="field-label">Key</span>
                  <input data-testid="note-key" value={draftKey} disabled={!!selected} onChange={(e) => setDraftKey(e.target.value)} />
                </label>
                <label className="field">
                  <span className="field-label">Value</span>
                  <textarea data-testid="note-value" rows={12} value={draftValue} onChange={(e) => setDraftValue(e.target.value)} />
                </label>
                <div className="form-actions">
                  <button type="button" onClick={() => setEditing(false)}>
                    Cancel
                  </button>
                  <button type="submit" className="primary" data-testid="note-save">
                    Save
                  </button>
                </div>
              </form>
            ) : selected ? (
              <div>
                <div className="note-head">
                  <code>{selected.key}</code>
                  <span className="muted small">
                    {relativeTime(selected.updatedAt)}
                    {selected.updatedBy ? ` by ${selected.updatedBy}` : ""}
                  </span>
                </div>
                <pre className="pre-wrap note-value">{selected.value}</pre>
                <div className="form-actions">
                  <button type="button" onClick={() => setEditing(true)}>
                    Edit
                  </button>
                  <button type="button" className="danger" onClick={() => void remove(selected.key)}>
                    Delete
                  </button>
                </div>
              </div>
            ) : (
              <EmptyState title="Pick a note">Its value shows here.</EmptyState>
            )}
          </div>
        </div>
      )}
    </Modal>
  );
}
