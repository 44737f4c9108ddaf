// Keep every unfinished job progress component on the page live: counts, bar, status,
// waiting reason, last error, times, buttons and failed items, every two seconds.
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
      : `${job.processed} of ${job.total} (${job.percent}%) · ${job.successful} ok · ${job.failed} failed`);
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
          if (jobs[component.dataset.job]) paint(component, jobs[component.dataset.job]);
        }
      }
    } catch (error) { /* a missed refresh is retried on the next tick */ }
    setTimeout(refresh, 2000);
  }
  document.addEventListener("DOMContentLoaded", () => setTimeout(refresh, 1000));
})();
