// prkg query UI: YASGUI pointed at our /sparql, with the examples gallery.
// Configuration comes from the page as JSON (no inline code, no CDN).
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("prkg-config").textContent);
  var el = document.getElementById("yasgui");
  if (typeof Yasgui === "undefined" || !el) { return; }
  Yasgui.defaults.requestConfig.endpoint = cfg.endpoint;
  var yasgui = new Yasgui(el, {
    requestConfig: { endpoint: cfg.endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: cfg.endpoint }]; }
    },
    persistenceId: "prkg-yasgui",
    populateFromUrl: true,
    yasqe: { value: cfg.defaultQuery }
  });
  window.prkgYasgui = yasgui;
  var tab = yasgui.getTab();
  if (cfg.query && tab && tab.getQuery() !== cfg.query) { tab.setQuery(cfg.query); }
  if (tab && !tab.getQuery().trim()) { tab.setQuery(cfg.defaultQuery); }
  var buttons = document.querySelectorAll("#gallery button.load");
  Array.prototype.forEach.call(buttons, function (button) {
    button.addEventListener("click", function () {
      var item = cfg.gallery[Number(button.getAttribute("data-index"))];
      var current = yasgui.getTab();
      current.setQuery(item.query);
      current.query();
      el.scrollIntoView();
    });
  });
})();
