/** Asks for the server's AUTH_TOKEN after a 401. */
import { useState } from "react";
import { setToken } from "../api/auth";
import { Modal } from "../components/Modal";

export function TokenPrompt({ onDone, onClose }: { onDone: () => void; onClose: () => void }) {
  const [value, setValue] = useState("");
  return (
    <Modal title="Access token required" onClose={onClose} testId="token-prompt">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!value.trim()) return;
          setToken(value.trim());
          onDone();
        }}
      >
        <p>This Podium server runs with AUTH_TOKEN. Enter the token to continue; it is kept in this browser only.</p>
        <input data-testid="token-input" type="password" autoFocus value={value} onChange={(e) => setValue(e.target.value)} placeholder="token" />
        <div className="form-actions">
          <button type="submit" className="primary" data-testid="token-submit">
            Connect
          </button>
        </div>
      </form>
    </Modal>
  );
}
