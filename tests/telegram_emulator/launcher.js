#!/usr/bin/env node
'use strict';
// Runs the telegram-test-api 4.2.1 emulator and bridges the gaps between it and
// python-telegram-bot 22 (README.md lists them). node_modules stays untouched: an outer
// express app answers or pre/post-processes the Bot API calls that need it and hands the rest to
// the package's own app; the emulator instance gets one method, addUserUpdate, replaced, because
// that is where every user update is queued or sent to the webhook.
//
// Usage: node launcher.js [--host 127.0.0.1] [--port 0] [--bot-username NAME] [--bot-name NAME]
//                         [--exit-on-stdin-close]
// Prints one JSON line {"port": N} on stdout once listening; everything else goes to stderr.

const http = require('http');
const path = require('path');

const PACKAGE_DIR = path.join(__dirname, 'node_modules', 'telegram-test-api');
const TelegramServer = require(PACKAGE_DIR);
// The package's own express, so both apps share one version.
const express = require(require.resolve('express', { paths: [PACKAGE_DIR] }));

const MAX_TEXT_LENGTH = 4096;
const MAX_UPDATES = 100;
const DEFAULT_EXCLUDED_UPDATES = ['chat_member', 'message_reaction', 'message_reaction_count'];
const NOT_MODIFIED = 'Bad Request: message is not modified: specified new message content and '
  + 'reply markup are exactly the same as a current content and reply markup of the message';
// Bot API methods the package answers itself (possibly after fixes below); others get a fallback.
const PACKAGE_METHODS = new Set(['sendMessage', 'editMessageText', 'editMessageReplyMarkup',
  'deleteMessage', 'setWebhook', 'deleteWebhook']);

