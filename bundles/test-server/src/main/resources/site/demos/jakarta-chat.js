/*
 * Jakarta Chat: a room of the jakarta-chat-example bundle's @ServerEndpoint("/chat/{room}").
 * Messages go out as {"from": name, "text": ...}; each one the server broadcasts to the room
 * (this page's own included) is shown with its sender and time. A lasting socket: reopened when it
 * closes (an update of the bundle closes it with 1001), and part of the page's grey-out.
 */
lws4j.demo('jakarta-chat', function (panel, lws) {
  'use strict';
  var card = panel.querySelector('.ws-demo');
  var log = lws.part(card, 'log');
  var roomForm = lws.part(card, 'room-form');
  var sendForm = lws.part(card, 'send-form');
  var send = card.querySelector('[data-action="send"]');
  var room = 'lobby';

  function line(text, cls) {
    var li = document.createElement('li');
    if (cls) {
      li.className = cls;
    }
    li.textContent = text;
    log.appendChild(li);
    while (log.children.length > 200) {
      log.removeChild(log.firstChild);
    }
    log.scrollTop = log.scrollHeight;
  }

  function path() {
    return '/chat/' + encodeURIComponent(room);
  }

  var ws = lws.socket({
    card: card,
    lasting: true,
    url: function () {
      card.setAttribute('data-path', path());
      return lws.wsUrlFor(card);
    },
    onopen: function () {
      send.disabled = false;
      line('joined room ' + room);
    },
    onmessage: function (e) {
      var m;
      try {
        m = JSON.parse(e.data);
      } catch (err) {
        line(String(e.data));
        return;
      }
      line(new Date(m.time).toLocaleTimeString() + '  ' + m.from + ': ' + m.text);
    },
    onclose: function (e) {
      send.disabled = true;
      line('left room ' + room + ' (' + e.code + (e.reason ? ' ' + e.reason : '') + ')');
    }
  });

  roomForm.addEventListener('submit', function (e) {
    e.preventDefault();
    var next = roomForm.elements.room.value.trim() || 'lobby';
    if (next !== room || !ws.isOpen()) {
      room = next;
      ws.close(1000, 'changing rooms');
      ws.open();
    }
  });
  sendForm.addEventListener('submit', function (e) {
    e.preventDefault();
    var text = sendForm.elements.text.value;
    if (!text) {
      return;
    }
    var msg = { text: text };
    var name = roomForm.elements.name.value.trim();
    if (name) {
      msg.from = name;
    }
    if (ws.send(JSON.stringify(msg))) {
      sendForm.elements.text.value = '';
    }
  });
  ws.open();
});
