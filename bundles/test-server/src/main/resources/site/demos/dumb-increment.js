/*
 * Dumb Increment: the counter dumb-increment-protocol pushes 20 times a second, "reset\n" to
 * zero it, and 9,000 bytes of junk (lws's page sends the same) that the server reads and ignores.
 * A lasting socket: reopened when it closes, and part of the page's grey-out.
 */
lws4j.demo('dumb-increment', function (panel, lws) {
  'use strict';
  var card = panel.querySelector('.ws-demo');
  var counter = lws.part(card, 'counter');
  var junkResult = lws.part(card, 'junk-result');
  var reset = card.querySelector('[data-action="reset"]');
  var junk = card.querySelector('[data-action="junk"]');
  var JUNK = new Array(9001).join('a');
  var junkSent = 0;

  var ws = lws.socket({
    protocol: 'dumb-increment-protocol',
    card: card,
    lasting: true,
    url: function () { return lws.wsUrlFor(card); },
    onopen: function () {
      reset.disabled = false;
      junk.disabled = false;
    },
    onmessage: function (e) {
      counter.textContent = String(e.data);
    },
    onclose: function () {
      reset.disabled = true;
      junk.disabled = true;
    }
  });

  reset.addEventListener('click', function () {
    ws.send('reset\n');
  });
  junk.addEventListener('click', function () {
    if (ws.send(JUNK)) {
      junkSent++;
      junkResult.textContent = junkSent + ' \u00d7 ' + JUNK.length.toLocaleString() + ' bytes of junk sent';
    }
  });
  ws.open();
});
