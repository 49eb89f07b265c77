// early.js - a classic script at the end of <body>: it runs as soon as the page is parsed,
// before app.js, whose seven imports can take seconds more on a slow network or
// a busy machine. A browser lets the user act from the moment the page is parsed (WebKit's
// WebDriver, too, returns from a navigation then), and a photo chosen, dropped or pasted
// before app.js listens would be lost: the picker's change event goes unheard, and a drop
// opens the image in place of the page. So the photos given meanwhile are kept here, and
// app.js takes them (studioEarly()) when its own listeners go on, in the same task.
(() => {
  const kept = []; // [{kind: 'open' | 'drop' | 'paste', files}]
  const on = {
    change: (e) => { if (e.target.id === 'open' && e.target.files?.length) { kept.push({ kind: 'open', files: [...e.target.files] }); e.target.value = ''; } },
    dragover: (e) => { if (e.dataTransfer?.types.includes('Files')) e.preventDefault(); },
    drop: (e) => { if (e.dataTransfer?.files.length) { e.preventDefault(); kept.push({ kind: 'drop', files: [...e.dataTransfer.files] }); } },
    paste: (e) => { if (e.clipboardData?.files.length) { e.preventDefault(); kept.push({ kind: 'paste', files: [...e.clipboardData.files] }); } },
  };
  for (const [type, f] of Object.entries(on)) window.addEventListener(type, f);
  window.studioEarly = () => {
    for (const [type, f] of Object.entries(on)) window.removeEventListener(type, f);
    // a file the picker holds whose change came before even this script (a fast hand)
    const open = document.querySelector('#open');
    if (open?.files?.length) { kept.push({ kind: 'open', files: [...open.files] }); open.value = ''; }
    return kept.splice(0);
  };
})();
