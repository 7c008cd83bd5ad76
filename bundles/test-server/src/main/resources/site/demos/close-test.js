/*
 * Close Testing: opens a dumb-increment-protocol connection and closes it from either side,
 * logging the code and reason each side reports. Waits for the WebSocket role.
 */
lws4j.demo('close-test', function (panel, lws) {
  'use strict';
  var card = panel.querySelector('.ws-demo');
  var url = lws.wsPlaceholder(card);
  var item = document.createElement('li');
  item.textContent = 'Will connect to ' + url + ' once the server speaks WebSocket.';
  lws.part(card, 'log').appendChild(item);
});
