import { describe, expect, it } from "vitest";
import { emptyJobForm, formFieldOf, toJobCreate, validateJobForm, type JobFormValues } from "./jobForm";

const form = (overrides: Partial<JobFormValues>): JobFormValues => ({ ...emptyJobForm, description: "do it", ...overrides });

describe("validateJobForm", () => {
  it("requires a description that is not blank", () => {
    expect(validateJobForm(form({ description: "   " })).description).toMatch(/required/);
    expect(validateJobForm(form({})).description).toBeUndefined();
  });

  it("keeps priority within -10..10 and whole", () => {
    expect(validateJobForm(form({ priority: "11" })).priority).toBeDefined();
    expect(validateJobForm(form({ priority: "-11" })).priority).toBeDefined();
    expect(validateJobForm(form({ priority: "1.5" })).priority).toBeDefined();
    expect(validateJobForm(form({ priority: "-10" })).priority).toBeUndefined();
    expect(validateJobForm(form({ priority: "10" })).priority).toBeUndefined();
  });

  it("needs a positive stop value for turns, budget and time", () => {
    for (const stopMode of ["turns", "budget", "time"] as const) {
      expect(validateJobForm(form({ stopMode, stopValue: "" })).stopValue).toBeDefined();
      expect(validateJobForm(form({ stopMode, stopValue: "0" })).stopValue).toBeDefined();
      expect(validateJobForm(form({ stopMode, stopValue: "-1" })).stopValue).toBeDefined();
    }
    expect(validateJobForm(form({ stopMode: "budget", stopValue: "0.5" })).stopValue).toBeUndefined();
    expect(validateJobForm(form({ stopMode: "turns", stopValue: "2.5" })).stopValue).toMatch(/whole/);
  });

  it("lets completion mode go without a stop value, and wants a mode for a value", () => {
    expect(validateJobForm(form({ stopMode: "completion", stopValue: "" })).stopValue).toBeUndefined();
    expect(validateJobForm(form({ stopMode: "", stopValue: "5" })).stopMode).toBeDefined();
  });

  it("checks max turns, repeat interval and context keys", () => {
    expect(validateJobForm(form({ maxTurns: "0" })).maxTurns).toBeDefined();
    expect(validateJobForm(form({ repeatIntervalSec: "0" })).repeatIntervalSec).toBeDefined();
    expect(validateJobForm(form({ context: [{ key: "", value: "x" }] })).context).toBeDefined();
    expect(validateJobForm(form({ context: [{ key: "a", value: "1" }, { key: "a", value: "2" }] })).context).toMatch(/twice/);
    expect(validateJobForm(form({ context: [{ key: "", value: "" }] })).context).toBeUndefined();
  });
});

describe("toJobCreate", () => {
  it("sends only what the user set", () => {
    expect(toJobCreate(form({ priority: "0" }))).toEqual({ description: "do it", priority: 0 });
    expect(toJobCreate(form({ priority: "" }))).toEqual({ description: "do it" });
  });

  it("builds every field", () => {
    const body = toJobCreate(
      form({
        title: " T ",
        priority: "5",
        model: "codex",
        workDir: "/repo",
        maxTurns: "30",
        stopMode: "budget",
        stopValue: "2.5",
        dependsOn: ["a", "b"],
        useWorktree: true,
        interactive: true,
        context: [{ key: "ticket", value: "ABC-1" }, { key: "", value: "" }],
        templateId: "tpl_1",
        repeatIntervalSec: "3600",
        scheduledAt: "2030-01-02T03:04",
        retryPolicy: "same",
        checkDiffNotEmpty: true,
        checkNoErrorInOutput: true,
        customCommands: "npm test\n\n  make lint  ",
        projectId: "proj_1",
        parentJobId: "job_p",
      }),
    );
    expect(body).toMatchObject({
      title: "T",
      priority: 5,
      model: "codex",
      workDir: "/repo",
      maxTurns: 30,
      stopMode: "budget",
      stopValue: 2.5,
      dependsOn: ["a", "b"],
      useWorktree: true,
      interactive: true,
      context: { ticket: "ABC-1" },
      templateId: "tpl_1",
      repeatIntervalSec: 3600,
      retryPolicy: "same",
      completionChecks: ["diff_not_empty", "no_error_in_output", "custom_command:npm test", "custom_command:make lint"],
      projectId: "proj_1",
      parentJobId: "job_p",
    });
    expect(body.scheduledAt).toBe(new Date("2030-01-02T03:04").toISOString());
  });

  it("treats auto as the server default model", () => {
    expect(toJobCreate(form({ model: "auto" })).model).toBeUndefined();
  });
});

describe("formFieldOf", () => {
  it("maps server error fields onto form fields", () => {
    expect(formFieldOf("stopValue")).toBe("stopValue");
    expect(formFieldOf("context.foo")).toBe("context");
    expect(formFieldOf("completionChecks.0")).toBe("completionChecks");
    expect(formFieldOf("somethingElse")).toBe("form");
    expect(formFieldOf(undefined)).toBe("form");
  });
});
