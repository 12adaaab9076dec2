/** Browser notifications, only when the user allowed them and is looking elsewhere. */

export function notificationsSupported(): boolean {
  return typeof window !== "undefined" && "Notification" in window;
}

export function notificationsAllowed(): boolean {
  return notificationsSupported() && Notification.permission === "granted";
}

export async function requestNotifications(): Promise<NotificationPermission | "unsupported"> {
  if (!notificationsSupported()) return "unsupported";
  return Notification.requestPermission();
}

export function notify(title: string, body: string, tag: string, onClick?: () => void): void {
  if (!notificationsAllowed()) return;
  if (typeof document !== "undefined" && document.hasFocus() && !document.hidden) return;
  try {
    const notification = new Notification(title, { body: body.slice(0, 200), tag });
    if (onClick) {
      notification.onclick = () => {
        window.focus();
        onClick();
        notification.close();
      };
    }
  } catch {
    /* some browsers only allow notifications from a service worker */
  }
}
