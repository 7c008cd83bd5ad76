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
   * Wires a WebSocket panel (.ws-demo with data-protocol and data-path) that waits for the
   * WebSocket role: fills in the URL it will use and says so in its status line. Returns the URL.
   */
  function wsPlaceholder(card, query) {
    var url = get_appropriate_ws_url((card.getAttribute('data-path') || '/') + (query || ''));
    var shown = part(card, 'ws-url');
    if (shown) {
      shown.textContent = url;
    }
    setStatus(card, 'pending', 'Coming with the WebSocket role');
    return url;
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
    wsPlaceholder: wsPlaceholder
  };

  global.lws4j = api;
  global.get_appropriate_ws_url = get_appropriate_ws_url;
  global.new_ws = new_ws;
  global.lws_gray_out = lws_gray_out;
}(window));
