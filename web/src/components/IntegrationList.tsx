/** The hosted-service tools agents get (Linear, OpenSearch, PostgreSQL, GitHub Actions): which
 * are configured, and for the others which environment settings turn them on. Never a value. */
import type { IntegrationStatus } from "../api/types";

export function IntegrationList({ integrations }: { integrations: IntegrationStatus[] }) {
  return (
    <ul className="integration-list" data-testid="integrations">
      {integrations.map((item) => (
        <li key={item.tool} data-testid={`integration-${item.tool}`} data-configured={item.configured}>
          <div className="inline">
            <strong>{item.name}</strong>
            <code>{item.tool}</code>
            <span className={item.configured ? "chip active" : "chip"} data-testid="integration-state">
              {item.configured ? "configured" : "not configured"}
            </span>
          </div>
          <div className="field-hint">
            {item.detail}
            {item.configured ? "" : ` — set ${item.settings.join(", ")} in the server's environment`}
          </div>
        </li>
      ))}
    </ul>
  );
}
