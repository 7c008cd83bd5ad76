/*
 * Big picture: times a download of big-picture.png (over 1 MiB), greying the page out while it
 * runs, which is also a small demonstration of lws_gray_out().
 */
lws4j.demo('big-picture', function (panel, lws) {
  'use strict';
  var button = panel.querySelector('[data-action="time"]');
  var result = lws.part(panel, 'time-result');

  button.addEventListener('click', function () {
    var started = performance.now();
    lws.grayOut(true, { message: 'Downloading big-picture.png\u2026' });
    fetch('big-picture.png', { cache: 'no-store' }).then(function (response) {
      if (!response.ok) {
        throw new Error('HTTP ' + response.status);
      }
      return response.arrayBuffer();
    }).then(function (data) {
      var ms = Math.max(1, performance.now() - started);
      var mib = data.byteLength / 1048576;
      result.textContent = data.byteLength.toLocaleString() + ' bytes (' + mib.toFixed(2) + ' MiB) in ' +
        Math.round(ms) + ' ms: ' + (mib / (ms / 1000)).toFixed(1) + ' MiB/s.';
    }).catch(function (e) {
      result.textContent = 'The download failed: ' + e.message;
    }).then(function () {
      lws.grayOut(false);
    });
  });
});
