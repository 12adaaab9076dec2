import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render, screen, within } from "@testing-library/react";
import type { IntegrationStatus } from "../api/types";
import { IntegrationList } from "./IntegrationList";

afterEach(cleanup);

const linear: IntegrationStatus = {
  name: "Linear",
  tool: "query_linear",
  configured: true,
  settings: ["LINEAR_API_KEY", "LINEAR_API_URL"],
  detail: "GraphQL queries against Linear",
};
const postgres: IntegrationStatus = {
  name: "PostgreSQL",
  tool: "query_db",
  configured: false,
  settings: ["QUERY_DB_URL", "QUERY_DB_<NAME>_URL"],
  detail: "read-only SQL",
};

describe("IntegrationList", () => {
  it("marks each integration configured or not, and says what to set for the others", () => {
    render(<IntegrationList integrations={[linear, postgres]} />);
    const rows = within(screen.getByTestId("integrations")).getAllByRole("listitem");
    expect(rows.map((row) => row.dataset.configured)).toEqual(["true", "false"]);

    const on = screen.getByTestId("integration-query_linear");
    expect(within(on).getByTestId("integration-state").textContent).toBe("configured");
    expect(on.textContent).not.toContain("set LINEAR_API_KEY");

    const off = screen.getByTestId("integration-query_db");
    expect(within(off).getByTestId("integration-state").textContent).toBe("not configured");
    expect(off.textContent).toContain("set QUERY_DB_URL, QUERY_DB_<NAME>_URL in the server's environment");
  });
});
