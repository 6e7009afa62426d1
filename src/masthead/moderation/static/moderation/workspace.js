// Keyboard shortcuts for the moderation queue. Everything works without them: each key
// presses a button or ticks a box that is already in the page.
//   j / k  next / previous item        x  select for a bulk action
//   a      approve                     r  reject: type the reason, Enter sends it
//   f      feature / unfeature         d  open the item's details

const items = () => [...document.querySelectorAll("[data-moderation-item]")];
let current = -1;

function focusItem(index) {
  const list = items();
  if (!list.length) return;
  current = Math.max(0, Math.min(index, list.length - 1));
  list.forEach((item, i) => item.classList.toggle("is-current", i === current));
  list[current].focus({ preventScroll: false });
}

function press(action) {
  const item = items()[current];
  const button = item?.querySelector(`[data-moderation-action="${action}"]`);
  if (button) button.click();
}

function rejectWithReason() {
  // The reject (or remove) button comes first in each item's form, so Enter in the reason
  // field sends the rejection, with or without this script.
  items()[current]?.querySelector("[data-moderation-reason]")?.focus();
}

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target.closest("input, textarea, select, [contenteditable]")) return;
  const handlers = {
    j: () => focusItem(current + 1),
    k: () => focusItem(current - 1),
    a: () => press("approve"),
    f: () => press("feature"),
    r: rejectWithReason,
    x: () => {
      const box = items()[current]?.querySelector("[data-moderation-select]");
      if (box) box.checked = !box.checked;
    },
    d: () => items()[current]?.querySelector('a[href*="/item/"]')?.click(),
  };
  const handler = handlers[event.key];
  if (handler) {
    event.preventDefault();
    if (current < 0 && event.key !== "j" && event.key !== "k") focusItem(0);
    handler();
  }
});
