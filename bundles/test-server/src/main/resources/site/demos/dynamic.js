/*
 * Dynamic content: fetches /dyn/hello?x=1 from script and shows what came back, to see the
 * lws4j-dynamic protocol's headers without leaving the page.
 */
lws4j.demo('dynamic', function (panel, lws) {
  'use strict';
  var button = panel.querySelector('[data-action="fetch"]');
  var result = lws.part(panel, 'fetch-result');

  button.addEventListener('click', function () {
    var started = performance.now();
    button.disabled = true;
    lws.showFacts(result, [['Status', 'Fetching\u2026']]);
    fetch('/dyn/hello?x=1&from=script', { cache: 'no-store' }).then(function (response) {
      return response.text().then(function (text) {
        // Parsed, never inserted: only the heading's text is read out of it.
        var page = new DOMParser().parseFromString(text, 'text/html');
        var h1 = page.querySelector('h1');
        lws.showFacts(result, [
          ['Status', response.status + ' ' + response.statusText],
          ['X-Lws4j-Dynamic', response.headers.get('X-Lws4j-Dynamic') || '(absent)'],
          ['Content-Type', response.headers.get('Content-Type') || '(absent)'],
          ['Length', new Blob([text]).size + ' bytes'],
          ['Heading', h1 ? h1.textContent : '(none)'],
          ['Time', Math.round(performance.now() - started) + ' ms']
        ]);
      });
    }).catch(function (e) {
      lws.showFacts(result, [['Status', 'Failed: ' + e.message]]);
    }).then(function () {
      button.disabled = false;
    });
  });
});
