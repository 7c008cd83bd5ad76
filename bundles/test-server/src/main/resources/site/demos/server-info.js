/*
 * Server Info: what lws-status pushes (the server, every connection, who watches), as a live
 * table and a small chart of connections and WebSocket messages per second over the last five
 * minutes, sampled once a
 * second from the latest report. Next to it, what this browser knows of the page.
 *
 * lws-status sends its JSON when something changes (at most ten times a second), so a quiet
 * server sends nothing: the chart then repeats the last count and shows no traffic. Every value
 * from the server is shown as text, never as HTML.
 */
lws4j.demo('server-info', function (panel, lws) {
  'use strict';
  var card = panel.querySelector('.ws-demo');
  var facts = lws.part(card, 'server-facts');
  var tbody = lws.part(card, 'conns').querySelector('tbody');
  var count = lws.part(card, 'conns-count');
  var viewers = lws.part(card, 'viewers');
  var chart = lws.part(card, 'chart');
  var SAMPLES = 300;
  var latest = null;      // the last report
  var receivedAt = 0;     // when it came (this clock)
  var reports = 0;
  var samples = [];       // { conns, mps } or null while nothing is known, one a second
  var lastMessages = null;
  var lastSampleAt = 0;

  var ws = lws.socket({
    protocol: 'lws-status',
    card: card,
    lasting: true,
    url: function () { return lws.wsUrlFor(card); },
    onmessage: function (e) {
      var j;
      try {
        j = JSON.parse(e.data);
      } catch (err) {
        return;
      }
      latest = j;
      receivedAt = Date.now();
      reports++;
      card.setAttribute('data-reports', String(reports));
      render();
    },
    onclose: function () {
      latest = null;
      lastMessages = null;
    }
  });

  function duration(ms) {
    var s = Math.floor(ms / 1000);
    if (s < 60) {
      return s + ' s';
    }
    var m = Math.floor(s / 60);
    if (m < 60) {
      return m + ' min ' + (s % 60) + ' s';
    }
    var h = Math.floor(m / 60);
    return h < 48 ? h + ' h ' + (m % 60) + ' min' : Math.floor(h / 24) + ' days ' + (h % 24) + ' h';
  }

  function bytes(n) {
    if (n < 10240) {
      return n + ' B';
    }
    if (n < 10485760) {
      return (n / 1024).toFixed(1) + ' KiB';
    }
    return (n / 1048576).toFixed(1) + ' MiB';
  }

  function cell(tr, text, cls) {
    var td = document.createElement('td');
    td.textContent = text;
    if (cls) {
      td.className = cls;
    }
    tr.appendChild(td);
  }

  /** The limits in force, as the config names them: "max-http-body 64.0 MiB, timeout-secs 20, ...". */
  function limitsText(limits) {
    if (!limits) {
      return '?';
    }
    return Object.keys(limits).map(function (k) {
      var v = limits[k];
      var sized = /-(size|body|data)$/.test(k);
      return k + ' ' + (sized ? bytes(v) : String(v));
    }).join(', ');
  }

  /** Connections parked over a protocol update (handoff), by protocol; "none" between updates. */
  function handoffText(c) {
    var parked = c && c.parked ? c.parked : {};
    var names = Object.keys(parked);
    if (!c || !c.handoff_in_progress || names.length === 0) {
      return 'none in progress';
    }
    return 'in progress: ' + names.map(function (p) {
      return parked[p] + ' ' + p + ' connection(s) parked';
    }).join(', ');
  }

  /** The group broker carrying broadcast groups to other nodes: "none (this node only)" without one. */
  function brokerText(b) {
    if (!b || b.state === 'none') {
      return 'none (groups deliver on this node only)';
    }
    return b.state + ': ' + b.detail;
  }

  function render() {
    if (!latest) {
      return;
    }
    var j = latest;
    var s = j.server || {};
    var since = Date.now() - receivedAt; // how old the report is
    var byRole = s.connections && s.connections.by_role ? s.connections.by_role : {};
    lws.showFacts(facts, [
      ['Server', (s.name || '?') + ' ' + (s.version || j.version || '')],
      ['Host name', j.hostname || '?'],
      ['Up for', duration((s.uptime_ms || 0) + since)],
      ['Service threads', String(s.threads)],
      ['Vhosts', (s.vhosts || []).map(function (v) {
        return v.name + ' :' + v.port + (v.tls ? ' (TLS)' : '');
      }).join(', ')],
      ['Connections', (s.connections ? s.connections.total : 0) + ' (' + Object.keys(byRole).map(function (r) {
        return byRole[r] + ' ' + r;
      }).join(', ') + ')'],
      ['Handoff', handoffText(s.connections)],
      ['Group broker', brokerText(s.group_broker)],
      ['Limits', limitsText(s.limits)],
      ['Reports received', String(reports)]
    ]);

    var rows = document.createDocumentFragment();
    (j.connections || []).forEach(function (c) {
      var tr = document.createElement('tr');
      tr.setAttribute('data-protocol', c.protocol || '');
      cell(tr, String(c.id));
      cell(tr, c.vhost || '\u2013');
      cell(tr, c.protocol || '\u2013');
      cell(tr, c.role + (c.client ? ' (client)' : '') + (c.tls ? ', TLS' : ''));
      cell(tr, c.peer || '\u2013');
      cell(tr, duration(c.age_ms + since));
      cell(tr, bytes(c.bytes_in), 'num');
      cell(tr, bytes(c.bytes_out), 'num');
      rows.appendChild(tr);
    });
    tbody.replaceChildren(rows);
    count.textContent = '(' + (s.connections ? s.connections.total : 0) +
      (j.omitted ? ', ' + j.omitted + ' not listed' : '') + ')';

    var list = document.createDocumentFragment();
    (j.conns || []).forEach(function (v) {
      var li = document.createElement('li');
      li.textContent = v.peer + ', since ' + new Date(parseInt(v.time, 10) * 1000).toLocaleTimeString() + ': ' + v.ua;
      list.appendChild(li);
    });
    viewers.replaceChildren(list);
  }

  /** One sample a second: the connection count, and the messages per second since the last sample. */
  function sample() {
    var now = Date.now();
    var point = null;
    if (latest && latest.server) {
      var t = latest.server.traffic || {};
      var total = (t.messages_in || 0) + (t.messages_out || 0);
      var mps = 0;
      if (lastMessages !== null && total >= lastMessages && lastSampleAt) {
        mps = (total - lastMessages) / Math.max(0.001, (now - lastSampleAt) / 1000);
      }
      lastMessages = total;
      point = { conns: latest.server.connections ? latest.server.connections.total : 0, mps: mps };
    }
    lastSampleAt = now;
    samples.push(point);
    if (samples.length > SAMPLES) {
      samples.shift();
    }
    drawChart();
    render(); // ages and uptime move on
  }

  /** A round number at least n, for an axis. */
  function niceMax(n) {
    var steps = [1, 2, 5];
    var scale = 1;
    while (true) {
      for (var i = 0; i < steps.length; i++) {
        if (steps[i] * scale >= n) {
          return steps[i] * scale;
        }
      }
      scale *= 10;
    }
  }

  function drawChart() {
    var g = chart.getContext('2d');
    var css = getComputedStyle(document.documentElement);
    var fg = css.getPropertyValue('--fg-muted').trim() || '#57606a';
    var line = css.getPropertyValue('--line').trim() || '#d8dee4';
    var connsColour = css.getPropertyValue('--accent').trim() || '#0b6bcb';
    var rateColour = '#e8590c';
    var W = chart.width;
    var H = chart.height;
    var L = 44;
    var R = 56;
    var T = 10;
    var B = 22;
    g.clearRect(0, 0, W, H);
    var maxConns = 1;
    var maxRate = 1;
    samples.forEach(function (p) {
      if (p) {
        maxConns = Math.max(maxConns, p.conns);
        maxRate = Math.max(maxRate, p.mps);
      }
    });
    maxConns = niceMax(maxConns);
    maxRate = niceMax(maxRate);
    g.font = '11px system-ui, sans-serif';
    g.lineWidth = 1;
    g.strokeStyle = line;
    g.fillStyle = fg;
    for (var k = 0; k <= 4; k++) {
      var y = T + (H - T - B) * k / 4;
      g.beginPath();
      g.moveTo(L, y + 0.5);
      g.lineTo(W - R, y + 0.5);
      g.stroke();
      g.textAlign = 'right';
      g.fillText(String(Math.round(maxConns * (4 - k) / 4)), L - 6, y + 4);
      g.textAlign = 'left';
      var r = maxRate * (4 - k) / 4;
      g.fillText(r >= 10 ? String(Math.round(r)) : r.toFixed(1), W - R + 6, y + 4);
    }
    g.textAlign = 'center';
    g.fillText('\u2212' + SAMPLES / 60 + ' min', L + 14, H - 6);
    g.fillText('now', W - R - 10, H - 6);

    function plot(value, max, colour) {
      var dx = (W - L - R) / (SAMPLES - 1);
      var x0 = W - R - dx * (samples.length - 1);
      g.strokeStyle = colour;
      g.lineWidth = 2;
      g.beginPath();
      var pen = false;
      samples.forEach(function (p, i) {
        if (!p) {
          pen = false;
          return;
        }
        var x = x0 + dx * i;
        var y = T + (H - T - B) * (1 - value(p) / max);
        if (pen) {
          g.lineTo(x, y);
        } else {
          g.moveTo(x, y);
          pen = true;
        }
      });
      g.stroke();
    }
    plot(function (p) { return p.mps; }, maxRate, rateColour);
    plot(function (p) { return p.conns; }, maxConns, connsColour);
    chart.setAttribute('data-samples', String(samples.filter(Boolean).length));
  }

  var loc = window.location;
  lws.showFacts(lws.part(panel, 'browser-facts'), [
    ['Page', loc.href],
    ['Served over', loc.protocol === 'https:' ? 'HTTPS (TLS)' : loc.protocol === 'http:' ? 'HTTP' : loc.protocol],
    ['WebSocket URL', lws.wsUrl('/')],
    ['Secure context', window.isSecureContext ? 'yes' : 'no'],
    ['Browser', navigator.userAgent]
  ]);

  setInterval(sample, 1000);
  drawChart();
  ws.open();
});
