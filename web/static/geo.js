// The check-in form: fill latitude and longitude from the browser's position, when the user
// asks and allows it. Nothing is sent anywhere but in the form; the server checks the ranges.
(function () {
  "use strict";
  var box = document.getElementById("geo");
  var lat = document.getElementById("lat");
  var lon = document.getElementById("lon");
  if (!box || !lat || !lon || !("geolocation" in navigator)) {
    return;
  }
  var status = document.getElementById("geo-status");
  box.hidden = false;
  document.getElementById("geo-fill").addEventListener("click", function () {
    status.textContent = box.dataset.asking;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        lat.value = position.coords.latitude.toFixed(5);
        lon.value = position.coords.longitude.toFixed(5);
        status.textContent = box.dataset.done;
      },
      function () {
        status.textContent = box.dataset.failed;
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  });
})();
