// Progressive enhancement only: the bar is in the page's HTML already. A page served from a
// browser or CDN cache may be a minute old, so fetch the small bar fragment (itself cached for
// ten seconds) and swap it in when the amount has moved.
const bar = document.querySelector(".funding-bar");
if (bar && window.fetch) {
  fetch("/support/bar", { credentials: "omit", headers: { Accept: "text/html" } })
    .then((response) => (response.ok ? response.text() : ""))
    .then((html) => {
      const fresh = new DOMParser().parseFromString(html, "text/html").querySelector(".funding-bar");
      if (fresh && fresh.outerHTML !== bar.outerHTML) bar.replaceWith(document.importNode(fresh, true));
    })
    .catch(() => {});
}
