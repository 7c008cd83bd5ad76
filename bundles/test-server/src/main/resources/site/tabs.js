/*
 * tabs.js: turns the page's list of section links into a tab strip (WAI-ARIA tabs pattern).
 *
 * Without script the links jump to sections that are all shown. With it, one section shows at a
 * time; the URL fragment names it, so links, reloads and the back button keep working. Arrow
 * keys, Home and End move between tabs, as screen reader users expect of a tablist.
 */
(function (global) {
  'use strict';

  var doc = global.document;

  function setUp() {
    var list = doc.querySelector('.tabs__list');
    if (!list) {
      return;
    }
    var tabs = Array.prototype.slice.call(list.querySelectorAll('.tabs__tab'));
    var panels = tabs.map(function (tab) {
      return doc.getElementById(tab.getAttribute('href').slice(1));
    });

    list.setAttribute('role', 'tablist');
    tabs.forEach(function (tab, i) {
      var id = panels[i].id;
      tab.parentNode.setAttribute('role', 'presentation');
      tab.setAttribute('role', 'tab');
      tab.id = 'tab-' + id;
      tab.setAttribute('aria-controls', id);
      panels[i].setAttribute('role', 'tabpanel');
      panels[i].setAttribute('aria-labelledby', tab.id);

      tab.addEventListener('click', function (e) {
        e.preventDefault();
        select(i, true);
      });
      tab.addEventListener('keydown', function (e) {
        var next = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1,
                     Home: 0, End: tabs.length - 1 }[e.key];
        if (next === undefined) {
          return;
        }
        e.preventDefault();
        var to = (next + tabs.length) % tabs.length;
        select(to, true);
        tabs[to].focus();
      });
    });

    function indexOfHash() {
      var id = decodeURIComponent(global.location.hash.slice(1));
      for (var i = 0; i < panels.length; i++) {
        if (panels[i].id === id) {
          return i;
        }
      }
      return -1;
    }

    function select(index, remember) {
      tabs.forEach(function (tab, i) {
        var on = i === index;
        tab.setAttribute('aria-selected', on ? 'true' : 'false');
        tab.tabIndex = on ? 0 : -1;
        panels[i].hidden = !on;
      });
      if (remember && global.history && global.history.replaceState) {
        // replaceState: switching tabs should not fill the history; links to #x still add to it.
        global.history.replaceState(null, '', '#' + panels[index].id);
      }
      doc.dispatchEvent(new global.CustomEvent('lws4j:tab', { detail: { id: panels[index].id } }));
    }

    global.addEventListener('hashchange', function () {
      var i = indexOfHash();
      if (i >= 0) {
        select(i, false);
      }
    });

    doc.documentElement.classList.add('has-tabs');
    var first = indexOfHash();
    select(first >= 0 ? first : 0, false);
  }

  if (doc.readyState === 'loading') {
    doc.addEventListener('DOMContentLoaded', setUp);
  } else {
    setUp();
  }
}(window));
