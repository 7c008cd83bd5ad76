/*
 * Dumb Increment: a counter the server pushes 20 times a second (dumb-increment-protocol).
 * Waits for the WebSocket role: for now it shows the URL it will connect to.
 */
lws4j.demo('dumb-increment', function (panel, lws) {
  'use strict';
  lws.wsPlaceholder(panel.querySelector('.ws-demo'));
});
