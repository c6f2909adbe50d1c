/** The page's one channel to the extension: typed messages and the state VS Code keeps across reloads. */
import type { DashboardPanelState, DashboardToExtension, ExtensionToDashboard } from '../../protocol/dashboard_messages';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface Host {
  post(message: DashboardToExtension): void;
  state(): DashboardPanelState | undefined;
  saveState(state: DashboardPanelState): void;
  onMessage(listener: (message: ExtensionToDashboard) => void): void;
}

export function connectHost(): Host {
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    state: () => {
      const s = api.getState() as Partial<DashboardPanelState> | undefined;
      return s && typeof s.experimentPath === 'string' ? (s as DashboardPanelState) : undefined;
    },
    saveState: (state) => api.setState(state),
    onMessage: (listener) =>
      window.addEventListener('message', (event: MessageEvent<ExtensionToDashboard>) => {
        if (event.data && typeof event.data === 'object' && typeof event.data.type === 'string') listener(event.data);
      }),
  };
}
