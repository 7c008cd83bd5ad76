/*
 * Close Testing: a dumb-increment-protocol connection of its own, closed from this page (3000
 * "Bye!") or by the server on request ("closeme\n": 1001 "Seeya"). Shows who closed, with what
 * code and reason, and logs each step. Not a lasting socket: it is never reopened by itself and
 * its closing never greys the page out.
 */
lws4j.demo('close-test', function (panel, lws) {
  'use strict';
  var card = panel.querySelector('.ws-demo');
  var log = lws.part(card, 'log');
  var by = lws.part(card, 'close-by');
  var code = lws.part(card, 'close-code');
  var reason = lws.part(card, 'close-reason');
  var buttons = {};
  ['open', 'close', 'closeme'].forEach(function (a) {
    buttons[a] = card.querySelector('[data-action="' + a + '"]');
  });
  var sentCode = 0;
  var sentReason = '';

  function note(text) {
    var li = document.createElement('li');
    li.textContent = new Date().toLocaleTimeString() + '  ' + text;
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
  }

  function enable(open) {
    buttons.open.disabled = open;
    buttons.close.disabled = !open;
    buttons.closeme.disabled = !open;
  }

  function quote(s) {
    return s ? '\u201c' + s + '\u201d' : '(none)';
  }

  var ws = lws.socket({
    protocol: 'dumb-increment-protocol',
    card: card,
    url: function () { return lws.wsUrlFor(card); },
    onopen: function (s) {
      enable(true);
      note('open' + (s.extensions ? ', with ' + s.extensions : ''));
    },
    onclose: function (e, how) {
      enable(false);
      card.setAttribute('data-closed-by', how);
      if (how === 'page') {
        // what the page sent; the event holds the server's answer (it echoes the code)
        by.textContent = 'this page';
        code.textContent = String(sentCode);
        reason.textContent = quote(sentReason);
        note('closed by this page with ' + sentCode + ' ' + quote(sentReason) + '; the server answered ' +
          e.code + (e.reason ? ' ' + quote(e.reason) : '') + (e.wasClean ? ', cleanly' : ', not cleanly'));
        lws.setStatus(card, 'closed', 'Closed by this page: code ' + sentCode + ', reason ' + quote(sentReason));
      } else {
        by.textContent = 'the server';
        code.textContent = String(e.code);
        reason.textContent = quote(e.reason);
        note('closed by the server with ' + e.code + ' ' + quote(e.reason) + (e.wasClean ? ', cleanly' : ', not cleanly'));
        lws.setStatus(card, 'closed', 'Closed by the server: code ' + e.code + ', reason ' + quote(e.reason));
      }
    }
  });

  buttons.open.addEventListener('click', function () {
    buttons.open.disabled = true;
    note('opening ' + lws.wsUrlFor(card));
    ws.open();
  });
  buttons.close.addEventListener('click', function () {
    sentCode = 3000;
    sentReason = 'Bye!';
    note('closing with 3000 \u201cBye!\u201d');
    ws.close(3000, 'Bye!');
  });
  buttons.closeme.addEventListener('click', function () {
    note('sending closeme\\n');
    ws.send('closeme\n');
  });
  lws.wsUrlFor(card);
});
