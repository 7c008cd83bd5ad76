/*
 * Server Info: what the lws-status protocol reports (waits for the WebSocket role), and next to
 * it what this browser knows about the connection.
 */
lws4j.demo('server-info', function (panel, lws) {
  'use strict';
  lws.wsPlaceholder(panel.querySelector('.ws-demo'));

  var loc = window.location;
  lws.showFacts(lws.part(panel, 'browser-facts'), [
    ['Page', loc.href],
    ['Served over', loc.protocol === 'https:' ? 'HTTPS (TLS)' : loc.protocol === 'http:' ? 'HTTP' : loc.protocol],
    ['WebSocket URL', lws.wsUrl('/')],
    ['WebSocket in this browser', typeof window.WebSocket === 'function' ? 'yes' : 'no'],
    ['Secure context', window.isSecureContext ? 'yes' : 'no'],
    ['Browser', navigator.userAgent]
  ]);
});