function parseArgs(argv) {
  const options = {
    host: '127.0.0.1', port: 0, botUsername: 'MoveMatesTestBot', botName: 'Move Mates',
    exitOnStdinClose: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--host') options.host = argv[++i];
    else if (arg === '--port') options.port = Number(argv[++i]);
    else if (arg === '--bot-username') options.botUsername = argv[++i];
    else if (arg === '--bot-name') options.botName = argv[++i];
    else if (arg === '--exit-on-stdin-close') options.exitOnStdinClose = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  return options;
}

const options = parseArgs(process.argv.slice(2));
const log = (...args) => console.error('[telegram-emulator]', ...args);
const nowSeconds = () => Math.floor(Date.now() / 1000);
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

// PTB posts form fields whose non-string values are JSON encoded ("123", "[\"message\"]").
function parseJson(value) {
  if (typeof value !== 'string') return value;
  try { return JSON.parse(value); } catch { return value; }
}

function sendOk(res, result) { res.status(200).json({ ok: true, result }); }
function sendError(res, code, description) {
  res.status(code).json({ ok: false, error_code: code, description });
}

// Rewrites whatever the package's handler would send next (wraps res.json once).
function patchResponse(res, transform) {
  const json = res.json.bind(res);
  res.json = (body) => json(transform(body));
}

// The package answers failures with HTTP 200 + ok:false (deleteMessage) or 500 + {message}
// (failed asserts); PTB needs a 4xx status to raise BadRequest instead of KeyError/NetworkError.
function normalizeErrors(res) {
  patchResponse(res, (body) => {
    if (body && body.ok === false) {
      res.status(body.error_code || 400);
      return body;
    }
    if (body && body.ok === undefined && body.message) {
      res.status(400);
      return { ok: false, error_code: 400, description: `Bad Request: ${body.message}` };
    }
    return body;
  });
}

const server = new TelegramServer({ host: options.host, port: options.port });

// Per bot token: pending updates, update_id counter, allowed_updates, known chats, bot commands.
const bots = new Map();
function botState(token) {
  if (!bots.has(token)) {
    bots.set(token, {
      queue: [], nextUpdateId: 1, allowedUpdates: null, chats: new Map(), commands: [],
      waiters: new Set(), answers: new Map(), calls: [], webhookError: null, delivering: false,
    });
  }
  return bots.get(token);
}

function botUser(token) {
  return {
    id: Number(String(token).split(':')[0]) || 1,
    is_bot: true,
    first_name: options.botName,
    username: options.botUsername,
  };
}

function chatFor(token, chatId) {
  const id = Number(chatId);
  return botState(token).chats.get(id) || { id, type: id > 0 ? 'private' : 'group' };
}

function findBotEntry(token, chatId, messageId) {
  return server.storage.botMessages.find((entry) => entry.botToken === token
    && String(entry.message.chat_id) === String(chatId)
    && String(entry.messageId) === String(messageId));
}

const CONTENT_FIELDS = ['text', 'entities', 'caption', 'location', 'venue', 'contact'];

// A stored bot message as the Bot API returns it: date in seconds, a real `from` and `chat`,
// and reply_markup only when it is an inline keyboard (as Telegram does).
function apiMessage(entry) {
  const stored = entry.message;
  const message = {
    message_id: entry.messageId,
    from: botUser(entry.botToken),
    chat: chatFor(entry.botToken, stored.chat_id),
    date: Math.floor(entry.time / 1000),
  };
  for (const field of CONTENT_FIELDS) {
    if (stored[field] !== undefined) message[field] = parseJson(stored[field]);
  }
  if (stored.reply_markup && stored.reply_markup.inline_keyboard) {
    message.reply_markup = stored.reply_markup;
  }
  if (entry.editDate) message.edit_date = entry.editDate;
  return message;
}

// A stored bot message as the harness's user sees it: every keyboard, plus bookkeeping.
function clientMessage(entry) {
  return {
    ...apiMessage(entry),
    reply_markup: entry.message.reply_markup || null,
    parse_mode: entry.message.parse_mode || null,
    method: entry.message.method || 'sendMessage',
    edit_count: entry.editCount || 0,
  };
}

function inlineButtons(markup) {
  return markup && Array.isArray(markup.inline_keyboard) ? markup.inline_keyboard.flat() : [];
}

// Telegram rejects these; the package accepts anything, which would hide real bot bugs.
function validateOutgoing(params, { needsText }) {
  for (const button of inlineButtons(parseJson(params.reply_markup))) {
    const data = button.callback_data;
    const bytes = Buffer.byteLength(String(data ?? ''), 'utf8');
    if (data !== undefined && (bytes < 1 || bytes > 64)) return 'Bad Request: BUTTON_DATA_INVALID';
  }
  if (needsText) {
    const text = String(params.text ?? '');
    if (!text.trim()) return 'Bad Request: message text is empty';
    if (!params.parse_mode && text.length > MAX_TEXT_LENGTH) {
      return 'Bad Request: message is too long';
    }
  }
  return null;
}

// ---- user updates: queue (getUpdates) or webhook ----

function updateType(update) {
  return Object.keys(update).find((key) => key !== 'update_id');
}

function isAllowed(state, update) {
  const allowed = state.allowedUpdates;
  const type = updateType(update);
  return allowed && allowed.length ? allowed.includes(type)
    : !DEFAULT_EXCLUDED_UPDATES.includes(type);
}

function enqueue(token, update) {
  const state = botState(token);
  // Telegram numbers each bot's updates one by one; the package shares one counter with the
  // bot's own messages, so ids jumped.
  const full = { update_id: state.nextUpdateId++, ...update };
  const message = full.message || (full.callback_query && full.callback_query.message);
  if (message && message.chat && message.chat.type === 'private') {
    state.chats.set(Number(message.chat.id), message.chat);
  }
  if (full.callback_query) state.answers.set(String(full.callback_query.id), null); // unanswered
  state.queue.push(full);
  for (const wake of state.waiters) wake();
  deliverWebhook(token);
  return full;
}

// The package's own update shape, minus its bookkeeping, plus what PTB requires.
function formatUserUpdate(entry) {
  const update = TelegramServer.formatUpdate(entry);
  delete update.update_id;
  if (update.message) {
    delete update.message.botToken;
    update.message.date = update.message.date || nowSeconds();
  }
  const query = update.callback_query;
  if (query) {
    // Required by PTB's CallbackQuery; the package drops it even when the client sends one.
    query.chat_instance = entry.callbackQuery.chat_instance
      || `chat-instance-${query.message ? query.message.chat.id : query.from.id}`;
  }
  return update;
}

// Replaces the package's addUserUpdate, which POSTed to the webhook without the secret header,
// awaited it inside the client request (crashing the process on any webhook error), and left
// getUpdates without offsets. The storage entry is still kept for the package's deleteMessage.
let lastUserUpdate = null;
server.addUserUpdate = async function addUserUpdate(entry) {
  if (!entry.botToken) throw new Error('The message must contain `botToken` field.');
  this.storage.userMessages.push(entry);
  this.updateId++;
  lastUserUpdate = enqueue(entry.botToken, formatUserUpdate(entry));
};

async function deliverWebhook(token) {
  const state = botState(token);
  if (state.delivering) return;
  state.delivering = true;
  let backoff = 50;
  try {
    for (;;) {
      const hook = server.webhooks[token];
      state.queue = state.queue.filter((update) => isAllowed(state, update));
      if (!hook || !state.queue.length) return;
      const update = state.queue[0];
      const headers = { 'Content-Type': 'application/json' };
      if (hook.secret_token) headers['X-Telegram-Bot-Api-Secret-Token'] = hook.secret_token;
      try {
        const response = await fetch(hook.url, {
          method: 'POST', headers, body: JSON.stringify(update), signal: AbortSignal.timeout(10000),
        });
        await response.arrayBuffer();
        if (!response.ok) throw new Error(`Wrong response from the webhook: ${response.status}`);
        if (state.queue[0] === update) state.queue.shift();
        backoff = 50;
      } catch (error) {
        // Telegram keeps the update and retries; so do we, with a capped backoff.
        state.webhookError = { date: nowSeconds(), message: String(error.message || error) };
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 1000);
      }
    }
  } finally {
    state.delivering = false;
  }
}

