/*
 * Mirror: a drawing board shared by every page in the same ?mirror= group (lws-mirror-protocol).
 *
 * The wire format is lws's test page's: a message is a run of commands, each ending in ";":
 *   d #rrggbb x1 y1 x2 y2;   a line segment
 *   c #rrggbb x y r;         a circle (what lws's test client draws)
 * in canvas pixels (this canvas is 720 x 320; lws's is 480 x 300, the test client's circles stay
 * within 512 x 256). Strokes are sent, not drawn: the server sends every message back to every
 * member of the group, this page included, and everything is drawn as it comes back.
 */
lws4j.demo('mirror', function (panel, lws) {
  'use strict';
  var card = panel.querySelector('.ws-demo');
  var canvas = lws.part(card, 'canvas');
  var ctx = canvas.getContext('2d');
  var groupInput = panel.querySelector('#mirror-group');
  var colour = panel.querySelector('#mirror-colour');
  var counts = lws.part(card, 'mirror-counts');
  var COLOUR = /^#[0-9a-fA-F]{6}$|^#[0-9a-fA-F]{3}$/;
  var FLUSH_AT = 400; // lws's page sends once this many characters wait
  var drawn = { d: 0, c: 0 };
  var sent = 0;
  var pending = '';
  var flushTimer = null;
  var last = null; // the pointer's last canvas position while drawing

  var query = new URLSearchParams(window.location.search);
  var group = query.get('mirror') || '';
  groupInput.value = group;

  var ws = lws.socket({
    protocol: 'lws-mirror-protocol',
    card: card,
    lasting: true,
    url: function () { return lws.wsUrlFor(card, '?mirror=' + encodeURIComponent(group)); },
    onmessage: function (e) {
      if (typeof e.data === 'string') {
        draw(e.data);
      }
    }
  });

  function showCounts() {
    counts.textContent = 'Drawn ' + drawn.d + ' segments and ' + drawn.c + ' circles from the server; sent ' +
      sent + ' messages.';
    canvas.setAttribute('data-segments', String(drawn.d));
    canvas.setAttribute('data-circles', String(drawn.c));
  }

  function draw(msg) {
    var cmds = msg.split(';');
    for (var i = 0; i < cmds.length; i++) {
      var w = cmds[i].trim().split(/\s+/);
      if (w[0] === 'd' && w.length === 6 && COLOUR.test(w[1])) {
        var n = w.slice(2).map(Number);
        if (n.every(isFinite)) {
          ctx.strokeStyle = w[1];
          ctx.beginPath();
          ctx.moveTo(n[0], n[1]);
          ctx.lineTo(n[2], n[3]);
          ctx.stroke();
          drawn.d++;
        }
      } else if (w[0] === 'c' && w.length === 5 && COLOUR.test(w[1])) {
        var c = w.slice(2).map(Number);
        if (c.every(isFinite) && c[2] >= 0) {
          ctx.strokeStyle = w[1];
          ctx.beginPath();
          ctx.arc(c[0], c[1], c[2], 0, Math.PI * 2, true);
          ctx.stroke();
          drawn.c++;
        }
      }
    }
    showCounts();
  }

  function flush() {
    clearTimeout(flushTimer);
    flushTimer = null;
    if (pending && ws.send(pending)) {
      sent++;
      showCounts();
    }
    pending = '';
  }

  /** The pointer's position in canvas pixels, whatever size the canvas is shown at. */
  function position(e) {
    var r = canvas.getBoundingClientRect();
    return {
      x: Math.round((e.clientX - r.left) * canvas.width / r.width),
      y: Math.round((e.clientY - r.top) * canvas.height / r.height)
    };
  }

  canvas.addEventListener('pointerdown', function (e) {
    if (e.button !== 0) {
      return;
    }
    canvas.setPointerCapture(e.pointerId);
    last = position(e);
    e.preventDefault();
  });
  canvas.addEventListener('pointermove', function (e) {
    if (!last) {
      return;
    }
    var p = position(e);
    if (p.x === last.x && p.y === last.y) {
      return;
    }
    pending += 'd ' + colour.value + ' ' + last.x + ' ' + last.y + ' ' + p.x + ' ' + p.y + ';';
    last = p;
    if (pending.length > FLUSH_AT) {
      flush();
    } else if (!flushTimer) {
      flushTimer = setTimeout(flush, 10);
    }
  });
  function end() {
    last = null;
    flush();
  }
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);

  ctx.lineWidth = 2;
  ctx.lineCap = 'round';

  lws.part(card, 'group-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var g = groupInput.value.trim();
    if (g === group && ws.isOpen()) {
      return;
    }
    group = g;
    // the page's own URL keeps the group, as lws's ?mirror= does, so a reload or a copied link joins it
    var q = new URLSearchParams(window.location.search);
    if (group) {
      q.set('mirror', group);
    } else {
      q.delete('mirror');
    }
    var qs = q.toString();
    history.replaceState(null, '', window.location.pathname + (qs ? '?' + qs : '') + window.location.hash);
    ws.close(1000, 'changing group');
    ws.open();
  });
  card.querySelector('[data-action="clear"]').addEventListener('click', function () {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
  });

  showCounts();
  ws.open();
});
