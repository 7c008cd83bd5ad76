/*
 * Mirror: a drawing board shared by every page in the same ?mirror= group (lws-mirror-protocol).
 * Waits for the WebSocket role: for now it shows the URL it will connect to, which follows the
 * group field.
 */
lws4j.demo('mirror', function (panel, lws) {
  'use strict';
  var card = panel.querySelector('.ws-demo');
  var group = panel.querySelector('#mirror-group');

  function showUrl() {
    lws.wsPlaceholder(card, '?mirror=' + encodeURIComponent(group.value));
  }

  group.addEventListener('input', showUrl);
  showUrl();
});
