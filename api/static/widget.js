/* policydesk 民生政策助手 — chat for WeChat's in-app browser and any web page.
 *
 * Plain ES5 + XMLHttpRequest, no build step, no iframe, no cookies, no third-party requests.
 * Embed:   <script src="https://HOST/widget.js" data-api="https://HOST"></script>
 *          adds a floating button that opens the chat panel.
 * The H5 page (/h5) inlines this file with window.POLICYDESK_CONFIG = {mode: 'page'}.
 * All texts citizens read are in TEXT below; the server fills in {{HOTLINE}} and {{TOPICS}}
 * (assistant/data/) and {{MAX_QUESTION_CHARS}} (settings) when it serves this file.
 */
(function (window, document) {
  'use strict';

  if (window.__policydeskWidget) { return; }
  window.__policydeskWidget = true;

  var TEXT = {
    title: '民生政策助手',
    open: '政策咨询',
    close: '关闭',
    placeholder: '请输入您的问题',
    send: '发送',
    notice: '回答只依据已收录的政策原文，并在下方列出出处；其他问题请拨打 {{HOTLINE}} 人社服务热线。',
    welcome: '您好！我可以回答山西{{TOPICS}}等政策问题。请直接输入问题，例如：爱心消费券每人多少钱？',
    pending: '正在查询政策原文…',
    slow: '网络较慢，仍在等待回复，请稍候…',
    failed: '网络连接失败，请检查网络后点“重试”。',
    timeout: '等了很久还没有回复，请点“重试”。',
    serverError: '系统暂时无法回答，请稍后重试，或拨打 {{HOTLINE}} 咨询。',
    retry: '重试',
    sources: '政策出处（点按查看原文）',
    followUp: '您可以接着问：',
    helpful: '有用',
    notHelpful: '没用',
    thanks: '感谢您的评价',
    empty: '请输入您的问题',
    tooLong: '问题太长了，请精简到 {{MAX_QUESTION_CHARS}} 字以内'
  };
  var MAX_CHARS = parseInt('{{MAX_QUESTION_CHARS}}', 10);
  var TIMEOUT_MS = 25000;
  var SLOW_MS = 6000;
  var SESSION_KEY = 'policydesk_session';

  // -- configuration -------------------------------------------------------------------------
  function findScript() {
    if (document.currentScript) { return document.currentScript; }
    var scripts = document.getElementsByTagName('script');
    for (var i = scripts.length - 1; i >= 0; i--) {
      if (/widget\.js(\?|#|$)/.test(scripts[i].src || '')) { return scripts[i]; }
    }
    return null;
  }
  function attr(el, name) { return el && el.getAttribute ? el.getAttribute(name) : null; }
  function originOf(url) {
    var m = /^(https?:\/\/[^\/?#]+)/i.exec(url || '');
    return m ? m[1] : '';
  }

  var script = findScript();
  var cfg = window.POLICYDESK_CONFIG || {};
  var mode = cfg.mode || attr(script, 'data-mode') || 'floating';
  var channel = cfg.channel || (mode === 'page' ? 'h5' : 'widget');
  var api = typeof cfg.api === 'string' ? cfg.api : (attr(script, 'data-api') || originOf(script && script.src));
  api = (api || '').replace(/\/+$/, '');

  // -- session id: localStorage when allowed, memory otherwise (no cookies) -----------------
  var memory = {};
  function storageGet(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return memory[key] || null; }
  }
  function storageSet(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { memory[key] = value; }
  }
  function randomId() {
    // Letters only: a digit run could look like a phone number and be masked in the logs.
    var letters = 'abcdefghijklmnopqrstuvwxyz';
    var out = '';
    var bytes = null;
    var cryptoObj = window.crypto || window.msCrypto;
    if (cryptoObj && cryptoObj.getRandomValues) {
      bytes = new Uint8Array(20);
      cryptoObj.getRandomValues(bytes);
    }
    for (var i = 0; i < 20; i++) {
      var b = bytes ? bytes[i] : Math.floor(Math.random() * 256);
      out += letters.charAt(b % 26);
    }
    return 'pd-' + out;
  }
  function sessionId() {
    var id = storageGet(SESSION_KEY);
    if (!id || !/^[A-Za-z0-9_.:-]{1,128}$/.test(id)) {
      id = randomId();
      storageSet(SESSION_KEY, id);
    }
    return id;
  }

  // -- network: XHR with our own timer (xhr.timeout is unreliable in old WebViews) -----------
  function postJSON(path, payload, timeoutMs, done) {
    var xhr = new XMLHttpRequest();
    var finished = false;
    var timer = null;
    function finish(err, status, data) {
      if (finished) { return; }
      finished = true;
      if (timer) { clearTimeout(timer); }
      done(err, status, data);
    }
    try {
      xhr.open('POST', api + path, true);
      xhr.setRequestHeader('Content-Type', 'application/json');
    } catch (e) {
      finish('network');
      return;
    }
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) { return; }
      if (xhr.status === 0) { finish('network'); return; }
      var data = null;
      try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
      finish(null, xhr.status, data);
    };
    timer = setTimeout(function () {
      finish('timeout');
      try { xhr.abort(); } catch (e) { /* already done */ }
    }, timeoutMs);
    try { xhr.send(JSON.stringify(payload)); } catch (e) { finish('network'); }
  }

  // -- DOM helpers -----------------------------------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.appendChild(document.createTextNode(text)); }
    return node;
  }
  function show(node, visible) { node.style.display = visible ? '' : 'none'; }
  function trim(s) { return String(s == null ? '' : s).replace(/^\s+|\s+$/g, ''); }

  var CSS = [
    '.pd-root{font-family:-apple-system,BlinkMacSystemFont,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;',
    'font-size:18px;line-height:1.6;color:#1f2329;-webkit-text-size-adjust:100%;text-size-adjust:100%;box-sizing:border-box}',
    '.pd-root *{box-sizing:border-box}',
    '.pd-chat{display:-webkit-box;display:-webkit-flex;display:flex;-webkit-box-orient:vertical;-webkit-flex-direction:column;',
    'flex-direction:column;background:#f5f6f8;height:100%;width:100%}',
    '.pd-head{background:#1a5fb4;color:#fff;padding:12px 16px;font-size:20px;font-weight:bold;position:relative}',
    '.pd-head button{position:absolute;right:8px;top:6px;background:transparent;border:0;color:#fff;font-size:18px;padding:8px 12px}',
    '.pd-notice{background:#fff8e1;color:#5d4200;font-size:15px;padding:8px 16px;border-bottom:1px solid #f0e0a0}',
    '.pd-list{position:relative;-webkit-box-flex:1;-webkit-flex:1;flex:1;overflow-y:auto;-webkit-overflow-scrolling:touch;padding:12px}',
    '.pd-msg{margin:0 0 12px;max-width:92%;padding:10px 14px;border-radius:12px;word-wrap:break-word;white-space:pre-wrap}',
    '.pd-user{background:#1a5fb4;color:#fff;margin-left:auto;border-bottom-right-radius:4px}',
    '.pd-bot{background:#fff;border:1px solid #e3e5e8;border-bottom-left-radius:4px}',
    '.pd-pending{color:#646a73}',
    '.pd-error{background:#fff1f0;border:1px solid #ffccc7;color:#a8071a}',
    '.pd-follow{margin-top:8px;color:#1a5fb4;font-weight:bold}',
    '.pd-chip{display:inline-block;margin:6px 6px 0 0;padding:6px 12px;border:1px solid #1a5fb4;border-radius:16px;',
    'background:#fff;color:#1a5fb4;font-size:16px}',
    '.pd-cites{margin-top:10px;border-top:1px dashed #d0d3d6;padding-top:6px;white-space:normal}',
    '.pd-cites-h{font-size:14px;color:#646a73}',
    '.pd-cite-btn{display:block;width:100%;text-align:left;background:#f0f4fa;border:0;border-radius:8px;margin-top:6px;',
    'padding:8px 10px;font-size:16px;color:#1a3d6e;line-height:1.5}',
    '.pd-quote{margin:4px 0 0;padding:8px 10px;border-left:4px solid #1a5fb4;background:#fafbfc;font-size:16px;white-space:pre-wrap}',
    '.pd-fb{margin-top:8px;white-space:normal}',
    '.pd-fb button,.pd-retry{margin-right:8px;padding:4px 12px;font-size:15px;border:1px solid #c9cdd4;border-radius:14px;background:#fff;color:#1f2329}',
    '.pd-retry{margin-top:8px;border-color:#a8071a;color:#a8071a}',
    '.pd-bar{display:-webkit-box;display:-webkit-flex;display:flex;background:#fff;border-top:1px solid #e3e5e8;padding:8px;',
    'padding-bottom:8px;padding-bottom:calc(8px + constant(safe-area-inset-bottom));padding-bottom:calc(8px + env(safe-area-inset-bottom))}',
    '.pd-input{-webkit-box-flex:1;-webkit-flex:1;flex:1;font-size:18px;line-height:1.4;padding:10px;border:1px solid #c9cdd4;border-radius:8px;',
    'resize:none;height:48px;font-family:inherit}',
    '.pd-send{margin-left:8px;min-width:72px;font-size:18px;border:0;border-radius:8px;background:#1a5fb4;color:#fff}',
    '.pd-send[disabled]{background:#9db4d6}',
    '.pd-page{position:fixed;left:0;top:0;right:0;bottom:0}',
    '.pd-fab{position:fixed;z-index:2147483000;right:16px;bottom:16px;bottom:calc(16px + constant(safe-area-inset-bottom));',
    'bottom:calc(16px + env(safe-area-inset-bottom));padding:12px 18px;border:0;border-radius:28px;background:#1a5fb4;color:#fff;',
    'font-size:18px;box-shadow:0 4px 12px rgba(0,0,0,.25)}',
    '.pd-panel{position:fixed;z-index:2147483001;left:0;top:0;right:0;bottom:0;box-shadow:0 8px 24px rgba(0,0,0,.3)}',
    '@media (min-width:600px){.pd-panel{left:auto;top:auto;right:16px;bottom:16px;width:400px;height:640px;max-height:90%;',
    'border-radius:12px;overflow:hidden}}'
  ].join('');

  function injectStyle() {
    var style = document.createElement('style');
    style.setAttribute('data-policydesk', '');
    style.appendChild(document.createTextNode(CSS));
    (document.head || document.getElementsByTagName('head')[0] || document.documentElement).appendChild(style);
  }

  // -- the chat --------------------------------------------------------------------------------
  function Chat(container, onClose) {
    var self = this;
    this.busy = false;
    this.root = el('div', 'pd-root pd-chat');
    this.root.setAttribute('role', 'region');
    this.root.setAttribute('aria-label', TEXT.title);

    var head = el('div', 'pd-head', TEXT.title);
    if (onClose) {
      var close = el('button', 'pd-close', TEXT.close);
      close.type = 'button';
      close.onclick = onClose;
      head.appendChild(close);
    }
    this.root.appendChild(head);
    this.root.appendChild(el('div', 'pd-notice', TEXT.notice));

    this.list = el('div', 'pd-list');
    this.list.setAttribute('role', 'log');
    this.list.setAttribute('aria-live', 'polite');
    this.root.appendChild(this.list);

    var bar = el('div', 'pd-bar');
    this.input = el('textarea', 'pd-input');
    this.input.setAttribute('placeholder', TEXT.placeholder);
    this.input.setAttribute('maxlength', String(MAX_CHARS));
    this.input.setAttribute('aria-label', TEXT.placeholder);
    this.send = el('button', 'pd-send', TEXT.send);
    this.send.type = 'button';
    bar.appendChild(this.input);
    bar.appendChild(this.send);
    this.root.appendChild(bar);

    this.send.onclick = function () { self.submit(); };
    this.input.onkeydown = function (e) {
      e = e || window.event;
      var composing = e.isComposing || e.keyCode === 229;
      if ((e.keyCode === 13 || e.key === 'Enter') && !e.shiftKey && !composing) {
        if (e.preventDefault) { e.preventDefault(); }
        self.submit();
        return false;
      }
      return true;
    };

    container.appendChild(this.root);
    this.addBot(TEXT.welcome);
  }

  Chat.prototype.scroll = function () {
    this.list.scrollTop = this.list.scrollHeight;
  };

  Chat.prototype.add = function (node) {
    this.list.appendChild(node);
    this.scroll();
    return node;
  };

  Chat.prototype.addBot = function (text) {
    return this.add(el('div', 'pd-msg pd-bot', text));
  };

  Chat.prototype.setBusy = function (busy) {
    this.busy = busy;
    this.send.disabled = busy;
  };

  Chat.prototype.submit = function () {
    if (this.busy) { return; }
    var question = trim(this.input.value);
    if (!question) { this.input.focus(); return; }
    if (question.length > MAX_CHARS) { this.addBot(TEXT.tooLong); return; }
    this.input.value = '';
    this.ask(question);
  };

  Chat.prototype.ask = function (question) {
    this.add(el('div', 'pd-msg pd-user', question));
    this.request(question, 1);
  };

  Chat.prototype.request = function (question, attemptsLeft) {
    var self = this;
    var pending = this.add(el('div', 'pd-msg pd-bot pd-pending', TEXT.pending));
    pending.setAttribute('data-state', 'pending');
    this.setBusy(true);
    var slowTimer = setTimeout(function () {
      pending.innerHTML = '';
      pending.appendChild(document.createTextNode(TEXT.slow));
    }, SLOW_MS);
    var payload = { question: question, session_id: sessionId(), channel: channel };
    postJSON('/api/ask', payload, TIMEOUT_MS, function (err, status, data) {
      clearTimeout(slowTimer);
      self.list.removeChild(pending);
      self.setBusy(false);
      if (err === 'network' && attemptsLeft > 0) {
        // One quiet retry for a dropped mobile connection.
        setTimeout(function () { self.request(question, attemptsLeft - 1); }, 1500);
        return;
      }
      if (err) {
        self.showError(err === 'timeout' ? TEXT.timeout : TEXT.failed, question);
      } else if (status === 200 && data && typeof data.answer === 'string') {
        self.showAnswer(data);
      } else if (data && data.error) {
        self.showError(data.error, status === 429 || status >= 500 ? question : null);
      } else {
        self.showError(TEXT.serverError, question);
      }
    });
  };

  Chat.prototype.showError = function (message, retryQuestion) {
    var self = this;
    var box = el('div', 'pd-msg pd-error', message);
    box.setAttribute('data-state', 'error');
    if (retryQuestion) {
      var retry = el('button', 'pd-retry', TEXT.retry);
      retry.type = 'button';
      retry.onclick = function () {
        if (self.busy) { return; }
        self.list.removeChild(box);
        self.request(retryQuestion, 1);
      };
      box.appendChild(document.createElement('br'));
      box.appendChild(retry);
    }
    this.add(box);
  };

  function citationLabel(c) {
    if (c.title) {
      return '《' + c.title + '》' + [c.publisher || '', c.date || ''].join(' ').replace(/^\s+|\s+$/g, '');
    }
    return trim((c.statute || '') + (c.article || ''));
  }

  Chat.prototype.showAnswer = function (data) {
    var self = this;
    var box = el('div', 'pd-msg pd-bot pd-answer', data.answer);
    box.setAttribute('data-state', 'answer');
    if (data.status) { box.setAttribute('data-status', data.status); }

    // The answer text already ends with its follow-up question (placed by the server's
    // renderer); a list of follow_up suggestions is offered as buttons.
    var follow = data.follow_up;
    if (follow && follow.length && typeof follow !== 'string') {
      var chips = el('div', 'pd-follow', TEXT.followUp);
      for (var f = 0; f < follow.length; f++) {
        (function (text) {
          var chip = el('button', 'pd-chip', text);
          chip.type = 'button';
          chip.onclick = function () { if (!self.busy) { self.ask(text); } };
          chips.appendChild(chip);
        })(String(follow[f]));
      }
      box.appendChild(chips);
    }

    var cites = data.citations || [];
    if (cites.length) {
      var wrap = el('div', 'pd-cites');
      wrap.appendChild(el('div', 'pd-cites-h', TEXT.sources));
      for (var i = 0; i < cites.length; i++) {
        wrap.appendChild(citationNode(cites[i]));
      }
      box.appendChild(wrap);
    }

    if (data.id) { box.appendChild(this.feedbackNode(data.id)); }
    this.add(box);
    // A long answer is read from its first line, not from its end.
    if (box.offsetHeight > this.list.clientHeight) { this.list.scrollTop = box.offsetTop - 8; }
  };

  function citationNode(c) {
    var item = el('div', 'pd-cite');
    var button = el('button', 'pd-cite-btn', '▸ ' + citationLabel(c));
    button.type = 'button';
    button.setAttribute('aria-expanded', 'false');
    var quote = el('blockquote', 'pd-quote', c.quote || c.text || '');
    show(quote, false);
    button.onclick = function () {
      var open = button.getAttribute('aria-expanded') !== 'true';
      button.setAttribute('aria-expanded', open ? 'true' : 'false');
      button.firstChild.nodeValue = (open ? '▾ ' : '▸ ') + citationLabel(c);
      show(quote, open);
    };
    item.appendChild(button);
    item.appendChild(quote);
    return item;
  }

  Chat.prototype.feedbackNode = function (answerId) {
    var box = el('div', 'pd-fb');
    function rate(rating) {
      return function () {
        box.innerHTML = '';
        box.appendChild(document.createTextNode(TEXT.thanks));
        postJSON('/api/feedback', { answer_id: answerId, rating: rating, session_id: sessionId() },
          TIMEOUT_MS, function () { /* best effort */ });
      };
    }
    var up = el('button', 'pd-up', TEXT.helpful);
    var down = el('button', 'pd-down', TEXT.notHelpful);
    up.type = 'button';
    down.type = 'button';
    up.onclick = rate(1);
    down.onclick = rate(-1);
    box.appendChild(up);
    box.appendChild(down);
    return box;
  };

  // -- mounting --------------------------------------------------------------------------------
  function mountPage() {
    var host = document.getElementById('policydesk') || document.body;
    host.className = (host.className ? host.className + ' ' : '') + 'pd-page';
    window.policydesk = new Chat(host, null);
  }

  function mountFloating() {
    var fab = el('button', 'pd-root pd-fab', TEXT.open);
    fab.type = 'button';
    fab.setAttribute('aria-haspopup', 'dialog');
    var panel = el('div', 'pd-panel');
    panel.setAttribute('role', 'dialog');
    show(panel, false);
    var chat = null;
    fab.onclick = function () {
      if (!chat) { chat = new Chat(panel, function () { show(panel, false); show(fab, true); }); }
      show(panel, true);
      show(fab, false);
      chat.scroll();
      try { chat.input.focus(); } catch (e) { /* focus may be refused */ }
    };
    document.body.appendChild(panel);
    document.body.appendChild(fab);
    window.policydesk = { open: fab.onclick };
  }

  function start() {
    injectStyle();
    if (mode === 'page') { mountPage(); } else { mountFloating(); }
  }

  if (document.body) {
    start();
  } else if (document.addEventListener) {
    document.addEventListener('DOMContentLoaded', start, false);
  } else {
    window.onload = start;
  }
})(window, document);
