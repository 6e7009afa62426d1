// Inside the embedded discussion frame (and the sign-in popup's last page).
// Writes go to /discussion/embed/… with the reader's embed token; cookies are never used.
const PREFIX = "masthead:embed:";
const TOKEN_HEADER = "X-Masthead-Embed-Token";

if (document.querySelector("[data-embed-signed-in]")) {
  // The popup's work is done: the frame collects the sign-in itself.
  window.setTimeout(() => window.close(), 1200);
}

const root = document.querySelector(".embed-root");
if (root) start(root);

function start(root) {
  const hostOrigin = root.dataset.origin;
  const tokenKey = `masthead-embed:${root.dataset.thread}`;
  const store = (() => {
    try {
      return window.sessionStorage;
    } catch {
      return null;
    }
  })();
  let token = store?.getItem(tokenKey) || "";
  let sort = "";
  let events = null;

  const setToken = (value) => {
    token = value || "";
    if (token) store?.setItem(tokenKey, token);
    else store?.removeItem(tokenKey);
    root.querySelector(".embed-signed-in").hidden = !token;
  };
  const headers = () => (token ? { [TOKEN_HEADER]: token } : {});

  function frameUrl(params) {
    const url = new URL(root.dataset.frameUrl, window.location.href);
    url.searchParams.set("url", root.dataset.pageUrl);
    url.searchParams.set("fragment", "1");
    for (const [key, value] of Object.entries(params)) if (value) url.searchParams.set(key, value);
    return url;
  }

  async function fetchBlock(url) {
    const response = await fetch(url, { headers: headers(), credentials: "omit" });
    if (response.headers.get("X-Masthead-Embed-Signed-Out")) setToken("");
    if (!response.ok) return null;
    return new DOMParser().parseFromString(await response.text(), "text/html");
  }

  async function reload() {
    const doc = await fetchBlock(frameUrl({ sort }));
    const fresh = doc?.querySelector(".discussion");
    if (!fresh) return;
    root.querySelector(".discussion").replaceWith(document.adoptNode(fresh));
    listen();
  }

  async function loadMore(link) {
    const holder = link.closest("li.more-replies, p.more-comments");
    if (!holder) return;
    const target = new URL(link.href, window.location.href);
    let url = target;
    if (holder.tagName === "P") {
      url = frameUrl({ sort: target.searchParams.get("sort"), cursor: target.searchParams.get("cursor") });
    } else {
      url.searchParams.set("fragment", "1");
    }
    const doc = await fetchBlock(url);
    if (!doc) return;
    const list = holder.tagName === "LI" ? holder.parentElement : root.querySelector("ol.comments");
    for (const item of doc.querySelectorAll("ol.comments > li")) {
      const adopted = document.adoptNode(item);
      if (holder.tagName === "LI") list.insertBefore(adopted, holder);
      else list.appendChild(adopted);
    }
    const next = doc.querySelector("p.more-comments a");
    if (next) link.href = next.getAttribute("href");
    else holder.remove();
  }

  function openReplyForm(link) {
    const mainForm = root.querySelector("form#comment-form");
    const comment = link.closest("li.comment");
    if (!mainForm || !comment) return false;
    if (comment.querySelector(":scope > form.comment-form")) return true;
    const form = mainForm.cloneNode(true);
    form.removeAttribute("id");
    for (const node of form.querySelectorAll("[id]")) node.removeAttribute("id");
    for (const node of form.querySelectorAll(".form-errors, .comment-preview")) node.remove();
    for (const node of form.querySelectorAll("label[for]")) node.removeAttribute("for");
    form.querySelector("input[name=parent]").value = link.dataset.replyTo;
    form.querySelector("input[name=client_token]").value = crypto.randomUUID();
    form.querySelector("textarea").value = "";
    const submit = form.querySelector("button[value=post]");
    if (submit) submit.textContent = "Post reply";
    comment.querySelector(":scope > .comment-body")?.after(form);
    form.querySelector("textarea").focus();
    return true;
  }

  function showErrors(form, html) {
    form.querySelector(".embed-errors")?.remove();
    form.querySelector(".comment-preview")?.remove();
    const doc = new DOMParser().parseFromString(html || "", "text/html");
    const preview = doc.querySelector(".comment-preview");
    const messages = [...doc.querySelectorAll(".form-errors p, .field-error, .discussion-page > p:not(:has(a))")]
      .map((node) => node.textContent.trim())
      .filter(Boolean);
    if (preview) form.querySelector(".form-buttons").before(document.adoptNode(preview));
    if (!messages.length) return;
    const box = document.createElement("div");
    box.className = "form-errors embed-errors";
    box.setAttribute("role", "alert");
    for (const text of messages) {
      const line = document.createElement("p");
      line.textContent = text;
      box.append(line);
    }
    form.prepend(box);
  }

  async function send(form, submitter) {
    const data = new FormData(form);
    if (submitter?.name) data.set(submitter.name, submitter.value);
    const action = new URL(form.getAttribute("action"), window.location.href).pathname.replace(/^\/discussion\//, "/discussion/embed/");
    const response = await fetch(action, { method: "POST", body: data, headers: headers(), credentials: "omit" });
    const answer = await response.json().catch(() => ({ html: "" }));
    if (answer.signed_out) {
      setToken("");
      await reload();
      return;
    }
    if (answer.ok) {
      if (form.classList.contains("comment-form")) sort = form.querySelector("input[name=parent]")?.value ? sort : "newest";
      await reload();
      return;
    }
    showErrors(form, answer.html || `<p class="field-error">${response.status === 429 ? "Too fast: please wait a minute." : "That did not work. Please try again."}</p>`);
  }

  function randomKey() {
    const bytes = crypto.getRandomValues(new Uint8Array(24));
    return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function signIn() {
    const key = randomKey();
    const url = new URL(root.dataset.signinUrl, window.location.href);
    url.searchParams.set("thread", root.dataset.thread);
    url.searchParams.set("key", key);
    window.open(url.href, "masthead-signin", "popup,width=520,height=680");
    let tries = 0;
    const poll = async () => {
      tries += 1;
      const body = new URLSearchParams({ key });
      const response = await fetch(root.dataset.handoffUrl, { method: "POST", body, credentials: "omit" }).catch(() => null);
      const answer = response?.ok ? await response.json() : {};
      if (answer.token) {
        setToken(answer.token);
        await reload();
      } else if (tries < 400) {
        window.setTimeout(poll, 1500);
      }
    };
    window.setTimeout(poll, 1000);
  }

  function listen() {
    const block = root.querySelector(".discussion");
    events?.close();
    events = null;
    if (!block?.dataset.events || !("EventSource" in window)) return;
    events = new EventSource(`${block.dataset.events}?after=${encodeURIComponent(block.dataset.lastId || "0")}`);
    events.addEventListener("comments", (event) => {
      const { count } = JSON.parse(event.data);
      const notice = block.querySelector(".new-comments");
      if (!count || !notice) return;
      notice.querySelector("a").textContent = `${count >= 100 ? "99+" : count} new comment${count === 1 ? "" : "s"} — show`;
      notice.hidden = false;
    });
  }

  root.addEventListener("click", (event) => {
    const link = event.target.closest("a, button[data-embed-signout]");
    if (!link) return;
    if (link.matches("button[data-embed-signout]")) {
      setToken("");
      reload();
    } else if (link.matches(".sign-in-to-comment a, a.sign-in-vote")) {
      event.preventDefault();
      signIn();
    } else if (link.closest(".discussion-sort")) {
      event.preventDefault();
      sort = new URL(link.href).searchParams.get("sort") || "";
      reload();
    } else if (link.matches("[data-show-new]")) {
      event.preventDefault();
      sort = "newest";
      reload();
    } else if (link.matches("[data-load-in-place]")) {
      event.preventDefault();
      loadMore(link);
    } else if (link.matches("[data-reply-to]") && openReplyForm(link)) {
      event.preventDefault();
    }
  });
  root.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.matches("form.comment-form, form.vote")) return;
    event.preventDefault();
    send(form, event.submitter);
  });
  window.addEventListener("message", (event) => {
    if (event.origin !== hostOrigin || event.source !== window.parent) return;
    const data = event.data || {};
    if (data.type === `${PREFIX}theme` && (data.theme === "dark" || data.theme === "light")) {
      document.documentElement.dataset.theme = data.theme;
    }
  });
  // The host page sizes the frame to its content.
  const report = () => {
    const height = Math.ceil(root.getBoundingClientRect().height + root.offsetTop + 24);
    window.parent.postMessage({ type: `${PREFIX}height`, height }, hostOrigin);
  };
  new ResizeObserver(report).observe(root);
  setToken(token);
  if (token) reload();
  listen();
  document.documentElement.dataset.embedReady = "true";
}
