// Keep every unfinished job progress component on the page live: counts, bar, status,
// waiting reason, last error, times, buttons and failed items, every two seconds.
//
// The rest of a page that shows work in progress stays live too: each element marked data-live (with an id) is
// drawn again from a fresh copy of the page when a component marked data-live-on="<payload fields>" sees those
// fields change (a download's state: its files, buttons and notes), and every N seconds where the page says
// data-live-every="N" (the dashboard's jobs and counts). At most once every three seconds.
(function () {
  const url = document.currentScript.dataset.url;
  const pending = () => Array.from(document.querySelectorAll('.job-progress[data-finished="0"]'));
  const show = (element, visible) => { if (element) element.hidden = !visible; };
  const text = (root, selector, value) => { const el = root.querySelector(selector); if (el) el.textContent = value; };

  function failures(root, rows) {
    const body = root.querySelector(".job-failures tbody");
    if (!body) return;
    body.replaceChildren(...rows.map(row => {
      const tr = document.createElement("tr");
      const item = document.createElement("td");
      if (row.url) { const a = document.createElement("a"); a.href = row.url; a.textContent = row.item; item.append(a); }
      else item.textContent = row.item;
      const error = document.createElement("td");
      error.textContent = row.error;
      tr.append(item, error);
      return tr;
    }));
    show(root.querySelector(".job-failures-title"), rows.length > 0);
  }

  function paint(root, job) {
    root.querySelector("progress").value = job.percent;
    text(root, ".job-counts", job.counts_text !== undefined ? job.counts_text
      : `${job.processed} of ${job.total} (${job.percent}%) · ${job.succeeded} ok · ${job.failed} failed`);
    text(root, ".job-status", job.status_text);
    text(root, ".job-eta", job.eta_text ? ` · ${job.eta_text}` : "");
    show(root.querySelector(".job-eta"), Boolean(job.eta_text));
    if (root.dataset.full === "1") {
      const waiting = job.waiting_reason ? job.waiting_reason[0].toUpperCase() + job.waiting_reason.slice(1) : "";
      text(root, ".job-waiting", waiting);
      show(root.querySelector(".job-waiting"), Boolean(waiting));
      text(root, ".job-last-error", job.last_error);
      show(root.querySelector(".job-last-error"), Boolean(job.last_error));
      text(root, ".job-started", job.started_at || "not yet");
      text(root, ".job-heartbeat", job.heartbeat_at || "—");
      text(root, ".job-finished-at", job.finished_at || "—");
      text(root, ".job-runs", job.runs);
      show(root.querySelector(".job-cancel"), job.can_cancel);
      show(root.querySelector(".job-retry"), job.can_retry);
      text(root, ".job-retry-text", job.retry_text);
      failures(root, job.failures);
    }
    root.dataset.finished = job.finished ? "1" : "0";
  }

  let redrawnAt = 0;
  let redrawing = false;

  async function redraw(force) {
    const regions = Array.from(document.querySelectorAll("[data-live][id]"));
    if (!regions.length || redrawing || (!force && Date.now() - redrawnAt < 3000)) return;
    redrawing = true;
    redrawnAt = Date.now();
    try {
      const response = await fetch(window.location.href, {credentials: "same-origin"});
      if (response.ok) {
        const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
        for (const region of regions) {
          const replacement = fresh.getElementById(region.id);
          if (replacement && !region.contains(document.activeElement)) region.replaceWith(document.adoptNode(replacement));
        }
      }
    } catch (error) { /* drawn again on the next change */ }
    redrawing = false;
  }

  // As core.templatetags.crate_list.live_key writes it into the page: a change since the page was drawn counts.
  const part = value => value === true ? "1" : value === false ? "0" : value === null || value === undefined ? "" : String(value);

  function watch(root, job) {
    if (!root.dataset.liveOn) return;
    const key = root.dataset.liveOn.split(" ").map(field => part(job[field])).join("|");
    if (root.dataset.liveKey !== undefined && root.dataset.liveKey !== key) redraw(Boolean(job.finished));
    root.dataset.liveKey = key;
  }

  const every = document.querySelector("[data-live-every]");
  if (every) setInterval(() => redraw(false), Math.max(3, Number(every.dataset.liveEvery)) * 1000);

  async function refresh() {
    const components = pending();
    if (!components.length) return;
    const query = components.map(c => "job=" + encodeURIComponent(c.dataset.job)).join("&");
    const detail = components.some(c => c.dataset.full === "1") ? "&detail=1" : "";
    try {
      const response = await fetch(`${url}?${query}${detail}`, {credentials: "same-origin"});
      if (response.ok) {
        const jobs = (await response.json()).jobs;
        for (const component of components) {
          if (jobs[component.dataset.job]) {
            paint(component, jobs[component.dataset.job]);
            watch(component, jobs[component.dataset.job]);
          }
        }
      }
    } catch (error) { /* a missed refresh is retried on the next tick */ }
    setTimeout(refresh, 2000);
  }
  document.addEventListener("DOMContentLoaded", () => setTimeout(refresh, 1000));
})();