// ---- Bot API (bot side) ----

const overrides = {
  getMe(req, res, next, { token }) {
    sendOk(res, {
      ...botUser(token),
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
    });
  },

  async getUpdates(req, res, next, { token, params }) {
    const state = botState(token);
    if (server.webhooks[token]) {
      sendError(res, 409, "Conflict: can't use getUpdates method while webhook is active; "
        + 'use deleteWebhook to delete the webhook first');
      return;
    }
    const offset = Number(params.offset) || 0;
    if (offset > 0) state.queue = state.queue.filter((update) => update.update_id >= offset);
    else if (offset < 0) state.queue = state.queue.slice(offset);
    if (params.allowed_updates !== undefined) {
      state.allowedUpdates = parseJson(params.allowed_updates);
    }
    const limit = Math.min(Math.max(Number(params.limit) || MAX_UPDATES, 1), MAX_UPDATES);
    const pick = () => {
      state.queue = state.queue.filter((update) => isAllowed(state, update));
      return state.queue.slice(0, limit);
    };
    const timeoutMs = Math.max(Number(params.timeout) || 0, 0) * 1000;
    if (!pick().length && timeoutMs > 0) {
      await new Promise((resolve) => {
        const done = () => { clearTimeout(timer); state.waiters.delete(done); resolve(); };
        const timer = setTimeout(done, timeoutMs);
        state.waiters.add(done);
        res.on('close', done); // PTB cancelled the long poll (e.g. Updater.stop)
      });
    }
    if (!res.writableEnded) sendOk(res, server.webhooks[token] ? [] : pick());
  },

  sendMessage(req, res, next, { token, params }) {
    const problem = validateOutgoing(params, { needsText: true });
    if (problem) { sendError(res, 400, problem); return; }
    patchResponse(res, (body) => {
      if (!body.ok) return body;
      const { chat, message_id: messageId } = body.result;
      return { ok: true, result: apiMessage(findBotEntry(token, chat.id, messageId)) };
    });
    next();
  },

  editMessageText(req, res, next, context) { editMessage(req, res, next, context, 'text'); },
  editMessageReplyMarkup(req, res, next, context) {
    editMessage(req, res, next, context, 'markup');
  },

  answerCallbackQuery(req, res, next, { token, params }) {
    const { answers } = botState(token);
    const id = String(params.callback_query_id);
    if (!answers.has(id) || answers.get(id) !== null) { // unknown, or answered already
      sendError(res, 400, 'Bad Request: query is too old and response timeout expired '
        + 'or query ID is invalid');
      return;
    }
    const showAlert = parseJson(params.show_alert) === true;
    answers.set(id, { text: params.text ?? null, show_alert: showAlert, url: params.url ?? null });
    sendOk(res, true);
  },

  setWebhook(req, res, next, { token, params }) {
    if (!params.url) { overrides.deleteWebhook(req, res, next, { token, params }); return; }
    const state = botState(token);
    if (parseJson(params.drop_pending_updates) === true) state.queue = [];
    if (params.allowed_updates !== undefined) {
      state.allowedUpdates = parseJson(params.allowed_updates);
    }
    state.webhookError = null;
    // The package stores the whole body, secret_token included, but never sends it; and it
    // answers null where Telegram answers true.
    patchResponse(res, (body) => {
      deliverWebhook(token);
      return body.ok === undefined ? body : { ok: true, result: true };
    });
    next();
  },

  deleteWebhook(req, res, next, { token, params }) {
    if (parseJson(params.drop_pending_updates) === true) botState(token).queue = [];
    server.deleteWebhook(token);
    sendOk(res, true);
  },

  getWebhookInfo(req, res, next, { token }) {
    const state = botState(token);
    const hook = server.webhooks[token];
    const info = { url: hook ? hook.url : '', has_custom_certificate: false,
      pending_update_count: state.queue.length };
    if (hook && hook.max_connections) info.max_connections = Number(hook.max_connections);
    if (state.allowedUpdates) info.allowed_updates = state.allowedUpdates;
    if (state.webhookError) {
      info.last_error_date = state.webhookError.date;
      info.last_error_message = state.webhookError.message;
    }
    sendOk(res, info);
  },

  setMyCommands(req, res, next, { token, params }) {
    botState(token).commands = parseJson(params.commands) || [];
    sendOk(res, true);
  },
  deleteMyCommands(req, res, next, { token }) {
    botState(token).commands = [];
    sendOk(res, true);
  },
  getMyCommands(req, res, next, { token }) { sendOk(res, botState(token).commands); },
};

