/* The web chat page's script: plain JS, no framework, no CDN. Messages (the citizen's and the bot's)
   arrive on one server-sent event stream, so the page shows what the server stored, in order; a
   returning visitor (session id kept in localStorage) gets the history replayed. */
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('chat-config').textContent);
  var S = config.strings;
  var KEY = 'pakn.webchat.session';
  var log = document.getElementById('chat-log');
  var choices = document.getElementById('chat-choices');
  var statusEl = document.getElementById('chat-status');
  var form = document.getElementById('chat-form');
  var input = document.getElementById('chat-input');
  var fileInput = document.getElementById('chat-file');
  var sessionId = null;
  var lastSeq = 0;
  var source = null;

  function fmt(s, params) {
    return String(s).replace(/\{\{(\w+)\}\}/g, function (_, k) {
      return params && params[k] != null ? params[k] : '';
    });
  }
  function setStatus(text) {
    statusEl.textContent = text;
  }
  function api(method, path, body) {
    var opts = { method: method, headers: {} };
    if (body instanceof FormData) opts.body = body;
    else if (body !== undefined) {
      opts.body = JSON.stringify(body);
      opts.headers['content-type'] = 'application/json';
    }
    return fetch('/api/webchat' + path, opts);
  }

  function render(m) {
    if (m.seq <= lastSeq) return;
    lastSeq = m.seq;
    var div = document.createElement('div');
    div.className = 'msg ' + (m.from === 'bot' ? 'bot' : 'user');
    var who = document.createElement('span');
    who.className = 'who';
    who.textContent = m.from === 'bot' ? S.bot : S.you;
    div.appendChild(who);
    if (m.text) div.appendChild(document.createTextNode(m.text));
    (m.files || []).forEach(function (name) {
      var f = document.createElement('span');
      f.textContent = '\n📎 ' + name;
      div.appendChild(f);
    });
    (m.images || []).forEach(function (img) {
      if (!/^data:image\//.test(img.src)) return;
      var el = document.createElement('img');
      el.src = img.src;
      el.alt = img.alt || S.captcha_alt;
      div.appendChild(el);
    });
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
    if (m.from === 'bot') showChoices(m.choices || []);
    else showChoices([]);
  }

  function showChoices(list) {
    choices.textContent = '';
    choices.hidden = list.length === 0;
    list.forEach(function (title) {
      var b = document.createElement('button');
      b.type = 'button';
      b.textContent = title;
      b.addEventListener('click', function () {
        send(title);
      });
      choices.appendChild(b);
    });
  }

  function connect() {
    if (source) source.close();
    source = new EventSource(
      '/api/webchat/sessions/' + encodeURIComponent(sessionId) + '/events?after=' + lastSeq,
    );
    source.addEventListener('open', function () {
      setStatus(S.connected);
    });
    source.addEventListener('message', function (e) {
      try {
        render(JSON.parse(e.data));
      } catch (err) {
        /* a malformed event is skipped */
      }
    });
    source.addEventListener('error', function () {
      setStatus(S.reconnecting);
      // EventSource reconnects by itself (sending Last-Event-ID); a gone session needs a new one.
      api('GET', '/sessions/' + encodeURIComponent(sessionId))
        .then(function (r) {
          if (r.status === 404) {
            setStatus(S.session_expired);
            newSession();
          }
        })
        .catch(function () {});
    });
  }

  function newSession() {
    lastSeq = 0;
    log.textContent = '';
    return api('POST', '/sessions', { locale: config.locale })
      .then(function (r) {
        return r.json();
      })
      .then(function (b) {
        sessionId = b.sessionId;
        try {
          localStorage.setItem(KEY, sessionId);
        } catch (e) {
          /* private mode: the session lasts this page */
        }
        connect();
      });
  }

  function start() {
    var saved = null;
    try {
      saved = localStorage.getItem(KEY);
    } catch (e) {
      saved = null;
    }
    if (!saved) return newSession();
    return api('GET', '/sessions/' + encodeURIComponent(saved)).then(function (r) {
      if (r.status !== 200) return newSession();
      sessionId = saved;
      connect();
    });
  }

  function clientId() {
    return Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
  }

  function send(text) {
    text = String(text).trim();
    if (!text || !sessionId) return;
    showChoices([]);
    var body = { text: text, clientMessageId: clientId() };
    var attempt = function (n) {
      return api('POST', '/sessions/' + encodeURIComponent(sessionId) + '/messages', body)
        .then(function (r) {
          if (r.status === 404) {
            setStatus(S.session_expired);
            return newSession();
          }
          if (!r.ok) throw new Error('HTTP ' + r.status);
        })
        .catch(function (err) {
          // The same clientMessageId makes a retry safe: the server runs it once.
          if (n < 2)
            return new Promise(function (res) {
              setTimeout(res, 1000);
            }).then(function () {
              return attempt(n + 1);
            });
          setStatus(S.send_failed);
          throw err;
        });
    };
    return attempt(0);
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var text = input.value;
    if (!text.trim()) return;
    input.value = '';
    send(text).catch(function () {
      input.value = text;
    });
    input.focus();
  });
  input.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event('submit'));
    }
  });
  fileInput.addEventListener('change', function () {
    var file = fileInput.files && fileInput.files[0];
    if (!file || !sessionId) return;
    if (file.size > config.maxFileBytes) {
      setStatus(fmt(S.upload_failed, { reason: S.file_too_large }));
      fileInput.value = '';
      return;
    }
    var fd = new FormData();
    fd.append('file', file, file.name);
    setStatus(S.uploading);
    api('POST', '/sessions/' + encodeURIComponent(sessionId) + '/files', fd)
      .then(function (r) {
        if (r.status === 413) throw new Error(S.file_too_large);
        if (!r.ok) throw new Error('HTTP ' + r.status);
        setStatus(fmt(S.uploaded, { name: file.name }));
      })
      .catch(function (err) {
        setStatus(fmt(S.upload_failed, { reason: err.message }));
      })
      .then(function () {
        fileInput.value = '';
      });
  });

  start().catch(function () {
    setStatus(S.reconnecting);
  });
})();
