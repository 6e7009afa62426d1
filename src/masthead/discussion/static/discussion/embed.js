/* Masthead discussion loader for other sites. Usage:
 *   <div data-masthead-discussion data-url="https://blog.example.org/post"></div>
 *   <script src="https://NEWSROOM/static/discussion/embed.js" async></script>
 * Sets no cookies. The frame reports its height; messages are checked by origin and source. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) return;
  var masthead = new URL(script.src).origin;
  var PREFIX = "masthead:embed:";

  function hostTheme(holder) {
    var own = holder.getAttribute("data-theme") || document.documentElement.getAttribute("data-theme");
    if (own === "dark" || own === "light") return own;
    if (document.documentElement.classList.contains("dark")) return "dark";
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  function mount(holder) {
    if (holder.getAttribute("data-masthead-mounted")) return;
    holder.setAttribute("data-masthead-mounted", "true");
    var page = new URL(holder.getAttribute("data-url") || window.location.href, window.location.href);
    page.hash = "";
    var src = new URL("/discussion/embed/frame", masthead);
    src.searchParams.set("url", page.href);
    src.searchParams.set("title", holder.getAttribute("data-title") || document.title || "");
    src.searchParams.set("theme", hostTheme(holder));
    var frame = document.createElement("iframe");
    frame.src = src.href;
    frame.title = "Discussion";
    frame.setAttribute("loading", "lazy");
    frame.setAttribute("scrolling", "no");
    frame.style.width = "100%";
    frame.style.border = "0";
    frame.style.height = "480px";
    frame.style.colorScheme = "normal";
    holder.textContent = "";
    holder.appendChild(frame);

    window.addEventListener("message", function (event) {
      if (event.origin !== masthead || event.source !== frame.contentWindow) return;
      var data = event.data || {};
      if (data.type === PREFIX + "height" && typeof data.height === "number" && data.height > 0) {
        frame.style.height = Math.min(Math.ceil(data.height), 100000) + "px";
      }
    });
    if (window.matchMedia && !holder.getAttribute("data-theme")) {
      window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", function () {
        frame.contentWindow.postMessage({ type: PREFIX + "theme", theme: hostTheme(holder) }, masthead);
      });
    }
  }

  var holders = document.querySelectorAll("[data-masthead-discussion]");
  if (!holders.length) {
    var made = document.createElement("div");
    made.setAttribute("data-masthead-discussion", "");
    script.parentNode.insertBefore(made, script.nextSibling);
    holders = [made];
  }
  for (var i = 0; i < holders.length; i++) mount(holders[i]);
})();
