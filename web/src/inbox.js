// The inbox keeps its safety alerts fresh for staff who use only the console: every 30
// seconds it fetches the list of alerts needing someone (/staff/inbox/live), puts it in
// place, shows the count of new alerts in the page title and beside the heading, and says
// each newly arrived alert in the polite live region. The server writes every word; this
// file only moves them. Progressive enhancement: without it the page shows the same list
// when loaded, and its "See the latest" link reloads it.
const EVERY_MS = 30000;
const list = document.getElementById("mm-waiting-alerts");
const region = document.querySelector("[data-mm-announce]");
const countTag = document.querySelector("[data-mm-new-count]");
const note = document.querySelector("[data-mm-updates]");

function newAlertIds(root) {
  return [...root.querySelectorAll("[data-mm-alert]")].map((item) => item.dataset.mmAlert);
}

function say(words) {
  if (!words) return;
  region.textContent = words;
  region.classList.add("nhsuk-inset-text");
}

if (list && region && list.dataset.mmLive) {
  // Alerts already on the page when it loaded are not news.
  const known = new Set(newAlertIds(list));
  if (note) note.hidden = false;

  const refresh = async () => {
    let response;
    try {
      response = await fetch(list.dataset.mmLive, {
        credentials: "same-origin", cache: "no-store", headers: { Accept: "text/html" },
      });
    } catch {
      setTimeout(refresh, EVERY_MS); // offline for a moment: try again next time
      return;
    }
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    if (response.status === 401) { // signed out: say so, and stop asking
      say(page.body.textContent.trim());
      return;
    }
    const fresh = page.getElementById("mm-waiting-alerts");
    if (response.ok && fresh) {
      const arrived = [...fresh.querySelectorAll("[data-mm-alert]")]
        .filter((item) => !known.has(item.dataset.mmAlert));
      list.replaceChildren(...[...fresh.childNodes].map((node) => document.importNode(node, true)));
      document.title = fresh.dataset.mmTitle;
      if (countTag) {
        countTag.textContent = fresh.dataset.mmCount;
        countTag.hidden = !fresh.dataset.mmCount;
      }
      for (const id of newAlertIds(fresh)) known.add(id);
      say(arrived.map((item) => item.textContent.trim()).join(" "));
    }
    setTimeout(refresh, EVERY_MS);
  };
  setTimeout(refresh, EVERY_MS);
}
