/** A few inline SVG icons (no icon font; glyphs like ＋ or ⏱ are missing from many fonts). */
const PATHS = {
  plus: "M8 3v10M3 8h10",
  clock: "M8 2.5a5.5 5.5 0 1 0 0 11a5.5 5.5 0 0 0 0-11zM8 5v3.2l2 1.3",
  trash: "M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.6 8.5h5.8l.6-8.5",
  turns: "M12.5 8a4.5 4.5 0 1 1-1.3-3.2M12.5 2.8v2.4h-2.4",
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 13, title }: { name: IconName; size?: number; title?: string }) {
  return (
    <svg className="icon" width={size} height={size} viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth={1.6} strokeLinecap="round" strokeLinejoin="round" aria-hidden={title ? undefined : true}>
      {title && <title>{title}</title>}
      <path d={PATHS[name]} />
    </svg>
  );
}
