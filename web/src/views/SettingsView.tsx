/** Settings: max concurrent agents, notifications, theme, the access token, limits and backups,
 * and which integration tools agents have. */
import { useEffect, useState } from "react";
import { getToken, setToken } from "../api/auth";
import { useIntegrations, useSaveSettings, useSettings } from "../state/queries";
import { IntegrationList } from "../components/IntegrationList";
import { Modal } from "../components/Modal";
import { BackupsSection } from "./BackupsSection";
import { LimitsSection } from "./LimitsSection";
import { errorText, useToast } from "../components/Toasts";
import { notificationsSupported, requestNotifications } from "../state/live/notify";
import type { Theme } from "../state/page/theme";

interface Props {
  onClose: () => void;
  theme: Theme;
  onTheme: (theme: Theme) => void;
  onTokenChanged: () => void;
}

export function SettingsView({ onClose, theme, onTheme, onTokenChanged }: Props) {
  const settings = useSettings();
  const integrations = useIntegrations();
  const save = useSaveSettings();
  const toast = useToast();
  const [max, setMax] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [permission, setPermission] = useState<string>(notificationsSupported() ? Notification.permission : "unsupported");

  useEffect(() => {
    if (settings.data) setMax(String(settings.data.maxConcurrentAgents ?? 20));
  }, [settings.data]);

  const submit = () => {
    const value = Number(max);
    if (!Number.isInteger(value) || value < 1 || value > 1000) {
      setError("A whole number from 1 to 1000");
      return;
    }
    setError(null);
    save.mutate(
      { maxConcurrentAgents: value },
      { onSuccess: () => toast.info("Settings saved"), onError: (e) => setError(errorText(e)) },
    );
  };

  return (
    <Modal title="Settings" onClose={onClose} testId="settings">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <div className="field">
          <span className="field-label">Max concurrent agents</span>
          <div className="inline">
            <input
              data-testid="settings-max-concurrent"
              type="number"
              min={1}
              max={1000}
              value={max}
              onChange={(e) => setMax(e.target.value)}
              disabled={settings.isLoading}
            />
            <button type="submit" className="primary" data-testid="settings-save" disabled={save.isPending}>
              Save
            </button>
          </div>
          {error ? (
            <div className="field-error" data-testid="error-maxConcurrentAgents">
              {error}
            </div>
          ) : (
            <div className="field-hint">How many agents may run at once (default 20).</div>
          )}
        </div>
      </form>
      <LimitsSection />
      <div className="field">
        <span className="field-label">Theme</span>
        <div className="inline">
          {(["dark", "light"] as Theme[]).map((t) => (
            <button key={t} type="button" className={theme === t ? "chip active" : "chip"} onClick={() => onTheme(t)}>
              {t}
            </button>
          ))}
        </div>
      </div>
      <div className="field">
        <span className="field-label">Browser notifications</span>
        <div className="inline">
          <span className="muted">{permission}</span>
          {permission === "default" && (
            <button type="button" onClick={() => void requestNotifications().then((p) => setPermission(p))}>
              Enable
            </button>
          )}
        </div>
        <div className="field-hint">Notifies when a job finishes or an agent asks you something while the tab is in the background.</div>
      </div>
      <div className="field">
        <span className="field-label">Access token</span>
        <div className="inline">
          <span className="muted">{getToken() ? "set" : "not set"}</span>
          {getToken() && (
            <button
              type="button"
              onClick={() => {
                setToken(null);
                onTokenChanged();
              }}
            >
              Forget token
            </button>
          )}
        </div>
        <div className="field-hint">Only needed when the server runs with AUTH_TOKEN.</div>
      </div>
      <div className="field">
        <span className="field-label">Integrations</span>
        {integrations.data ? (
          <IntegrationList integrations={integrations.data} />
        ) : (
          <div className="field-hint">{integrations.isError ? errorText(integrations.error) : "Loading…"}</div>
        )}
        <div className="field-hint">Tools every agent gets; set in the server's environment before it starts.</div>
      </div>
      <BackupsSection />
    </Modal>
  );
}
