// Masthead discussion: progressive enhancement only. Every link and form works without it.
// - "show more replies" / "more comments" load in place;
// - "Reply" opens the form under the comment;
// - votes are sent without leaving the page;
// - new comments are announced ("N new comments — show"), never inserted under the reader's eyes;
// - relative times stay fresh.

const RELATIVE = [[31536000, "year"], [2592000, "month"], [86400, "day"], [3600, "hour"], [60, "minute"]];

function relative(date) {
  const seconds = Math.floor((Date.now() - date.getTime()) / 1000);
  for (const [size, name] of RELATIVE) {
    if (seconds >= size) {
      const count = Math.floor(seconds / size);
      return `${count} ${name}${count === 1 ? "" : "s"} ago`;
    }
  }
  return "just now";
}

function refreshTimes(root) {
  for (const time of root.querySelectorAll("time[datetime]")) {
    const date = new Date(time.getAttribute("datetime"));
    if (!Number.isNaN(date.getTime())) time.textContent = relative(date);
  }
}

function fragmentUrl(href) {
  const url = new URL(href, window.location.href);
  url.searchParams.set("fragment", "1");
  return url;
}

async function loadInPlace(link) {
  const holder = link.closest("li.more-replies, p.more-comments");
  if (!holder) return false;
  link.setAttribute("aria-busy", "true");
  const response = await fetch(fragmentUrl(link.href), { credentials: "same-origin" });
  if (!response.ok) return false;
  const doc = new DOMParser().parseFromString(await response.text(), "text/html");
  const items = [...doc.querySelectorAll("ol.comments > li")];
  const next = doc.querySelector("p.more-comments a");
  const list = holder.tagName === "LI" ? holder.parentElement : holder.parentElement.querySelector("ol.comments");
  for (const item of items) {
    const adopted = document.adoptNode(item);
    if (holder.tagName === "LI") list.insertBefore(adopted, holder);
    else list.appendChild(adopted);
  }
  if (next) {
    link.href = next.getAttribute("href");
    link.textContent = holder.tagName === "LI" ? "Show more replies" : "More comments";
    link.removeAttribute("aria-busy");
  } else {
    holder.remove();
  }
  refreshTimes(list);
  const first = items[0]?.querySelector(".comment-body");
  if (first) {
    first.setAttribute("tabindex", "-1");
    first.focus({ preventScroll: true });
  }
  return true;
}

function openReplyForm(link) {
  const mainForm = document.getElementById("comment-form");
  if (!mainForm || mainForm.tagName !== "FORM") return false;
  const comment = link.closest("li.comment");
  const existing = comment.querySelector(":scope > form.comment-form");
  if (existing) {
    existing.querySelector("textarea")?.focus();
    return true;
  }
  const form = mainForm.cloneNode(true);
  form.removeAttribute("id");
  for (const node of form.querySelectorAll("[id]")) node.removeAttribute("id");
  for (const node of form.querySelectorAll(".form-errors, .comment-preview, label[for]")) {
    if (node.tagName === "LABEL") node.removeAttribute("for");
    else node.remove();
  }
  form.querySelector("input[name=parent]").value = link.dataset.replyTo;
  form.querySelector("input[name=client_token]").value = crypto.randomUUID();
  const textarea = form.querySelector("textarea");
  textarea.value = "";
  textarea.setAttribute("aria-label", `Reply to ${comment.querySelector(".comment-author")?.textContent ?? "comment"}`);
  const note = document.createElement("p");
  note.className = "replying-to";
  note.textContent = `Replying to ${comment.querySelector(".comment-author")?.textContent ?? "this comment"}`;
  form.prepend(note);
  const submit = form.querySelector("button[value=post]");
  if (submit) submit.textContent = "Post reply";
  comment.querySelector(":scope > .comment-body").after(form);
  textarea.focus();
  return true;
}

async function sendVote(form, button) {
  const data = new FormData(form);
  data.set("value", button.value);
  const response = await fetch(form.action, { method: "POST", body: data, credentials: "same-origin", redirect: "manual" });
  if (response.type !== "opaqueredirect" && !response.ok) return false;
  const up = form.querySelector(".vote-up");
  const down = form.querySelector(".vote-down");
  const score = form.querySelector(".vote-score");
  const before = up.getAttribute("aria-pressed") === "true" ? 1 : down?.getAttribute("aria-pressed") === "true" ? -1 : 0;
  const after = Number(button.value);
  score.textContent = String(Number(score.textContent) - before + after);
  up.setAttribute("aria-pressed", String(after === 1));
  up.value = after === 1 ? "0" : "1";
  if (down) {
    down.setAttribute("aria-pressed", String(after === -1));
    down.value = after === -1 ? "0" : "-1";
  }
  return true;
}

function listen(block) {
  const url = block.dataset.events;
  const lastId = block.dataset.lastId || "0";
  const notice = block.querySelector(".new-comments");
  if (!url || !notice || !("EventSource" in window)) return;
  let source = null;
  const open = () => {
    if (source || document.visibilityState !== "visible") return;
    source = new EventSource(`${url}?after=${encodeURIComponent(lastId)}`);
    source.addEventListener("comments", (event) => {
      const { count } = JSON.parse(event.data);
      if (!count) return;
      const link = notice.querySelector("a");
      link.textContent = `${count >= 100 ? "99+" : count} new comment${count === 1 ? "" : "s"} — show`;
      notice.hidden = false;
    });
  };
  const close = () => {
    source?.close();
    source = null;
  };
  document.addEventListener("visibilitychange", () => (document.visibilityState === "visible" ? open() : close()));
  // Only readers who reach the discussion keep a connection open.
  const observer = new IntersectionObserver((entries) => {
    if (entries.some((entry) => entry.isIntersecting)) {
      open();
      observer.disconnect();
    }
  });
  observer.observe(block);
}

function enhance(block) {
  refreshTimes(block);
  block.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-load-in-place]");
    if (link) {
      event.preventDefault();
      loadInPlace(link).then((done) => {
        if (!done) window.location.href = link.href;
      });
      return;
    }
    const reply = event.target.closest("a[data-reply-to]");
    if (reply && openReplyForm(reply)) event.preventDefault();
  });
  block.addEventListener("submit", (event) => {
    const form = event.target.closest("form.vote");
    if (!form || !event.submitter) return;
    event.preventDefault();
    sendVote(form, event.submitter).then((done) => {
      if (!done) form.submit();
    });
  });
  listen(block);
  document.body.dataset.discussionReady = "true";
}

// Images above the discussion may load after the browser jumped to #comment-N; jump again.
function revealTarget() {
  const id = decodeURIComponent(window.location.hash.slice(1));
  if (!id.startsWith("comment-")) return;
  document.getElementById(id)?.scrollIntoView({ block: "start" });
}

for (const block of document.querySelectorAll(".discussion")) enhance(block);
window.addEventListener("load", revealTarget);
