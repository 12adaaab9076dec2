/** A unified diff, file by file, with added/removed lines coloured. */
import { useMemo, useState } from "react";
import { parseDiff, type DiffFile } from "../state/format/diff";

export function DiffView({ text }: { text: string }) {
  const files = useMemo(() => parseDiff(text), [text]);
  if (!text.trim()) return null;
  const added = files.reduce((n, f) => n + f.added, 0);
  const removed = files.reduce((n, f) => n + f.removed, 0);
  return (
    <div className="diff" data-testid="diff">
      <div className="diff-summary">
        {files.length} file{files.length === 1 ? "" : "s"} changed · <span className="diff-add-text">+{added}</span>{" "}
        <span className="diff-del-text">−{removed}</span>
      </div>
      {files.map((file, index) => (
        <DiffFileView key={`${file.path}-${index}`} file={file} />
      ))}
    </div>
  );
}

function DiffFileView({ file }: { file: DiffFile }) {
  const [open, setOpen] = useState(true);
  return (
    <div className="diff-file" data-testid="diff-file">
      <button type="button" className="diff-file-head" onClick={() => setOpen((v) => !v)} aria-expanded={open}>
        <span>{open ? "▾" : "▸"}</span>
        <span className="diff-path">{file.path}</span>
        <span className="diff-add-text">+{file.added}</span>
        <span className="diff-del-text">−{file.removed}</span>
      </button>
      {open && (
        <pre className="diff-body">
          {file.lines.map((line, i) => (
            <div key={i} className={`diff-line diff-${line.kind}`}>
              {line.text || " "}
            </div>
          ))}
        </pre>
      )}
    </div>
  );
}
