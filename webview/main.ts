/**
 * The dashboard page's entry (bundled to dist/webview/dashboard.js): connect to the
 * extension, build the app, then say `ready` so the extension sends a snapshot.
 */
import './dashboard.css';
import { DashboardApp } from './ui/dashboard_app';
import { connectHost } from './ui/host';

const host = connectHost();
window.addEventListener('error', (e) => host.post({ type: 'error', message: `${e.message} (${e.filename}:${e.lineno})` }));
window.addEventListener('unhandledrejection', (e) => host.post({ type: 'error', message: String(e.reason) }));

const app = new DashboardApp(document.getElementById('app') ?? document.body, host);
host.onMessage((message) => app.receive(message));
// Browser tests and the benchmark look the app up here; a page sets the attribute only in tests.
if (document.body.hasAttribute('data-test-hook')) (window as unknown as { tunekitDashboard: DashboardApp }).tunekitDashboard = app;
host.post({ type: 'ready' });
