// Collects every Content-Security-Policy violation in every frame of the page, and tells
// those in a Tunekit webview (VS Code names the extension in the webview frame's URL) and
// the frames inside it from the workbench's own.
const WEBVIEW_OF_TUNEKIT = /\/webview\/browser\/pre\/index\.html\?.*extensionId=tunekit\.tunekit(&|$)/;

function inTunekitWebview(frame) {
  for (let f = frame; f; f = f.parentFrame()) if (WEBVIEW_OF_TUNEKIT.test(f.url())) return true;
  return false;
}

/** Starts collecting on a browser context (before its pages load); returns the list it fills. */
export async function watchCsp(context) {
  const violations = [];
  await context.exposeBinding('tunekitReportCsp', ({ frame }, v) => {
    violations.push({ ...v, frameUrl: frame?.url(), ours: frame ? inTunekitWebview(frame) : false });
  });
  await context.addInitScript(() => {
    const onViolation = (e) => {
      const report = window.tunekitReportCsp;
      if (typeof report !== 'function') return;
      void report({
        documentURI: e.documentURI,
        directive: e.effectiveDirective || e.violatedDirective,
        blockedURI: e.blockedURI,
        sourceFile: e.sourceFile,
        line: e.lineNumber,
        sample: e.sample,
        disposition: e.disposition,
      });
    };
    const listen = () => document.addEventListener('securitypolicyviolation', onViolation, true);
    listen();
    // A webview writes its page with document.open(), which drops every listener: listen again.
    const open = Document.prototype.open;
    Document.prototype.open = function openAndListen(...args) {
      const opened = open.apply(this, args);
      if (this === document) listen();
      return opened;
    };
  });
  return violations;
}