function editMessage(req, res, next, { token, params }, kind) {
  if (params.inline_message_id) { sendOk(res, true); return; }
  const entry = findBotEntry(token, params.chat_id, params.message_id);
  if (!entry) { sendError(res, 400, 'Bad Request: message to edit not found'); return; }
  const problem = validateOutgoing(params, { needsText: kind === 'text' });
  if (problem) { sendError(res, 400, problem); return; }
  const stored = entry.message;
  const markup = parseJson(params.reply_markup);
  const newText = kind === 'text' ? params.text : stored.text;
  if (newText === stored.text
    && JSON.stringify(markup ?? null) === JSON.stringify(stored.reply_markup ?? null)) {
    sendError(res, 400, NOT_MODIFIED);
    return;
  }
  // Telegram drops the inline keyboard when an edit carries none; the package kept the old one.
  delete stored.reply_markup;
  if (kind === 'text') for (const key of ['parse_mode', 'entities']) delete stored[key];
  // The package applies the edit to its storage and answers null; PTB expects the Message.
  patchResponse(res, (body) => {
    if (!body.ok) return body;
    entry.editDate = nowSeconds();
    entry.editCount = (entry.editCount || 0) + 1;
    return { ok: true, result: apiMessage(entry) };
  });
  next();
}

// Other send* methods (sendLocation, sendVenue, sendPhoto by URL/file_id, ...) are stored like
// messages; multipart uploads are not parsed.
function sendOther(req, res, { token, method, params }) {
  if (!params.chat_id) { sendError(res, 400, 'Bad Request: chat_id is empty'); return; }
  const problem = validateOutgoing(params, { needsText: false });
  if (problem) { sendError(res, 400, problem); return; }
  const content = { ...params, method };
  if (params.latitude !== undefined) {
    const location = { latitude: Number(params.latitude), longitude: Number(params.longitude) };
    content.location = location;
    if (method === 'sendVenue') {
      content.venue = { location, title: params.title, address: params.address };
    }
  }
  const { message_id: messageId } = server.addBotMessage(content, token);
  sendOk(res, apiMessage(findBotEntry(token, params.chat_id, messageId)));
}

