import type { GlpiSessions } from './glpi-sessions';

/** Opening and ending GLPI sessions. The workflow only ever sees the opaque handle. */
export function createSessionActivities({ sessions }: { sessions: GlpiSessions }) {
  return {
    async openGlpiSession(): Promise<string> {
      return sessions.open();
    },
    async killGlpiSession(handle: string): Promise<void> {
      await sessions.kill(handle);
    },
  };
}
