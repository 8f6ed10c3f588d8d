// Type-ahead for the search box: entity names from /search/suggest, in any script.
(function () {
  "use strict";
  const input = document.getElementById("prkg-q");
  const list = document.getElementById("prkg-suggest-list");
  if (!input || !list) return;
  input.removeAttribute("list");
  let timer = null;
  let latest = 0;
  function show(items) {
    list.replaceChildren();
    for (const item of items) {
      const li = document.createElement("li");
      li.setAttribute("role", "option");
      const a = document.createElement("a");
      a.href = item.href;
      a.textContent = item.label;
      const meta = document.createElement("span");
      meta.className = "muted";
      meta.textContent = " " + item.classes.join(", ") + (item.dates.length ? " · " + item.dates[0] : "");
      li.append(a, meta);
      list.append(li);
    }
    list.hidden = items.length === 0;
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    const text = input.value.trim();
    if (text.length < 2) { show([]); return; }
    timer = setTimeout(async function () {
      const ticket = ++latest;
      const response = await fetch("/search/suggest?q=" + encodeURIComponent(text));
      if (!response.ok || ticket !== latest) return;
      show(await response.json());
    }, 120);
  });
  input.addEventListener("keydown", function (event) {
    const first = list.querySelector("a");
    if (event.key === "ArrowDown" && first) { event.preventDefault(); first.focus(); }
  });
})();
