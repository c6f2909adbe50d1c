// Collects every Content-Security-Policy violation in every frame of the page, and tells
// ours (a Tunekit webview and the frames inside it) from the workbench's own.
const EXTENSION_ID = 'tunekit.tunekit';

function inTunekitWebview(frame) {
  for (let f = frame; f; f = f.parentFrame()) {
    const url = f.url();
    if (url.includes('webview') && url.includes(`extensionId=${EXTENSION_ID}`)) return true;
  }
  return false;
}

/** Starts collecting on a browser context (before its pages load); returns the list it fills. */
export async function watchCsp(context) {
  const violations = [];
  await context.exposeBinding('tunekitReportCsp', ({ frame }, v) => {
    violations.push({ ...v, frameUrl: frame?.url(), ours: frame ? inTunekitWebview(frame) : false });
  });
  await context.addInitScript(() => {
    document.addEventListener(
      'securitypolicyviolation',
      (e) => {
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
      },
      true,
    );
  });
  return violations;
}
