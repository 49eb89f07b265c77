// pwa.js - registers the service worker and runs the update flow: a new version installs in
// the background and waits; the banner offers it; "Update now" lets it take over and
// reloads once it does. Never reloads on its own while the user works.

export async function registerServiceWorker({ banner, button, busy }) {
  if (!('serviceWorker' in navigator)) return null;
  // A page loaded without a controller is the first visit: the worker that installs now
  // is not an update, and its claiming the page needs no reload.
  const updating = !!navigator.serviceWorker.controller;
  let reg;
  try {
    reg = await navigator.serviceWorker.register('sw.js', { scope: './' });
  } catch {
    return null; // e.g. a file:// page or a private window without storage: the page still works
  }
  const offer = (worker) => {
    if (!worker || !updating) return;
    banner.hidden = false;
    button.onclick = () => {
      if (busy()) { button.textContent = 'Update when this photo is done'; }
      worker.postMessage('skip-waiting');
    };
  };
  if (reg.waiting) offer(reg.waiting);
  reg.addEventListener('updatefound', () => {
    const w = reg.installing;
    w?.addEventListener('statechange', () => { if (w.state === 'installed') offer(w); });
  });
  let reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (reloading || !updating || banner.hidden) return;
    reloading = true;
    const go = () => (busy() ? setTimeout(go, 500) : location.reload());
    go();
  });
  return reg;
}
