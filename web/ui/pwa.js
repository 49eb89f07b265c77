// pwa.js - registers the service worker and runs the update flow: a new version installs in
// the background and waits; the banner offers it; "Update now" lets it take over and the
// page reloads once it has. Never reloads on its own while the user works.

export async function registerServiceWorker({ banner, button, busy }) {
  if (!('serviceWorker' in navigator)) return null;
  let reg;
  try {
    reg = await navigator.serviceWorker.register('sw.js', { scope: './' });
  } catch {
    return null; // e.g. a file:// page or a private window without storage: the page still works
  }
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
