import { Modal } from "../components/Modal";

export const SHORTCUTS: [string, string][] = [
  ["n", "New job"],
  ["/", "Search agent output"],
  ["j / k", "Select next / previous card"],
  ["Enter / o", "Open the selected card"],
  ["Esc", "Close the panel or dialog"],
  ["?", "Show this list"],
];

export function ShortcutsHelp({ onClose }: { onClose: () => void }) {
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose} testId="shortcuts">
      <table className="table shortcuts">
        <tbody>
          {SHORTCUTS.map(([key, what]) => (
            <tr key={key}>
              <td>
                <kbd>{key}</kbd>
              </td>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Modal>
  );
}
