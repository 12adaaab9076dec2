/** Dark (default) and light themes: a data-theme attribute on <html>, remembered locally. */
export type Theme = "dark" | "light";

const KEY = "podium.theme";

export function loadTheme(): Theme {
  try {
    return localStorage.getItem(KEY) === "light" ? "light" : "dark";
  } catch {
    return "dark";
  }
}

export function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  try {
    localStorage.setItem(KEY, theme);
  } catch {
    /* not remembered */
  }
}