// The package answers every other method with HTTP 500, which PTB raises as NetworkError.
// Answer true so bots keep running (right for sendChatAction, setMyDescription, ...), and log
// each such method once so a test author notices.
const TRUE_METHODS = new Set(['sendChatAction', 'setMyDescription', 'setMyShortDescription',
  'setMyName', 'setChatMenuButton', 'setMessageReaction', 'pinChatMessage', 'unpinChatMessage',
  'close', 'logOut']);
const loggedMethods = new Set();
function fallback(req, res, context) {
  const { method } = context;
  if (method.startsWith('send') && !TRUE_METHODS.has(method)) {
    sendOther(req, res, context);
    return;
  }
  if (!TRUE_METHODS.has(method) && !loggedMethods.has(method)) {
    loggedMethods.add(method);
    log(`method ${method} is not emulated: answering true`);
  }
  sendOk(res, true);
}

async function botApi(req, res, next) {
  const { token, method } = req.params;
  const params = { ...req.query, ...req.body };
  const { calls } = botState(token);
  calls.push({ method, params, time: Date.now() });
  if (calls.length > 10000) calls.shift(); // long polling runs for as long as a test does
  const context = { token, method, params };
  try {
    if (overrides[method]) {
      if (PACKAGE_METHODS.has(method)) normalizeErrors(res);
      await overrides[method](req, res, next, context);
    } else if (PACKAGE_METHODS.has(method)) {
      normalizeErrors(res);
      // The package answers null, and words "not found" its own way.
      if (method === 'deleteMessage') {
        patchResponse(res, (body) => (body.ok ? { ok: true, result: true }
          : { ...body, description: 'Bad Request: message to delete not found' }));
      }
      next();
    } else {
      fallback(req, res, context);
    }
  } catch (error) {
    next(error);
  }
}

// ---- client side (the emulated user) ----

// Telegram's clients mark a leading /command as a bot_command entity; the package's /sendCommand
// asserts that entities exist and its /sendMessage never adds them.
function addCommandEntity(message) {
  const text = typeof message.text === 'string' ? message.text : '';
  const match = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text);
  if (match && !message.entities) {
    message.entities = [{ type: 'bot_command', offset: 0, length: match[0].length }];
  }
}

function userMessageDefaults(req, res, next) {
  const message = req.body;
  if (!message.botToken || !message.from) { sendError(res, 400, 'need botToken and from'); return; }
  message.date = message.date || nowSeconds();
  if (!message.chat) {
    const { id, first_name: firstName, last_name: lastName, username } = message.from;
    message.chat = { id, type: 'private', first_name: firstName, last_name: lastName, username };
  }
  addCommandEntity(message);
  if (req.path === '/sendCommand' && !message.entities) {
    sendError(res, 400, 'Bad Request: a command must start with /');
    return;
  }
  // The package's client routes answer null; return the update that was queued instead.
  patchResponse(res, (body) => (body.ok ? { ok: true, result: lastUserUpdate } : body));
  next();
}

