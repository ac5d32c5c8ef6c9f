/* policydesk 民生政策助手 — chat for WeChat's in-app browser and any web page. ES5, no build,
 * no iframe, no cookies, no third-party requests. See README (网页挂件) for the attributes:
 * <script src="https://HOST/widget.js" data-api="https://HOST" data-position="bottom-right 16 96"></script>
 * Texts citizens read are in TEXT; the server fills in the hotline, topics and limits.
 */
(function (window, document) {
  'use strict';

  if (window.__policydeskWidget) { return; }
  window.__policydeskWidget = true;

  var HOTLINE = '{{HOTLINE}}';
  var TEXT = {
    title: '民生政策助手',
    open: '政策咨询',
    close: '关闭',
    placeholder: '请输入您的问题',
    placeholderShort: '输入问题',
    send: '发送',
    sending: '稍候',
    newChat: '新对话',
    newChatLabel: '开始新对话（清空当前对话）',
    bigText: 'A+大字',
    bigTextLabel: '大字模式',
    notice: '回答只依据已收录的政策原文，并列出出处；其他问题请拨打 {{HOTLINE}} {{HOTLINE_NAME}}。',
    welcome: '您好！我可以回答山西{{TOPICS}}等政策问题。',
    starters: '您可以这样问：',
    pending: '正在查询政策原文…',
    slow: '仍在查询，请稍候…',
    unreachable: '暂时连不上民生政策助手的服务，请稍后点“重试”；着急的话，请拨打 {{HOTLINE}} {{HOTLINE_NAME}}。',
    timeout: '民生政策助手的服务很久没有回应，请稍后点“重试”；着急的话，请拨打 {{HOTLINE}} {{HOTLINE_NAME}}。',
    serverError: '系统暂时无法回答，请稍后重试，或拨打 {{HOTLINE}} {{HOTLINE_NAME}}。',
    retry: '重试',
    followUp: '您还可以问：',
    copy: '复制回答',
    copied: '已复制回答和出处',
    copyFailed: '复制没有成功，请长按回答文字手动复制',
    helpful: '有用',
    notHelpful: '没用',
    thanks: '感谢您的评价',
    sorry: '抱歉没能帮上忙。哪里不对或还缺什么？（选填，不要填身份证号、电话等个人信息）',
    commentLabel: '意见（选填）',
    submit: '提交意见',
    commentThanks: '意见已收到，工作人员会查看并改进。',
    human: '转人工：拨打 {{HOTLINE}} {{HOTLINE_NAME}}',
    hours: '人工服务时间：{{HOTLINE_HOURS}}',
    tooLong: '问题太长了，请精简到 {{MAX_QUESTION_CHARS}} 字以内'
  };
  var MAX_CHARS = parseInt('{{MAX_QUESTION_CHARS}}', 10);
  var TIMEOUT_MS = 25000;
  var SLOW_MS = 6000;
  var SESSION_KEY = 'policydesk_session';
  var SIZE_KEY = 'policydesk_text_size';
  var HOST_ID = 'pdw-root';

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
  var isolation = cfg.isolation || attr(script, 'data-isolation') || 'auto';
  var position = parsePosition(cfg.position || attr(script, 'data-position'));

  function parsePosition(value) {
    var parts = String(value || '').replace(/^\s+|\s+$/g, '').split(/[\s,]+/);
    var corner = /^(top|bottom)-(left|right)$/.test(parts[0]) ? parts[0].split('-') : ['bottom', 'right'];
    function px(v) { var n = parseInt(v, 10); return isNaN(n) || n < 0 || n > 2000 ? 16 : n; }
    return { v: corner[0], h: corner[1], x: px(parts[1]), y: px(parts[2]) };
  }

  // -- storage on the device: localStorage when allowed, memory otherwise (no cookies) ------
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
  function sessionId(fresh) {
    var id = storageGet(SESSION_KEY);
    if (fresh || !id || !/^[A-Za-z0-9_.:-]{1,128}$/.test(id)) {
      id = randomId();
      storageSet(SESSION_KEY, id);
    }
    return id;
  }

  // -- network: XHR with our own timer (xhr.timeout is unreliable in old WebViews) -----------
  function request(method, path, payload, timeoutMs, done) {
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
      xhr.open(method, api + path, true);
      if (payload) { xhr.setRequestHeader('Content-Type', 'application/json'); }
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
    try { xhr.send(payload ? JSON.stringify(payload) : null); } catch (e) { finish('network'); }
  }

  // -- DOM helpers -----------------------------------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.appendChild(document.createTextNode(text)); }
    return node;
  }
  function button(className, text, label) {
    var b = el('button', className, text);
    b.type = 'button';
    if (label) { b.setAttribute('aria-label', label); }
    return b;
  }
  // Inline and !important: in the prefixed mode our own sheet is !important too.
  function show(node, visible) {
    if (visible) { node.style.removeProperty('display'); } else { node.style.setProperty('display', 'none', 'important'); }
  }
  function trim(s) { return String(s == null ? '' : s).replace(/^\s+|\s+$/g, ''); }
  function closest(node, className, stop) {
    while (node && node !== stop) {
      if ((' ' + (node.className || '') + ' ').indexOf(' ' + className + ' ') >= 0) { return node; }
      node = node.parentNode;
    }
    return null;
  }
  // Text with the hotline number as a tel: link.
  function telText(parent, text) {
    var parts = String(text).split(HOTLINE);
    for (var i = 0; i < parts.length; i++) {
      if (i > 0) {
        var a = el('a', 'pd-tel', HOTLINE);
        a.href = 'tel:' + HOTLINE;
        parent.appendChild(a);
      }
      if (parts[i]) { parent.appendChild(document.createTextNode(parts[i])); }
    }
    return parent;
  }

  // -- styles: one sheet, scoped three ways ----------------------------------------------------
  // Colours keep 4.5:1 against their background, borders included; every control is at least
  // 44 px (2.45em at 18 px) high. Sizes are in em so 大字 scales everything.
  var CSS = [
    '.pd-root{font-family:-apple-system,BlinkMacSystemFont,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;',
    'font-size:18px;line-height:1.6;color:#1f2329;-webkit-text-size-adjust:100%;text-size-adjust:100%;text-align:left;box-sizing:border-box}',
    '.pd-root.pd-big{font-size:22px}',
    '.pd-root *{box-sizing:border-box}',
    '.pd-chat{display:-webkit-box;display:flex;',
    'flex-direction:column;background:#f5f6f8;height:100%;width:100%}',
    '.pd-head{display:-webkit-box;display:flex;align-items:center;',
    'background:#1a5fb4;color:#fff;padding:0 4px 0 12px;min-height:48px}',
    '.pd-title{flex:1;font-size:1.05em;font-weight:bold;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}',
    '.pd-hbtn{display:inline-block;min-width:44px;min-height:44px;margin-left:2px;padding:0 6px;background:transparent;color:#fff;',
    'border:1px solid transparent;border-radius:8px;font:inherit;font-size:.85em;cursor:pointer}',
    '.pd-hbtn[aria-pressed="true"]{background:#fff;color:#1a5fb4}',
    '.pd-list{display:block;position:relative;flex:1;min-height:0;overflow-y:auto;-webkit-overflow-scrolling:touch;padding:10px}',
    '.pd-msg{display:block;margin:0 0 12px;max-width:94%;padding:10px 12px;border-radius:12px;word-wrap:break-word;overflow-wrap:break-word}',
    '.pd-user{background:#1a5fb4;color:#fff;margin-left:auto;border-bottom-right-radius:4px;white-space:pre-wrap}',
    '.pd-bot{background:#fff;border:1px solid #6b7280;border-bottom-left-radius:4px}',
    '.pd-pending{color:#4b5563}',
    '.pd-error{background:#fff1f0;border:1px solid #a8071a;color:#8a0010}',
    '.pd-p{display:block;margin:0 0 6px}',
    '.pd-b-answer{font-weight:bold}',
    '.pd-b-source{font-size:.85em;color:#4d4d4d}',
    '.pd-notice{display:block;margin:8px 0 0;padding:6px 10px;background:#fff8e1;color:#4a3500;border-radius:8px;font-size:.85em}',
    '.pd-follow{font-weight:bold;color:#123f7a}',
    '.pd-mk{color:#1a5fb4;text-decoration:underline;font-weight:bold;padding:0 1px}',
    '.pd-tel{color:#1a5fb4;text-decoration:underline;font-weight:bold}',
    '.pd-more summary,.pd-cite summary{display:block;list-style:none;min-height:44px;padding:8px 6px;cursor:pointer;color:#123f7a}',
    'summary::-webkit-details-marker{display:none}summary:before{content:"\\25B8  "}details[open]>summary:before{content:"\\25BE  "}',
    '.pd-cites{display:block;margin-top:8px;border-top:1px dashed #6b7280;padding-top:6px}',
    '.pd-cites-h{display:block;margin:0;font-size:.8em;color:#4b5563}',
    '.pd-cite-list{display:block;list-style:none;margin:0;padding:0}',
    '.pd-cite{display:block;margin-top:6px;background:#f0f4fa;border-radius:8px;font-size:.9em}',
    '.pd-cn{font-weight:bold}',
    '.pd-cite-body{display:block;padding:0 10px 8px}',
    '.pd-src{display:block;margin:0 0 4px;color:#374151;font-size:.9em}',
    '.pd-q{display:block;margin:4px 0;padding:6px 10px;border-left:4px solid #1a5fb4;background:#fff;color:#1f2329;font-style:normal}',
    '.pd-doc,.pd-call{display:inline-block;min-height:44px;padding:10px 4px;color:#1a5fb4;text-decoration:underline;font-weight:bold}',
    '.pd-contacts{display:block;margin-top:8px}',
    '.pd-call{display:block;padding:10px 12px;margin-top:6px;border:1px solid #1a5fb4;border-radius:8px;text-decoration:none;background:#fff}',
    '.pd-hours{display:block;font-size:.8em;color:#4b5563;padding:2px 12px}',
    '.pd-chips{display:block;margin-top:8px}',
    '.pd-chips-h{display:block;font-size:.85em;color:#4b5563}',
    '.pd-chip{display:inline-block;min-height:44px;margin:6px 6px 0 0;padding:8px 12px;border:1px solid #1a5fb4;border-radius:22px;',
    'background:#fff;color:#1a5fb4;font:inherit;font-size:.9em;line-height:1.35;text-align:left;cursor:pointer}',
    '.pd-acts{display:block;margin-top:8px}',
    '.pd-btn{display:inline-block;min-height:44px;min-width:44px;margin:4px 8px 0 0;padding:6px 14px;font:inherit;font-size:.85em;',
    'border:1px solid #5c6470;border-radius:22px;background:#fff;color:#1f2329;cursor:pointer}',
    '.pd-retry{border-color:#a8071a;color:#8a0010}',
    '.pd-status{display:block;font-size:.85em;color:#1f5f2a}',
    '.pd-box{display:block;margin-top:8px;padding:8px;border:1px solid #6b7280;border-radius:8px;background:#fafbfc}',
    '.pd-label{display:block;font-size:.85em;margin-bottom:4px}',
    '.pd-comment{display:block;width:100%;min-height:66px;font:inherit;font-size:.9em;padding:8px;border:1px solid #5c6470;border-radius:8px;background:#fff;color:#1f2329}',
    '.pd-bar{display:-webkit-box;display:flex;background:#fff;border-top:1px solid #6b7280;padding:6px;',
    'padding-bottom:6px;padding-bottom:calc(6px + constant(safe-area-inset-bottom));padding-bottom:calc(6px + env(safe-area-inset-bottom))}',
    '.pd-input{display:block;flex:1;min-width:0;font:inherit;line-height:1.4;padding:8px;border:1px solid #5c6470;',
    'border-radius:8px;resize:none;height:2.6em;min-height:44px;background:#fff;color:#1f2329;-webkit-appearance:none}',
    '.pd-input::placeholder{color:#5c6470;opacity:1}',
    '.pd-send{display:block;margin-left:6px;min-width:52px;min-height:44px;padding:0 10px;font:inherit;border:0;border-radius:8px;',
    'background:#1a5fb4;color:#fff;cursor:pointer}',
    '.pd-send[disabled]{background:#4a6a9a}',
    '.pd-page{position:fixed;left:0;top:0;right:0;bottom:0}',
    '.pd-fab{position:fixed;z-index:2147483647;display:block;min-height:48px;padding:10px 18px;border:2px solid #fff;border-radius:28px;',
    'background:#1a5fb4;color:#fff;font-weight:bold;box-shadow:0 4px 12px rgba(0,0,0,.3);cursor:pointer}',
    '.pd-panel{position:fixed;z-index:2147483647;left:0;top:0;right:0;bottom:0;box-shadow:0 8px 24px rgba(0,0,0,.3)}',
    '@media (min-width:600px){.pd-panel{width:420px;height:640px;max-height:90%;border-radius:12px;overflow:hidden}}',
    '@media (max-width:359px){.pd-title{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}',
    '.pd-head{justify-content:flex-end}.pd-list{padding:6px}.pd-msg{max-width:100%;padding:8px}.pd-cite-body,.pd-box{padding:4px}}',
    ':focus{outline:3px solid #f5a623;outline-offset:1px}'
  ].join('');

  // The reset for the prefixed mode: what a host stylesheet may set on any element.
  var RESET = '*{margin:0;padding:0;border:0;font-style:normal;font-weight:normal;letter-spacing:normal;word-spacing:normal;' +
    'text-transform:none;text-decoration:none;text-indent:0;text-shadow:none;box-shadow:none;float:none;width:auto;height:auto;' +
    'min-width:0;min-height:0;max-width:none;max-height:none;opacity:1;visibility:inherit;position:static;transform:none;' +
    'color:inherit;background:transparent;line-height:inherit;font-family:inherit;font-size:inherit;vertical-align:baseline;' +
    'white-space:normal;list-style:none;quotes:none;outline:0;filter:none;clip:auto;overflow:visible}';

  // Each rule's selectors get ``prefix`` and each declaration !important, so host rules,
  // !important ones included, lose to ours (two ids outweigh any normal host selector).
  function scoped(css, prefix) {
    var out = '';
    var i = 0;
    while (i < css.length) {
      var open = css.indexOf('{', i);
      if (open < 0) { break; }
      var head = trim(css.substring(i, open));
      if (head.charAt(0) === '@') {
        var depth = 1;
        var j = open + 1;
        while (j < css.length && depth > 0) {
          if (css.charAt(j) === '{') { depth++; } else if (css.charAt(j) === '}') { depth--; }
          j++;
        }
        out += head + '{' + scoped(css.substring(open + 1, j - 1), prefix) + '}';
        i = j;
        continue;
      }
      var close = css.indexOf('}', open);
      var sels = head.split(',');
      for (var s = 0; s < sels.length; s++) {
        sels[s] = prefix + ' ' + trim(sels[s]);
      }
      var decls = css.substring(open + 1, close).split(';');
      var body = [];
      for (var d = 0; d < decls.length; d++) {
        if (trim(decls[d])) { body.push(trim(decls[d]) + ' !important'); }
      }
      out += sels.join(',') + '{' + body.join(';') + '}';
      i = close + 1;
    }
    return out;
  }

  function styleNode(text) {
    var style = document.createElement('style');
    style.setAttribute('data-policydesk', '');
    style.appendChild(document.createTextNode(text));
    return style;
  }

  // -- the chat --------------------------------------------------------------------------------
  function Chat(container, onClose) {
    var self = this;
    this.busy = false;
    this.root = el('div', 'pd-root pd-chat');
    this.root.setAttribute('role', 'region');
    this.root.setAttribute('aria-label', TEXT.title);
    this.root.setAttribute('lang', 'zh-CN');

    var head = el('div', 'pd-head');
    head.appendChild(el('h2', 'pd-title', TEXT.title));
    this.big = button('pd-hbtn pd-big-btn', TEXT.bigText, TEXT.bigTextLabel);
    this.big.onclick = function () { self.setBig(self.big.getAttribute('aria-pressed') !== 'true', true); };
    head.appendChild(this.big);
    var fresh = button('pd-hbtn pd-new', TEXT.newChat, TEXT.newChatLabel);
    fresh.onclick = function () { self.reset(); };
    head.appendChild(fresh);
    if (onClose) {
      var close = button('pd-hbtn pd-close', TEXT.close);
      close.onclick = onClose;
      head.appendChild(close);
    }
    this.root.appendChild(head);

    this.list = el('div', 'pd-list');
    this.list.setAttribute('role', 'log');
    this.list.setAttribute('aria-live', 'polite');
    this.list.setAttribute('tabindex', '0');
    this.list.setAttribute('aria-label', TEXT.title);
    this.list.onclick = function (e) { self.onListClick(e || window.event); };
    this.root.appendChild(this.list);

    var bar = el('div', 'pd-bar');
    this.input = el('textarea', 'pd-input');
    this.input.setAttribute('placeholder', TEXT.placeholder);
    this.input.setAttribute('maxlength', String(MAX_CHARS));
    this.input.setAttribute('aria-label', TEXT.placeholder);
    this.input.setAttribute('rows', '1');
    this.send = button('pd-send', TEXT.send);
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
    this.setBig(storageGet(SIZE_KEY) === 'big', false);
    this.fit();
    if (window.addEventListener) { window.addEventListener('resize', function () { self.fit(); }, false); }
    this.welcome();
  }

  // A narrow screen (a phone at 200 % zoom) gets the short placeholder, so it is not clipped.
  Chat.prototype.fit = function () {
    var w = this.input.clientWidth;
    var size = parseFloat((window.getComputedStyle ? window.getComputedStyle(this.input) : {}).fontSize) || 18;
    this.input.setAttribute('placeholder', w && w < size * (TEXT.placeholder.length + 1) ? TEXT.placeholderShort : TEXT.placeholder);
  };

  Chat.prototype.setBig = function (big, remember) {
    this.big.setAttribute('aria-pressed', big ? 'true' : 'false');
    this.root.className = 'pd-root pd-chat' + (big ? ' pd-big' : '');
    if (remember) { storageSet(SIZE_KEY, big ? 'big' : 'normal'); }
    this.fit();
  };

  Chat.prototype.welcome = function () {
    var box = this.addBot(TEXT.welcome);
    box.setAttribute('data-state', 'welcome');
    box.appendChild(telText(el('p', 'pd-notice'), TEXT.notice));
    var self = this;
    request('GET', '/api/suggestions', null, TIMEOUT_MS, function (err, status, data) {
      if (!err && status === 200 && data && data.questions && data.questions.length) {
        box.appendChild(self.chips(TEXT.starters, data.questions));
      }
    });
  };

  Chat.prototype.reset = function () {
    if (this.busy) { return; }
    this.list.innerHTML = '';
    sessionId(true);
    this.welcome();
    this.input.value = '';
    try { this.input.focus(); } catch (e) { /* focus may be refused */ }
  };

  Chat.prototype.scroll = function () { this.list.scrollTop = this.list.scrollHeight; };

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
    this.send.firstChild.nodeValue = busy ? TEXT.sending : TEXT.send;
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
    if (this.busy) { return; }
    this.add(el('div', 'pd-msg pd-user', question));
    this.request(question, 1);
  };

  Chat.prototype.request = function (question, attemptsLeft) {
    var self = this;
    var pending = this.add(el('div', 'pd-msg pd-bot pd-pending', TEXT.pending));
    pending.setAttribute('data-state', 'pending');
    this.setBusy(true);
    var slowTimer = setTimeout(function () { pending.firstChild.nodeValue = TEXT.slow; }, SLOW_MS);
    var payload = { question: question, session_id: sessionId(), channel: channel };
    request('POST', '/api/ask', payload, TIMEOUT_MS, function (err, status, data) {
      clearTimeout(slowTimer);
      if (pending.parentNode) { pending.parentNode.removeChild(pending); }
      self.setBusy(false);
      if (err === 'network' && attemptsLeft > 0) {
        // One quiet retry for a dropped mobile connection.
        setTimeout(function () { self.request(question, attemptsLeft - 1); }, 1500);
        return;
      }
      if (err) {
        self.showError(err === 'timeout' ? TEXT.timeout : TEXT.unreachable, question);
      } else if (status === 200 && data && typeof data.answer === 'string') {
        self.showAnswer(data);
      } else if (data && data.error && status < 500 && status !== 429) {
        self.showError(data.error, null);
      } else {
        self.showError(data && data.error && status === 429 ? data.error : TEXT.serverError, question);
      }
    });
  };

  Chat.prototype.showError = function (message, retryQuestion) {
    var self = this;
    var box = telText(el('div', 'pd-msg pd-error'), message);
    box.setAttribute('data-state', 'error');
    box.setAttribute('role', 'alert');
    if (retryQuestion) {
      var retry = button('pd-btn pd-retry', TEXT.retry);
      retry.onclick = function () {
        if (self.busy) { return; }
        self.list.removeChild(box);
        self.request(retryQuestion, 1);
      };
      var acts = el('div', 'pd-acts');
      acts.appendChild(retry);
      box.appendChild(acts);
    }
    this.add(box);
  };

  Chat.prototype.chips = function (title, questions) {
    var self = this;
    var wrap = el('div', 'pd-chips');
    wrap.appendChild(el('p', 'pd-chips-h', title));
    for (var i = 0; i < questions.length; i++) {
      (function (text) {
        var chip = button('pd-chip', text);
        chip.onclick = function () { self.ask(text); };
        wrap.appendChild(chip);
      })(String(questions[i]));
    }
    return wrap;
  };

  function html(className, markup) {
    var node = el('div', className);
    node.innerHTML = markup;  // rendered and escaped by the server's renderer
    return node;
  }

  Chat.prototype.showAnswer = function (data) {
    var view = data.view || {};
    var box = el('div', 'pd-msg pd-bot pd-answer');
    box.setAttribute('data-state', 'answer');
    if (data.status) { box.setAttribute('data-status', data.status); }
    if (view.body_html) {
      box.appendChild(html('pd-body', view.body_html));
    } else {
      box.appendChild(el('p', 'pd-p', data.answer));
    }
    if (view.citations_html) { box.appendChild(html('pd-cites-wrap', view.citations_html)); }
    if (view.contacts_html) { box.appendChild(html('pd-contacts-wrap', view.contacts_html)); }
    var links = box.getElementsByTagName('a');
    for (var i = 0; i < links.length; i++) {
      var href = links[i].getAttribute('href') || '';
      if (href.charAt(0) === '/') { links[i].setAttribute('href', api + href); }
    }
    var suggestions = view.suggestions || data.suggestions || [];
    if (suggestions.length) { box.appendChild(this.chips(TEXT.followUp, suggestions)); }
    box.appendChild(this.actions(data, view));
    this.add(box);
    // A long answer is read from its first line, not from its end.
    if (box.offsetHeight > this.list.clientHeight) { this.list.scrollTop = box.offsetTop - 8; }
  };

  // A marker [n] opens its citation and brings it into view.
  Chat.prototype.onListClick = function (e) {
    var target = e.target || e.srcElement;
    var mark = closest(target, 'pd-mk', this.list);
    if (!mark) { return; }
    if (e.preventDefault) { e.preventDefault(); }
    var answer = closest(mark, 'pd-answer', this.list);
    var items = answer ? answer.getElementsByTagName('li') : [];
    for (var i = 0; i < items.length; i++) {
      if (items[i].getAttribute('data-n') === mark.getAttribute('data-n')) {
        var details = items[i].getElementsByTagName('details')[0];
        if (details) { details.open = true; }
        var summary = items[i].getElementsByTagName('summary')[0] || items[i];
        if (items[i].scrollIntoView) { items[i].scrollIntoView(false); }
        try { summary.focus(); } catch (err) { /* focus may be refused */ }
        return;
      }
    }
  };

  Chat.prototype.actions = function (data, view) {
    var self = this;
    var box = el('div', 'pd-acts');
    var status = el('p', 'pd-status');
    status.setAttribute('role', 'status');
    var copy = button('pd-btn pd-copy', TEXT.copy);
    copy.onclick = function () {
      copyText(view.copy_text || data.answer, function (ok) {
        status.innerHTML = '';
        status.appendChild(document.createTextNode(ok ? TEXT.copied : TEXT.copyFailed));
      });
    };
    box.appendChild(copy);
    if (data.id) {
      var up = button('pd-btn pd-up', TEXT.helpful);
      var down = button('pd-btn pd-down', TEXT.notHelpful);
      up.onclick = function () {
        self.rate(data.id, 1, null);
        box.removeChild(up);
        box.removeChild(down);
        status.innerHTML = '';
        status.appendChild(document.createTextNode(TEXT.thanks));
      };
      down.onclick = function () {
        self.rate(data.id, -1, null);
        box.removeChild(up);
        box.removeChild(down);
        box.appendChild(self.sorryBox(data.id));
      };
      box.appendChild(up);
      box.appendChild(down);
    }
    box.appendChild(status);
    return box;
  };

  Chat.prototype.rate = function (answerId, rating, comment) {
    var payload = { answer_id: answerId, rating: rating, session_id: sessionId() };
    if (comment) { payload.comment = comment; }
    request('POST', '/api/feedback', payload, TIMEOUT_MS, function () { /* best effort */ });
  };

  // 没用: a short comment box, and the way to a person (the hotline and its hours).
  Chat.prototype.sorryBox = function (answerId) {
    var self = this;
    var box = el('div', 'pd-box pd-sorry');
    var id = 'pd-c-' + answerId.substring(0, 10);
    var label = el('label', 'pd-label', TEXT.sorry);
    label.setAttribute('for', id);
    var area = el('textarea', 'pd-comment');
    area.id = id;
    area.setAttribute('maxlength', '500');
    var submit = button('pd-btn pd-submit', TEXT.submit);
    submit.onclick = function () {
      var comment = trim(area.value);
      if (!comment) { area.focus(); return; }
      self.rate(answerId, -1, comment);
      box.removeChild(label);
      box.removeChild(area);
      box.removeChild(submit);
      var done = el('p', 'pd-status', TEXT.commentThanks);
      done.setAttribute('role', 'status');
      box.insertBefore(done, box.firstChild);
    };
    box.appendChild(label);
    box.appendChild(area);
    box.appendChild(submit);
    var call = el('a', 'pd-call pd-human', TEXT.human);
    call.href = 'tel:' + HOTLINE;
    box.appendChild(call);
    box.appendChild(el('span', 'pd-hours', TEXT.hours));
    setTimeout(function () { try { area.focus(); } catch (e) { /* ignore */ } }, 0);
    return box;
  };

  function copyText(text, done) {
    function fallback() {
      var area = el('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.style.position = 'fixed';
      area.style.top = '-1000px';
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      document.body.removeChild(area);
      done(ok);
    }
    if (window.navigator.clipboard && window.navigator.clipboard.writeText) {
      window.navigator.clipboard.writeText(text).then(function () { done(true); }, fallback);
    } else {
      fallback();
    }
  }

  // -- mounting --------------------------------------------------------------------------------
  function mountPage() {
    document.getElementsByTagName('head')[0].appendChild(styleNode(CSS));
    var host = document.getElementById('policydesk') || document.body;
    host.className = (host.className ? host.className + ' ' : '') + 'pd-page';
    window.policydesk = new Chat(host, null);
  }

  // The widget's own box on the host page: inline !important beats any host rule.
  function hostElement() {
    var host = document.createElement('div');
    host.id = HOST_ID;
    var keep = { display: 'block', position: 'static', transform: 'none', filter: 'none', margin: '0', padding: '0',
      border: '0', width: 'auto', height: 'auto', opacity: '1', visibility: 'visible', overflow: 'visible',
      'z-index': 'auto', contain: 'none', float: 'none' };
    for (var k in keep) {
      if (keep.hasOwnProperty(k)) { host.style.setProperty(k, keep[k], 'important'); }
    }
    return host;
  }

  function mountFloating() {
    var host = hostElement();
    document.body.appendChild(host);
    var root = host;
    var shadow = isolation !== 'prefixed' && host.attachShadow;
    if (shadow) {
      try {
        root = host.attachShadow({ mode: 'open' });
        root.appendChild(styleNode(':host{all:initial}' + CSS.replace(/\.pd-root\{/, '.pd-root{all:initial;')));
      } catch (e) { shadow = false; root = host; }
    }
    if (!shadow) {
      var prefix = '#' + HOST_ID + '#' + HOST_ID;
      (document.head || document.documentElement).appendChild(styleNode(scoped(RESET, prefix) + scoped(CSS, prefix)));
    }
    host.setAttribute('data-isolation', shadow ? 'shadow' : 'prefixed');

    var fab = button('pd-root pd-fab', TEXT.open);
    fab.setAttribute('aria-haspopup', 'dialog');
    var panel = el('div', 'pd-panel');
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-label', TEXT.title);
    var corner = [fab];
    if (window.matchMedia && window.matchMedia('(min-width: 600px)').matches) { corner.push(panel); }
    for (var i = 0; i < corner.length; i++) {
      corner[i].style.setProperty(position.h, position.x + 'px', 'important');
      corner[i].style.setProperty(position.v, position.y + 'px', 'important');
      corner[i].style.setProperty(position.h === 'left' ? 'right' : 'left', 'auto', 'important');
      corner[i].style.setProperty(position.v === 'top' ? 'bottom' : 'top', 'auto', 'important');
    }
    show(panel, false);
    var chat = null;
    function close() {
      show(panel, false);
      show(fab, true);
      try { fab.focus(); } catch (e) { /* ignore */ }
    }
    fab.onclick = function () {
      if (!chat) { chat = new Chat(panel, close); }
      show(panel, true);
      show(fab, false);
      chat.fit();
      chat.scroll();
      try { chat.input.focus(); } catch (e) { /* focus may be refused */ }
    };
    panel.onkeydown = function (e) {
      e = e || window.event;
      if (e.keyCode === 27) { close(); }
    };
    root.appendChild(panel);
    root.appendChild(fab);
    window.policydesk = { open: fab.onclick, close: close };
  }

  function start() {
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
