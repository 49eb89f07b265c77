// pwa.js - registers the service worker and runs the update flow: a new version installs in
// the background and waits; the banner offers it; "Update now" lets it take over and the
// page reloads once it has. Never reloads on its own while the user works.
//
// The worker is registered once the page has loaded what it needs (the engine ready, or
// failed): its install then takes those files from the HTTP cache instead of downloading
// them again, and does not compete with the engine's start. The page then tells it which
// WASM build it runs, so that one is kept for offline use whichever the worker guessed.

// Resolves when the engine is ready (html[data-build], set by app.js) or could not start
// (#engine[data-state=error]), or after `timeout` ms whatever happened.
function engineSettled(timeout = 20000) {
  const done = () => !!document.documentElement.dataset.build || document.querySelector('#engine')?.dataset.state === 'error';
  return new Promise((resolve) => {
    if (done()) { resolve(); return; }
    const observer = new MutationObserver(() => { if (done()) finish(); });
    const timer = setTimeout(() => finish(), timeout);
    function finish() { observer.disconnect(); clearTimeout(timer); resolve(); }
    observer.observe(document.documentElement, { subtree: true, attributes: true, attributeFilter: ['data-build', 'data-state'] });
  });
}

export async function registerServiceWorker({ banner, button, busy }) {
  if (!('serviceWorker' in navigator)) return null;
  await engineSettled();
  let reg;
  try {
    reg = await navigator.serviceWorker.register('sw.js', { scope: './' });
  } catch {
    return null; // e.g. a file:// page or a private window without storage: the page still works
  }
  const build = document.documentElement.dataset.build;
  if (build) navigator.serviceWorker.ready.then((r) => r.active?.postMessage({ build })).catch(() => {});
  let accepted = false;
  const offer = (worker) => {
    banner.hidden = false;
    button.onclick = () => {
      accepted = true;
      if (busy()) button.textContent = 'Updating when this photo is done…';
      worker.postMessage('skip-waiting');
    };
  };
  if (reg.waiting && reg.active) offer(reg.waiting);
  reg.addEventListener('updatefound', () => {
    // with no active worker this is the first install, not an update: nothing to offer
    const w = reg.installing, update = !!reg.active;
    w?.addEventListener('statechange', () => { if (update && w.state === 'installed') offer(w); });
  });
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (!accepted) return; // the first install claiming the page needs no reload
    const go = () => (busy() ? setTimeout(go, 500) : location.reload());
    go();
  });
  // a long-open tab still hears of new versions
  setInterval(() => reg.update().catch(() => {}), 60 * 60 * 1000);
  return reg;
}