// The package's client sends its own user message as callback_query.message; Telegram sends
// the bot message that carries the button, so look it up and check the button exists.
function resolveCallbackMessage(req, res, next) {
  const query = req.body;
  if (!query.botToken || !query.from) { sendError(res, 400, 'need botToken and from'); return; }
  const chatId = query.chat_id ?? (query.from && query.from.id);
  if (query.message_id !== undefined) {
    const entry = findBotEntry(query.botToken, chatId, query.message_id);
    if (!entry) {
      sendError(res, 400, `Bad Request: no bot message ${query.message_id} in chat ${chatId}`);
      return;
    }
    const buttons = inlineButtons(entry.message.reply_markup);
    if (!buttons.some((button) => button.callback_data === query.data)) {
      const offered = buttons.map((button) => button.callback_data);
      sendError(res, 400, `Bad Request: message ${query.message_id} has no button with `
        + `callback_data ${JSON.stringify(query.data)} (buttons: ${JSON.stringify(offered)})`);
      return;
    }
    query.message = apiMessage(entry);
    delete query.message_id;
    delete query.chat_id;
  }
  patchResponse(res, (body) => (body.ok ? { ok: true, result: lastUserUpdate } : body));
  next();
}

// ---- harness endpoints (used by emulator.py) ----

const harness = express.Router();
harness.post('/ping', (req, res) => { sendOk(res, true); });
harness.post('/update', (req, res) => {
  const { token, update } = req.body;
  if (!token || !update || typeof update !== 'object') {
    sendError(res, 400, 'need token and update');
    return;
  }
  const content = { ...update };
  delete content.update_id; // assigned here, in sequence with the other updates
  sendOk(res, enqueue(token, content));
});
harness.post('/botMessages', (req, res) => {
  const { token, chat_id: chatId } = req.body;
  const messages = server.storage.botMessages
    .filter((entry) => entry.botToken === token
      && String(entry.message.chat_id) === String(chatId))
    .sort((a, b) => a.messageId - b.messageId)
    .map(clientMessage);
  sendOk(res, messages);
});
harness.post('/callbackAnswer', (req, res) => {
  sendOk(res, botState(req.body.token).answers.get(String(req.body.callback_query_id)) ?? null);
});
harness.post('/calls', (req, res) => { sendOk(res, botState(req.body.token).calls); });

// ---- wiring ----

const app = express();
app.use(express.json({ limit: '10mb' }));
app.use(express.urlencoded({ extended: true, limit: '10mb' }));
app.use('/harness', harness);
app.post(['/sendMessage', '/sendCommand'], userMessageDefaults);
app.post('/sendCallback', resolveCallbackMessage);
app.all('/bot:token/:method', botApi);
app.use(server.webServer);
app.use((error, req, res, _next) => {
  log('error:', error);
  sendError(res, 500, `Internal Server Error: ${error.message || error}`);
});

// The package's client routes do not await addUser*(); log instead of dying on a rejection.
process.on('unhandledRejection', (error) => log('unhandled rejection:', error));

const httpServer = http.createServer(app);
// Longer than httpx's 5 s keep-alive, so Node never closes a connection PTB is about to reuse.
httpServer.keepAliveTimeout = 65000;
httpServer.listen(options.port, options.host, () => {
  process.stdout.write(`${JSON.stringify({ port: httpServer.address().port })}\n`);
});

function shutdown() {
  httpServer.closeAllConnections();
  httpServer.close();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
if (options.exitOnStdinClose) {
  // The parent test process died without stopping us: do not linger as an orphan.
  process.stdin.on('end', shutdown);
  process.stdin.on('error', shutdown);
  process.stdin.resume();
}
