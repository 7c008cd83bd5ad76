/*
 * lws-common.js: helpers shared by the lws4j test server's pages.
 *
 * The names libwebsockets' own test pages use are kept as globals (lws_gray_out,
 * get_appropriate_ws_url, new_ws), so pages written for lws work here; the same functions, and
 * a few more, are on window.lws4j. Plain script, no framework, no outside resources.
 */
(function (global) {
  'use strict';

  var doc = global.document;

  /** Where a page opened from a file (a preview without a server) would find the test server. */
  var FALLBACK_HOST = 'localhost:7681';

  /**
   * The ws:// or wss:// URL for extra_url on the server that served this page: wss when the
   * page came over https. extra_url is a path ("/", "/?mirror=a") or "" for the root.
   */
  function get_appropriate_ws_url(extra_url) {
    var loc = global.location;
    var scheme = loc.protocol === 'https:' ? 'wss://' : 'ws://';
    var host = loc.host || FALLBACK_HOST;
    var path = extra_url ? String(extra_url) : '/';
    if (path.charAt(0) !== '/') {
      path = '/' + path;
    }
    return scheme + host + path;
  }

  /**
   * Opens a WebSocket to urlpath (a full ws:// URL) offering protocol, or returns null when the
   * browser has no WebSocket at all.
   */
  function new_ws(urlpath, protocol) {
    if (typeof global.WebSocket !== 'function') {
      return null;
    }
    return protocol ? new global.WebSocket(urlpath, protocol) : new global.WebSocket(urlpath);
  }

  // ---- greying the page out --------------------------------------------------------------------

  var OVERLAY_ID = 'lws-gray-out';
  var grayState = null; // { overlay, inerted: [elements], focus: element } while on

  /**
   * Greys the whole page out behind a translucent overlay (on = true), or takes the overlay away.
   * While it is on, the rest of the page cannot be reached by mouse, keyboard or screen reader.
   *
   * options (all optional):
   *   message  text shown in the middle of the overlay (default "Please wait…")
   *   zindex   stacking order (default 1000)
   *   opacity  of the overlay, 0..1 or 0..100 as lws's pages pass it (default 0.7)
   *   bgcolor  colour of the overlay (default "#000")
   * Calling it again while on updates the message and looks.
   */
  function lws_gray_out(on, options) {
    var opts = options || {};
    if (!on) {
      if (grayState) {
        grayState.overlay.hidden = true;
        grayState.inerted.forEach(function (el) {
          el.inert = false;
          el.removeAttribute('aria-hidden');
        });
        doc.body.removeAttribute('aria-busy');
        if (grayState.focus && typeof grayState.focus.focus === 'function') {
          grayState.focus.focus();
        }
        grayState = null;
      }
      return;
    }

    var overlay = doc.getElementById(OVERLAY_ID);
    if (!overlay) {
      overlay = doc.createElement('div');
      overlay.id = OVERLAY_ID;
      overlay.className = 'lws-gray-out';
      overlay.setAttribute('role', 'alert');
      overlay.setAttribute('aria-live', 'assertive');
      overlay.tabIndex = -1;
      var box = doc.createElement('div');
      box.className = 'lws-gray-out__message';
      overlay.appendChild(box);
      doc.body.appendChild(overlay);
    }

    var opacity = opts.opacity === undefined ? 0.7 : Number(opts.opacity);
    if (opacity > 1) {
      opacity = opacity / 100;
    }
    overlay.style.zIndex = String(opts.zindex === undefined ? 1000 : opts.zindex);
    overlay.style.setProperty('--lws-gray-bg', opts.bgcolor || '#000');
    overlay.style.setProperty('--lws-gray-opacity', String(Math.max(0, Math.min(1, opacity))));
    overlay.firstChild.textContent = opts.message === undefined ? 'Please wait\u2026' : String(opts.message);
    overlay.hidden = false;

    if (!grayState) {
      var inerted = [];
      Array.prototype.forEach.call(doc.body.children, function (el) {
        if (el !== overlay && !el.inert && el.tagName !== 'SCRIPT') {
          el.inert = true; // where supported; aria-hidden covers screen readers elsewhere
          el.setAttribute('aria-hidden', 'true');
          inerted.push(el);
        }
      });
      grayState = { overlay: overlay, inerted: inerted, focus: doc.activeElement };
      doc.body.setAttribute('aria-busy', 'true');
      overlay.focus();
    }
  }

  // ---- demo panels -----------------------------------------------------------------------------

  /**
   * Runs setup(panel, api) for the panel with data-demo="name" once the page is parsed (at once
   * if it already is, as it is for deferred scripts). One file per demo calls this (demos/*.js).
   */
  function demo(name, setup) {
    whenParsed(function () {
      var panel = doc.querySelector('[data-demo="' + name + '"]');
      if (!panel) {
        return;
      }
      try {
        setup(panel, api);
      } catch (e) {
        // One broken demo must not take the others with it.
        if (global.console) {
          global.console.error('lws4j demo ' + name + ' failed to start', e);
        }
      }
    });
  }

  /** Runs fn once the document is parsed. */
  function whenParsed(fn) {
    if (doc.readyState === 'loading') {
      doc.addEventListener('DOMContentLoaded', fn);
    } else {
      fn();
    }
  }

  /**
   * Shows a connection state in a panel's .status line: state is one of "pending", "connecting",
   * "open", "closed", "error"; text is what to say.
   */
  function setStatus(root, state, text) {
    var status = root.querySelector('.status');
    if (!status) {
      return;
    }
    status.setAttribute('data-state', state);
    var label = status.querySelector('.status__text');
    if (label) {
      label.textContent = text;
    }
  }

  /** The first element under root with data-role="role". */
  function part(root, role) {
    return root.querySelector('[data-role="' + role + '"]');
  }

  /**
   * Fills a <dl> with [term, value] pairs, as text (never as HTML: values may come from the
   * network).
   */
  function showFacts(dl, pairs) {
    while (dl.firstChild) {
      dl.removeChild(dl.firstChild);
    }
    pairs.forEach(function (pair) {
      var dt = doc.createElement('dt');
      dt.textContent = pair[0];
      var dd = doc.createElement('dd');
      dd.textContent = pair[1];
      dl.appendChild(dt);
      dl.appendChild(dd);
    });
  }

  /**
   * Fills in the URL a WebSocket panel (.ws-demo with data-path) connects to, where it shows it
   * (data-role="ws-url"). Returns the URL.
   */
  function wsUrlFor(card, query) {
    var url = get_appropriate_ws_url((card.getAttribute('data-path') || '/') + (query || ''));
    var shown = part(card, 'ws-url');
    if (shown) {
      shown.textContent = url;
    }
    return url;
  }

  // ---- sockets that come back ------------------------------------------------------------------

  /** Waits before reopening a lost socket: 0.5 s, then 1, 2, and 3 s at most. */
  var RETRY_MS = [500, 1000, 2000, 3000];

  /**
   * The page's lasting sockets (lws4j.socket with lasting: true). The page is greyed out while
   * none of them is open, as lws's test page greys itself out while its socket is closed: the
   * server is gone. A single protocol that cannot be had (its bundle stopped) only marks its own
   * panel, since the others still connect.
   */
  var lasting = [];
  var grayMessage = 'Connecting to the server\u2026';

  function updateGray() {
    if (!lasting.length) {
      return;
    }
    var anyOpen = lasting.some(function (s) { return s.isOpen(); });
    if (anyOpen) {
      lws_gray_out(false);
      doc.documentElement.removeAttribute('data-server');
    } else {
      lws_gray_out(true, { message: grayMessage, zindex: 499 });
      doc.documentElement.setAttribute('data-server', 'lost');
    }
  }

  /**
   * A WebSocket to the server that serves this page, for a demo panel. options:
   *   protocol   the subprotocol (required)
   *   url        a function returning the ws:// URL to open (called on every open)
   *   card       the panel's .ws-demo element: its status line follows the socket
   *   lasting    true: reopened whenever it closes (after RETRY_MS), and counted for the grey-out
   *   binary     'arraybuffer' to get binary messages as ArrayBuffers
   *   onopen(ws), onmessage(event), onclose(event, how): how is "page" when this page closed it
   *   (close(code, reason)), else "server"
   * Returns { open(), close(code, reason), send(data), isOpen(), socket() }.
   */
  function socket(options) {
    var ws = null;
    var timer = null;
    var attempt = 0;
    var closingByPage = false;
    var self = {
      open: open,
      close: close,
      send: send,
      isOpen: function () { return !!ws && ws.readyState === 1; },
      socket: function () { return ws; }
    };

    function status(state, text) {
      if (options.card) {
        setStatus(options.card, state, text);
        options.card.setAttribute('data-ws', state);
      }
    }

    function open() {
      clearTimeout(timer);
      timer = null;
      if (ws && ws.readyState <= 1) {
        return;
      }
      closingByPage = false;
      var url = options.url();
      status('connecting', 'Connecting to ' + url + '\u2026');
      try {
        ws = new_ws(url, options.protocol);
      } catch (e) {
        ws = null;
        status('error', 'Cannot open a WebSocket: ' + e.message);
        retry();
        return;
      }
      if (!ws) {
        status('error', 'This browser has no WebSocket');
        return;
      }
      if (options.binary) {
        ws.binaryType = options.binary;
      }
      var mine = ws;
      ws.onopen = function () {
        if (mine !== ws) {
          return;
        }
        attempt = 0;
        status('open', 'Open' + (ws.extensions ? ', with ' + ws.extensions : ''));
        updateGray();
        if (options.onopen) {
          options.onopen(ws);
        }
      };
      ws.onmessage = function (e) {
        if (mine === ws && options.onmessage) {
          options.onmessage(e);
        }
      };
      ws.onclose = function (e) {
        if (mine !== ws) {
          return;
        }
        var how = closingByPage ? 'page' : 'server';
        ws = null;
        status('closed', 'Closed: code ' + e.code + (e.reason ? ', reason \u201c' + e.reason + '\u201d' : ''));
        if (options.onclose) {
          options.onclose(e, how);
        }
        updateGray();
        if (options.lasting && !closingByPage) {
          retry();
        }
      };
    }

    function retry() {
      var wait = RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)];
      attempt++;
      clearTimeout(timer);
      timer = setTimeout(open, wait);
      if (options.card) {
        var label = options.card.querySelector('.status__text');
        if (label) {
          label.textContent += ' \u2014 trying again in ' + (wait / 1000) + ' s';
        }
      }
    }

    /** Closes from the page; a lasting socket stays closed until open() is called again. */
    function close(code, reason) {
      clearTimeout(timer);
      timer = null;
      if (ws) {
        closingByPage = true;
        ws.close(code, reason);
      }
    }

    function send(data) {
      if (!ws || ws.readyState !== 1) {
        return false;
      }
      ws.send(data);
      return true;
    }

    if (options.lasting) {
      lasting.push(self);
      if (lasting.length === 1) {
        // greyed out until the first lasting socket opens, as lws's pages start; after a short
        // grace, so a page whose sockets open at once does not flash
        setTimeout(updateGray, 300);
      }
    }
    return self;
  }

  var api = {
    wsUrl: get_appropriate_ws_url,
    newWs: new_ws,
    grayOut: lws_gray_out,
    demo: demo,
    whenParsed: whenParsed,
    setStatus: setStatus,
    part: part,
    showFacts: showFacts,
    wsUrlFor: wsUrlFor,
    socket: socket
  };

  global.lws4j = api;
  global.get_appropriate_ws_url = get_appropriate_ws_url;
  global.new_ws = new_ws;
  global.lws_gray_out = lws_gray_out;
}(window));
