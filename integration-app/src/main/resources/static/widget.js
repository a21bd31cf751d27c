/*!
 * CustArea chat widget: a launcher and a chat panel in a Shadow DOM (the host page's CSS cannot reach it), talking
 * to a CustArea server's /api/widget. No dependencies. Paste one tag:
 *   <script src="https://support.example.com/widget.js" data-widget-key="WIDGET-KEY" defer></script>
 * or call CustArea.init({widgetKey, baseUrl}) yourself. The JavaScript API: init, setUser, setCustomAttributes,
 * open, close, toggle, reset.
 */
(function (window, document) {
  'use strict';
  if (window.CustArea && window.CustArea.version) {
    return;
  }

  var VERSION = '1';
  // the team's tool resends typing every few seconds while someone types: a signal this old is a lost stop
  var TYPING_MS = 30000;
  var MAX_BACKOFF_MS = 10000;
  var MAX_STREAM_FAILURES = 5;
  var POLL_MS = 5000;
  var currentScript = document.currentScript;

  var STYLE = [
    ':host{all:initial;position:fixed;right:20px;bottom:20px;z-index:2147483000;',
    'font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;--ca-color:#1f6feb}',
    '*{box-sizing:border-box}',
    'button{font:inherit;cursor:pointer}',
    ':focus-visible{outline:3px solid #9ec5ff;outline-offset:2px}',
    '.ca-launcher{width:56px;height:56px;border-radius:50%;border:0;background:var(--ca-color);color:#fff;',
    'box-shadow:0 4px 14px rgba(0,0,0,.25);display:flex;align-items:center;justify-content:center}',
    '.ca-launcher svg{width:26px;height:26px;fill:currentColor}',
    '.ca-panel{position:absolute;right:0;bottom:72px;width:360px;height:520px;max-height:calc(100vh - 110px);',
    'background:#fff;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.25);display:flex;flex-direction:column;',
    'overflow:hidden}',
    '.ca-panel[hidden]{display:none}',
    '.ca-header{background:var(--ca-color);color:#fff;padding:12px 14px;display:flex;align-items:flex-start;gap:8px}',
    '.ca-title{margin:0;font-size:16px;font-weight:600}',
    '.ca-subtitle{margin:2px 0 0;font-size:12px;opacity:.9}',
    '.ca-close{margin-left:auto;background:transparent;border:0;color:#fff;font-size:22px;line-height:1;padding:2px 6px}',
    '.ca-log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f6f8fa}',
    '.ca-message{max-width:80%;padding:8px 10px;border-radius:10px;white-space:pre-wrap;word-wrap:break-word}',
    '.ca-out{align-self:flex-start;background:#fff;border:1px solid #d0d7de}',
    '.ca-in{align-self:flex-end;background:var(--ca-color);color:#fff}',
    '.ca-status{display:block;font-size:11px;opacity:.8;margin-top:2px;text-align:right}',
    '.ca-failed{background:#cf222e}',
    '.ca-typing{align-self:flex-start;color:#57606a;font-size:12px;font-style:italic}',
    '.ca-typing[hidden]{display:none}',
    '.ca-notice{font-size:12px;color:#57606a;text-align:center}',
    '.ca-notice[hidden]{display:none}',
    '.ca-form{display:flex;gap:8px;padding:10px;border-top:1px solid #d0d7de;background:#fff}',
    '.ca-form[hidden]{display:none}',
    '.ca-prechat{flex-direction:column}',
    '.ca-prechat label{font-size:12px;color:#57606a}',
    'textarea,input{font:inherit;border:1px solid #d0d7de;border-radius:8px;padding:8px;width:100%}',
    'textarea{resize:none;height:40px;flex:1}',
    '.ca-send,.ca-start{border:0;border-radius:8px;background:var(--ca-color);color:#fff;padding:0 14px;min-height:40px}',
    '.ca-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}',
    '@media (max-width:480px){:host{right:12px;bottom:12px}',
    '.ca-panel{position:fixed;inset:0;width:auto;height:auto;max-height:none;border-radius:0}}'
  ].join('');

  var CHAT_ICON = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8' +
      'l-4 4V6a2 2 0 0 1 2-2z"/></svg>';

  function newId() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID().replace(/-/g, '');
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text != null) {
      node.textContent = text;
    }
    return node;
  }

  /** A problem+json answer, or a network failure (status 0), as an Error the widget can act on. */
  function failure(status, problem) {
    var error = new Error((problem && (problem.detail || problem.title)) || 'network error');
    error.status = status;
    return error;
  }

  function Widget(options) {
    this.key = String(options.widgetKey);
    this.base = String(options.baseUrl || '').replace(/\/+$/, '');
    this.storageKey = 'custarea:' + this.key;
    this.state = this.load();
    this.history = [];
    this.pending = {};
    this.settings = null;
    this.stream = null;
    this.backoff = 1000;
    this.flushing = false;
    this.destroyed = false;
    this.timers = [];
    this.streamFailures = 0;
    this.poller = null;
    this.typingUntil = 0;
    this.lastReplyId = undefined;
    this.render = this.render.bind(this);
  }

  Widget.prototype.load = function () {
    try {
      var stored = JSON.parse(window.localStorage.getItem(this.storageKey)) || {};
      stored.outbox = Array.isArray(stored.outbox) ? stored.outbox : [];
      return stored;
    } catch (e) {
      return {outbox: []};
    }
  };

  Widget.prototype.save = function () {
    if (this.destroyed) {
      return;
    }
    try {
      window.localStorage.setItem(this.storageKey, JSON.stringify(this.state));
    } catch (e) {
      // private mode or a full storage: the session lasts as long as the page
    }
  };

  Widget.prototype.url = function (path, extra) {
    return this.base + path + (path.indexOf('?') < 0 ? '?' : '&') + 'key=' + encodeURIComponent(this.key) +
        (extra || '');
  };

  Widget.prototype.call = function (method, path, body, authorised) {
    var headers = {'Accept': 'application/json'};
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    if (authorised) {
      headers['Authorization'] = 'Bearer ' + this.state.token;
    }
    return window.fetch(this.url(path), {
      method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit', cache: 'no-store'
    }).then(function (response) {
      return response.text().then(function (text) {
        var json = null;
        try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
        if (!response.ok) {
          throw failure(response.status, json);
        }
        return json;
      });
    }, function () {
      throw failure(0, null);
    });
  };

  /** Starts or resumes the visitor's session, with what the site knows of the user. */
  Widget.prototype.startSession = function () {
    var self = this;
    var body = {widgetKey: this.key, page: {url: String(window.location.href).slice(0, 2048)}};
    if (document.referrer) {
      body.page.referrer = String(document.referrer).slice(0, 2048);
    }
    if (this.state.token) {
      body.visitorToken = this.state.token;
    }
    if (this.state.user) {
      body.user = this.state.user;
    }
    return this.call('POST', '/api/widget/init', body, false).then(function (session) {
      if (self.destroyed) {
        throw failure(0, {detail: 'the widget was reset'});
      }
      if (self.state.visitorId && self.state.visitorId !== session.visitorId) {
        // another visitor (a different signed-in user): nothing of the last one's goes out under this one's name
        self.history = [];
        self.pending = {};
        self.state.outbox = [];
      }
      self.state.token = session.token;
      self.state.visitorId = session.visitorId;
      self.save();
      self.settings = session.settings || {};
      self.applySettings();
      return session;
    });
  };

  Widget.prototype.mount = function () {
    var host = element('div', {id: 'custarea-widget'});
    var root = host.attachShadow({mode: 'open'});
    var style = element('style');
    style.textContent = STYLE;
    root.appendChild(style);

    this.launcher = element('button', {'class': 'ca-launcher', type: 'button', 'aria-label': 'Open chat',
      'aria-expanded': 'false', 'aria-controls': 'ca-panel'});
    this.launcher.innerHTML = CHAT_ICON;
    this.panel = element('section', {'class': 'ca-panel', id: 'ca-panel', role: 'dialog',
      'aria-label': 'Chat with us', hidden: ''});

    var header = element('header', {'class': 'ca-header'});
    var titles = element('div');
    titles.appendChild(element('h2', {'class': 'ca-title'}, 'Chat with us'));
    this.subtitle = element('p', {'class': 'ca-subtitle'}, '');
    titles.appendChild(this.subtitle);
    this.closeButton = element('button', {'class': 'ca-close', type: 'button', 'aria-label': 'Close chat'}, '\u00d7');
    header.appendChild(titles);
    header.appendChild(this.closeButton);

    this.log = element('div', {'class': 'ca-log', role: 'log', 'aria-live': 'polite', 'aria-label': 'Messages',
      tabindex: '0'});
    this.typing = element('div', {'class': 'ca-typing', hidden: '', 'aria-live': 'polite'}, 'Typing\u2026');
    this.notice = element('p', {'class': 'ca-notice', role: 'status', hidden: ''}, '');

    this.preChat = element('form', {'class': 'ca-form ca-prechat', hidden: '', 'aria-label': 'Before we start'});
    this.form = element('form', {'class': 'ca-form', 'aria-label': 'Write a message'});
    var label = element('label', {'class': 'ca-sr', 'for': 'ca-input'}, 'Your message');
    this.input = element('textarea', {'class': 'ca-input', id: 'ca-input', maxlength: '5000',
      placeholder: 'Write a message\u2026', rows: '1'});
    this.sendButton = element('button', {'class': 'ca-send', type: 'submit'}, 'Send');
    this.form.appendChild(label);
    this.form.appendChild(this.input);
    this.form.appendChild(this.sendButton);

    this.panel.appendChild(header);
    this.panel.appendChild(this.log);
    this.panel.appendChild(this.notice);
    this.panel.appendChild(this.preChat);
    this.panel.appendChild(this.form);
    root.appendChild(this.panel);
    root.appendChild(this.launcher);
    document.body.appendChild(host);
    this.host = host;

    var self = this;
    this.launcher.addEventListener('click', function () { self.toggle(); });
    this.closeButton.addEventListener('click', function () { self.close(); });
    this.panel.addEventListener('keydown', function (event) {
      if (event.key === 'Escape') {
        self.close();
      }
    });
    this.input.addEventListener('keydown', function (event) {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        self.submit();
      }
    });
    this.form.addEventListener('submit', function (event) {
      event.preventDefault();
      self.submit();
    });
    this.preChat.addEventListener('submit', function (event) {
      event.preventDefault();
      self.submitPreChat();
    });
    this.onOnline = function () { self.reconnect(); };
    window.addEventListener('online', this.onOnline);
  };

  Widget.prototype.applySettings = function () {
    var settings = this.settings || {};
    if (typeof settings.color === 'string' && /^#[0-9a-fA-F]{3,8}$/.test(settings.color)) {
      this.host.style.setProperty('--ca-color', settings.color);
    }
    this.subtitle.textContent = settings.replyTime || '';
    var fields = (settings.preChatFields || []).filter(function (field) {
      return field === 'name' || field === 'email';
    });
    var known = this.state.user || {};
    var missing = fields.filter(function (field) { return !known[field]; });
    this.preChat.textContent = '';
    if (missing.length && !this.history.length) {
      var self = this;
      missing.forEach(function (field) {
        var id = 'ca-prechat-' + field;
        self.preChat.appendChild(element('label', {'for': id}, field === 'email' ? 'Your e-mail' : 'Your name'));
        self.preChat.appendChild(element('input', {id: id, name: field, type: field === 'email' ? 'email' : 'text',
          required: '', maxlength: field === 'email' ? '320' : '200', autocomplete: field}));
      });
      this.preChat.appendChild(element('button', {'class': 'ca-start', type: 'submit'}, 'Start chat'));
      this.preChat.hidden = false;
      this.form.hidden = true;
    } else {
      this.preChat.hidden = true;
      this.form.hidden = false;
    }
    this.render();
  };

  Widget.prototype.submitPreChat = function () {
    var user = Object.assign({}, this.state.user || {});
    Array.prototype.forEach.call(this.preChat.querySelectorAll('input'), function (input) {
      if (input.value.trim()) {
        user[input.name] = input.value.trim();
      }
    });
    this.state.user = user;
    this.save();
    var self = this;
    this.startSession().then(function () {
      self.input.focus();
    }, function (error) { self.showNotice(error.message); });
  };

  Widget.prototype.submit = function () {
    var text = this.input.value.trim();
    if (!text) {
      return;
    }
    this.input.value = '';
    var item = {clientMessageId: newId(), text: text, at: Date.now()};
    this.state.outbox.push(item);
    this.save();
    this.pending[item.clientMessageId] = {text: text, state: 'sending', at: item.at};
    this.render();
    this.flush();
  };

  /** Sends what is waiting, in order; a message the server has already taken is taken again as the same one. */
  Widget.prototype.flush = function () {
    if (this.destroyed || this.flushing || !this.state.token || !this.state.outbox.length) {
      return;
    }
    this.flushing = true;
    var self = this;
    var item = this.state.outbox[0];
    var stored = this.history.some(function (message) { return message.clientMessageId === item.clientMessageId; });
    if (!stored) {
      this.pending[item.clientMessageId] = this.pending[item.clientMessageId] ||
          {text: item.text, state: 'sending', at: item.at};
    }
    this.call('POST', '/api/widget/message', {text: item.text, clientMessageId: item.clientMessageId}, true)
        .then(function () {
          self.flushing = false;
          // the history may already have it (read meanwhile): then it is delivered, not pending
          if (self.pending[item.clientMessageId]) {
            self.pending[item.clientMessageId].state = 'sent';
          }
          self.done(item);
          self.backoff = 1000;
          self.render();
          self.flush();
        }, function (error) {
          self.flushing = false;
          if (error.status === 401) {
            self.startSession().then(function () { self.flush(); self.connect(); },
                function (again) { self.showNotice(again.message); });
          } else if (error.status >= 400 && error.status < 500 && error.status !== 429) {
            if (self.pending[item.clientMessageId]) {
              self.pending[item.clientMessageId].state = 'failed';
            }
            self.done(item);
            self.showNotice(error.message);
            self.render();
            self.flush();
          } else {
            self.retryLater(function () { self.flush(); });
          }
        });
  };

  Widget.prototype.done = function (item) {
    this.state.outbox = this.state.outbox.filter(function (other) {
      return other.clientMessageId !== item.clientMessageId;
    });
    this.save();
  };

  Widget.prototype.retryLater = function (action) {
    // jitter: the widgets of one site must not all come back in the same second
    var delay = this.backoff / 2 + Math.random() * this.backoff / 2;
    this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
    this.later(action, delay);
  };

  /** A timer that a reset cancels. */
  Widget.prototype.later = function (action, delay) {
    var self = this;
    var id = window.setTimeout(function () {
      self.timers = self.timers.filter(function (other) { return other !== id; });
      if (!self.destroyed) {
        action();
      }
    }, delay);
    this.timers.push(id);
  };

  /** Reads the history again; what arrived while the stream was down shows up once, by its id. */
  Widget.prototype.refresh = function () {
    var self = this;
    if (!this.state.token) {
      return Promise.resolve();
    }
    return this.call('GET', '/api/widget/messages', undefined, true).then(function (page) {
      self.history = page.items || [];
      self.history.forEach(function (message) {
        if (message.clientMessageId) {
          delete self.pending[message.clientMessageId];
        }
      });
      var lastReply = null;
      self.history.forEach(function (message) {
        if (message.direction === 'outbound') {
          lastReply = message.id;
        }
      });
      // a new reply ends the typing that led to it (the first read only learns where the replies are)
      if (self.lastReplyId !== undefined && lastReply !== self.lastReplyId) {
        self.typingUntil = 0;
      }
      self.lastReplyId = lastReply;
      if (self.history.length && !self.preChat.hidden) {
        self.applySettings();
      }
      self.render();
    }, function (error) {
      if (error.status === 401) {
        return self.startSession().then(function () { return self.refresh(); });
      }
      throw error;
    });
  };

  Widget.prototype.connect = function () {
    if (this.stream) {
      this.stream.close();
    }
    if (this.destroyed || !this.state.token) {
      return;
    }
    if (typeof window.EventSource !== 'function' || this.streamFailures >= MAX_STREAM_FAILURES) {
      this.poll();
      return;
    }
    var self = this;
    var stream = new window.EventSource(this.url('/api/widget/events', '&token=' + encodeURIComponent(this.state.token)));
    this.stream = stream;
    var pendingRefresh = null;
    stream.addEventListener('open', function () {
      self.backoff = 1000;
      self.streamFailures = 0;
      self.showNotice('');
      self.refresh().catch(function () { /* the next event or reconnect reads it again */ });
      self.flush();
    });
    stream.addEventListener('message', function () {
      if (!pendingRefresh) {
        pendingRefresh = true;
        self.later(function () {
          pendingRefresh = false;
          self.refresh().catch(function () { /* the stream's next event reads it again */ });
        }, 100);
      }
    });
    stream.addEventListener('typing', function (event) {
      var signal;
      try {
        signal = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      self.typingUntil = signal.typing === true ? Date.now() + TYPING_MS : 0;
      self.render();
    });
    stream.addEventListener('error', function () {
      if (stream.readyState === window.EventSource.CLOSED && self.stream === stream) {
        // the server refused the stream (an expired token, say): a new session, then a new stream; after
        // MAX_STREAM_FAILURES refusals in a row, the history is polled instead
        self.streamFailures += 1;
        self.showNotice('Reconnecting\u2026');
        self.retryLater(function () { self.reconnect(); });
      }
    });
  };

  /** Without a live stream, the history is read every few seconds: replies still arrive, a little later. */
  Widget.prototype.poll = function () {
    var self = this;
    if (this.poller || this.destroyed) {
      return;
    }
    this.showNotice('');
    this.poller = window.setInterval(function () {
      if (self.destroyed) {
        window.clearInterval(self.poller);
        return;
      }
      self.refresh().catch(function () { /* the next poll reads it again */ });
      self.flush();
    }, POLL_MS);
  };

  Widget.prototype.reconnect = function () {
    var self = this;
    return this.startSession().then(function () {
      self.connect();
    }, function (error) {
      if (self.destroyed) {
        return;
      }
      if ((error.status === 400 || error.status === 403) && self.state.user) {
        // a stored user the server refuses (a wrong or rotated hash) would refuse every visit: forget it
        delete self.state.user;
        self.save();
        self.showNotice(error.message);
        return self.reconnect();
      }
      self.showNotice(error.status === 0 ? 'Offline: your messages will be sent when you are back.' : error.message);
      if (error.status === 0 || error.status >= 500 || error.status === 429) {
        self.retryLater(function () { self.reconnect(); });
      }
    });
  };

  Widget.prototype.showNotice = function (text) {
    this.notice.textContent = text || '';
    this.notice.hidden = !text;
  };

  Widget.prototype.render = function () {
    if (!this.log) {
      return;
    }
    var atBottom = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 40;
    var scrolledTo = this.log.scrollTop;
    var log = this.log;
    log.textContent = '';
    if (this.settings && this.settings.greeting) {
      log.appendChild(this.bubble('ca-out', this.settings.greeting, null));
    }
    var self = this;
    this.history.forEach(function (message) {
      var inbound = message.direction === 'inbound';
      log.appendChild(self.bubble(inbound ? 'ca-in' : 'ca-out', message.text || '',
          inbound ? 'Delivered' : null, message.id));
    });
    Object.keys(this.pending).forEach(function (clientMessageId) {
      var item = self.pending[clientMessageId];
      var label = item.state === 'sending' ? 'Sending\u2026' : item.state === 'sent' ? 'Sent' : 'Not sent';
      log.appendChild(self.bubble(item.state === 'failed' ? 'ca-in ca-failed' : 'ca-in', item.text, label,
          null, clientMessageId));
    });
    var typingFor = this.typingUntil - Date.now();
    this.typing.hidden = typingFor <= 0;
    log.appendChild(this.typing);
    window.clearTimeout(this.typingTimer);
    if (typingFor > 0) {
      this.typingTimer = window.setTimeout(this.render, typingFor);
    }
    // rebuilt from scratch: keep the reader where they were, or at the newest message if they were there
    log.scrollTop = atBottom ? log.scrollHeight : scrolledTo;
  };

  Widget.prototype.bubble = function (classes, text, status, id, clientMessageId) {
    var bubble = element('div', {'class': 'ca-message ' + classes});
    if (id) {
      bubble.setAttribute('data-id', id);
    }
    if (clientMessageId) {
      bubble.setAttribute('data-client-id', clientMessageId);
    }
    bubble.appendChild(element('span', {'class': 'ca-text'}, text));
    if (status) {
      bubble.appendChild(element('span', {'class': 'ca-status'}, status));
    }
    return bubble;
  };

  /** Opens the panel; {@code restoring} (a reload of a page where it was open) does not take the focus. */
  Widget.prototype.open = function (restoring) {
    this.panel.hidden = false;
    this.launcher.setAttribute('aria-expanded', 'true');
    this.launcher.setAttribute('aria-label', 'Close chat');
    this.state.open = true;
    this.save();
    this.log.scrollTop = this.log.scrollHeight;
    var first = this.preChat.hidden ? this.input : this.preChat.querySelector('input');
    if (first && !restoring) {
      first.focus();
    }
  };

  Widget.prototype.close = function () {
    var wasOpen = !this.panel.hidden;
    this.panel.hidden = true;
    this.launcher.setAttribute('aria-expanded', 'false');
    this.launcher.setAttribute('aria-label', 'Open chat');
    this.state.open = false;
    this.save();
    if (wasOpen) {
      this.launcher.focus();
    }
  };

  Widget.prototype.toggle = function () {
    if (this.panel.hidden) {
      this.open();
    } else {
      this.close();
    }
  };

  Widget.prototype.start = function () {
    var self = this;
    this.mount();
    this.state.outbox.forEach(function (item) {
      self.pending[item.clientMessageId] = {text: item.text, state: 'sending', at: item.at};
    });
    var wasOpen = this.state.open;
    this.render();
    return this.reconnect().then(function () {
      if (wasOpen) {
        self.open(true);
      }
    });
  };

  Widget.prototype.destroy = function () {
    this.destroyed = true;
    if (this.stream) {
      this.stream.close();
    }
    this.timers.forEach(function (id) { window.clearTimeout(id); });
    this.timers = [];
    if (this.poller) {
      window.clearInterval(this.poller);
    }
    window.removeEventListener('online', this.onOnline);
    window.clearTimeout(this.typingTimer);
    if (this.host && this.host.parentNode) {
      this.host.parentNode.removeChild(this.host);
    }
  };

  var widget = null;
  var options = null;
  var started = null;

  function requireStarted() {
    if (!started) {
      throw new Error('CustArea: call CustArea.init({widgetKey, baseUrl}) first');
    }
    return started;
  }

  function whenBodyReady(action) {
    if (document.body) {
      return action();
    }
    return new Promise(function (resolve) {
      document.addEventListener('DOMContentLoaded', function () { resolve(action()); });
    });
  }

  var CustArea = {
    version: VERSION,

    /** Shows the launcher and starts (or resumes) the visitor's session. */
    init: function (given) {
      if (!given || !given.widgetKey) {
        throw new Error('CustArea.init needs {widgetKey}');
      }
      if (started) {
        return started;
      }
      options = {widgetKey: given.widgetKey, baseUrl: given.baseUrl || ''};
      started = Promise.resolve(whenBodyReady(function () {
        widget = new Widget(options);
        return widget.start();
      })).then(function () { return CustArea; });
      return started;
    },

    /** Who the visitor is on the site; identityHash is HMAC-SHA256(id, the widget's identity secret), hex. */
    setUser: function (id, attributes) {
      return requireStarted().then(function () {
        var details = attributes || {};
        var user = {};
        if (id != null) {
          user.id = String(id);
          user.identityHash = details.identityHash;
        }
        if (details.name) {
          user.name = String(details.name);
        }
        if (details.email) {
          user.email = String(details.email);
        }
        widget.state.user = user;
        widget.save();
        return widget.reconnect();
      });
    },

    /** Adds attributes (strings, numbers, booleans) to the visitor's contact. */
    setCustomAttributes: function (attributes) {
      return requireStarted().then(function () {
        return widget.call('POST', '/api/widget/attributes', {attributes: attributes}, true);
      });
    },

    open: function () {
      return requireStarted().then(function () { widget.open(); });
    },

    close: function () {
      return requireStarted().then(function () { widget.close(); });
    },

    toggle: function () {
      return requireStarted().then(function () { widget.toggle(); });
    },

    /** Forgets the visitor on this browser (as on sign-out) and starts a new, anonymous session. */
    reset: function () {
      return requireStarted().then(function () {
        try {
          window.localStorage.removeItem(widget.storageKey);
        } catch (e) {
          // nothing stored
        }
        widget.destroy();
        widget = new Widget(options);
        return widget.start();
      });
    }
  };
  window.CustArea = CustArea;

  if (currentScript && currentScript.getAttribute('data-widget-key')) {
    CustArea.init({
      widgetKey: currentScript.getAttribute('data-widget-key'),
      baseUrl: currentScript.getAttribute('data-base-url') || new URL(currentScript.src, window.location.href).origin
    });
  }
})(window, document);
