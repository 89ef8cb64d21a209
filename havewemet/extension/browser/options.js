"use strict";
const DEFAULTS = { save: true, recordDecisions: true };
chrome.storage.local.get(Object.keys(DEFAULTS)).then((stored) => {
  for (const [key, on] of Object.entries({ ...DEFAULTS, ...stored })) {
    const box = document.getElementById(key);
    box.checked = on;
    box.addEventListener("change", () => chrome.storage.local.set({ [key]: box.checked }));
  }
});
