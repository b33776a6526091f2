// The zone map: Leaflet over the operator's tile service, a marker per place in the
// #map-markers JSON (templates/includes/map.html). Loaded only when a tile service is
// configured; the same places are listed beside the map for keyboard and screen-reader users.
(function () {
  "use strict";

  function popupFor(place) {
    // Built as elements, never as HTML text: names and addresses are editors' content.
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = place.url;
    link.textContent = place.name;
    if (place.lang) link.lang = place.lang;
    box.appendChild(link);
    if (place.address) {
      var address = document.createElement("p");
      address.textContent = place.address;
      if (place.address_lang) address.lang = place.address_lang;
      box.appendChild(address);
    }
    return box;
  }

  function draw() {
    var element = document.getElementById("map");
    var data = document.getElementById("map-markers");
    if (!element || !data || !window.L || element.dataset.drawn) return;
    element.dataset.drawn = "true";
    var places = JSON.parse(data.textContent);
    L.Icon.Default.imagePath = element.dataset.iconPath;
    var maxZoom = parseInt(element.dataset.maxZoom, 10) || 18;
    var map = L.map(element, { scrollWheelZoom: false, zoomControl: false });
    L.control
      .zoom({ zoomInTitle: element.dataset.zoomIn, zoomOutTitle: element.dataset.zoomOut })
      .addTo(map);
    L.tileLayer(element.dataset.tilesUrl, {
      attribution: element.dataset.attribution,
      maxZoom: maxZoom,
    }).addTo(map);
    var opened = null; // the marker whose popup is open
    var points = places.map(function (place) {
      var point = [place.lat, place.lng];
      var marker = L.marker(point, { title: place.name, alt: place.name, keyboard: true })
        .bindPopup(popupFor(place))
        .addTo(map);
      marker.on("popupopen", function () { opened = marker; });
      marker.on("popupclose", function () { if (opened === marker) opened = null; });
      return point;
    });
    // Leaflet closes a popup on Escape only while the map itself has the focus. On a marker or
    // in its popup, Escape closes it too, and the focus goes back to the marker.
    element.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || !opened || event.target === element) return;
      var marker = opened;
      marker.closePopup();
      marker.getElement().focus();
    });
    map.fitBounds(points, { padding: [32, 32], maxZoom: Math.min(12, maxZoom) });
  }

  document.addEventListener("DOMContentLoaded", draw);
  // The zone list's filters replace its results, map included, in place (htmx).
  document.addEventListener("htmx:afterSettle", draw);
})();
