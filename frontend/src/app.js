// Sentra's phone app for field facilitators (page /lapangan/): record visits with or without a signal,
// keep them on the phone (IndexedDB) and send them when the signal returns.
import * as store from './db.js';
import { downscale } from './photos.js';
import { SessionExpired, replayLastBatch, syncQueue } from './sync.js';
import { CACHE_NAME } from './shared.js';

const root = document.getElementById('field-app');

function label(name, values = {}) {
  let text = root.dataset[`label${name}`] || '';
  for (const [key, value] of Object.entries(values)) text = text.replace(`%(${key})s`, String(value));
  return text;
}

function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16)); // plain http on a LAN has no randomUUID
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const RETRY_MS = 60_000;
const pad = (n) => String(n).padStart(2, '0');

// "2026-11-16T10:00" in the phone's zone -> "2026-11-16T10:00:00+07:00"
export function isoWithOffset(date) {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function localInputValue(date) {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child != null) node.append(child);
  return node;
}

const state = {
  owner: root ? root.dataset.user : '',
  data: null, // the caseload, kinds and CSRF token (data.json, or the copy kept on the phone)
  position: null,
  newPhotos: [], // photos chosen for the visit being written: {client_id, buffer, ...}
  editing: null, // client_id of a queued visit being corrected
  pendingCount: 0,
  syncing: false,
};

const form = document.getElementById('visit-form');
const $ = (id) => document.getElementById(id);

// --- connection and storage -------------------------------------------------------------------

function showNetwork() {
  const online = navigator.onLine;
  $('field-net').dataset.state = online ? 'online' : 'offline';
  $('field-net-text').textContent = online ? label('Online') : label('Offline');
}

function message(text, kind = 'info') {
  const box = $('field-message');
  box.textContent = text;
  box.className = `alert alert-${kind}`;
  box.hidden = !text;
}

async function askPersistentStorage() {
  if (!navigator.storage || !navigator.storage.persist) return;
  try {
    const persisted = (await navigator.storage.persisted()) || (await navigator.storage.persist());
    $('field-storage').textContent = persisted ? label('StoragePersist') : label('StorageNotPersist');
  } catch (error) {
    /* not offered by this browser */
  }
}

// --- caseload data ----------------------------------------------------------------------------

async function loadData() {
  const url = root.dataset.dataUrl;
  try {
    const response = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    const type = response.headers.get('Content-Type') || '';
    if (response.ok && !response.redirected && type.includes('json')) {
      const data = await response.json();
      if (data.user === state.owner) {
        await store.setMeta(`data:${state.owner}`, data);
        state.data = data;
        return true;
      }
    }
  } catch (error) {
    /* offline: use the copy on the phone */
  }
  const kept = await store.getMeta(`data:${state.owner}`);
  if (kept) state.data = kept;
  return false;
}

function renderCaseload() {
  const box = $('v-caseload');
  box.replaceChildren();
  const data = state.data;
  if (!data) {
    box.append(el('p', { class: 'muted', text: label('NoData') }));
    return;
  }
  const items = [
    ...data.enterprises.map((e) => ({ ...e, type: 'enterprise' })),
    ...data.centres.map((c) => ({ ...c, type: 'centre' })),
  ];
  if (!items.length) box.append(el('p', { class: 'muted', text: label('NoCaseload') }));
  for (const item of items) {
    const id = `v-${item.type}-${item.id}`;
    const prefix = item.type === 'centre' ? 'Sentra · ' : 'IKM · ';
    const input = el('input', { type: 'checkbox', id, name: item.type, value: String(item.id), 'data-name': `${prefix}${item.name}` });
    const text = el('span', {}, `${prefix}${item.name}`, item.village ? el('small', { class: 'muted', text: ` — ${item.village}` }) : null);
    box.append(el('label', { class: 'field-check', for: id }, input, text));
  }
  const select = $('p-enterprise');
  const chosen = select.value;
  select.replaceChildren(el('option', { value: '', text: '—' }), ...data.enterprises.map((e) => el('option', { value: String(e.id), text: e.name })));
  select.value = chosen;
  showCurrentValues();
}

function showCurrentValues() {
  const id = Number($('p-enterprise').value);
  const enterprise = state.data && state.data.enterprises.find((e) => e.id === id);
  for (const small of document.querySelectorAll('[data-current-for]')) {
    const value = enterprise && enterprise.values ? enterprise.values[small.dataset.currentFor] : null;
    small.textContent = value != null && value !== '' ? `(${value})` : '';
  }
}

// --- the form ---------------------------------------------------------------------------------

function resetForm() {
  form.reset();
  state.editing = null;
  state.position = null;
  for (const photo of state.newPhotos) if (photo.preview) URL.revokeObjectURL(photo.preview);
  state.newPhotos = [];
  $('v-client-id').value = '';
  $('v-when').value = localInputValue(new Date());
  $('v-actions').replaceChildren();
  $('v-photo-list').replaceChildren();
  $('v-gps-text').textContent = $('v-gps-text').dataset.initial;
  $('v-gps-clear').hidden = true;
  $('visit-errors').hidden = true;
  $('v-proposal').open = false;
  showCurrentValues();
}

function addAction(description = '', dueOn = '') {
  const item = $('v-action-template').content.firstElementChild.cloneNode(true);
  item.querySelector('[name=action_description]').value = description;
  item.querySelector('[name=action_due_on]').value = dueOn;
  $('v-actions').append(item);
  return item;
}

function takePosition() {
  if (!navigator.geolocation) {
    $('v-gps-text').textContent = label('NoGps');
    return;
  }
  $('v-gps-text').textContent = label('GpsWait');
  navigator.geolocation.getCurrentPosition(
    (position) => {
      const { latitude, longitude, accuracy } = position.coords;
      state.position = { latitude: Number(latitude.toFixed(6)), longitude: Number(longitude.toFixed(6)), accuracy_m: Math.round(accuracy * 10) / 10 };
      $('v-gps-text').textContent = label('GpsOk', { lat: state.position.latitude, lon: state.position.longitude, acc: Math.round(accuracy) });
      $('v-gps-clear').hidden = false;
    },
    () => {
      state.position = null;
      $('v-gps-text').textContent = label('NoGps');
    },
    { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 },
  );
}

async function choosePhotos(files) {
  for (const file of files) {
    try {
      const image = await downscale(file);
      const photo = {
        client_id: uuid(),
        name: file.name,
        taken_at: isoWithOffset(new Date(file.lastModified || Date.now())),
        ...image,
      };
      photo.preview = URL.createObjectURL(new Blob([image.buffer], { type: image.type }));
      state.newPhotos.push(photo);
      const item = el('li', {}, el('img', { src: photo.preview, alt: file.name, width: '96' }), el('span', { class: 'field-small', text: ` ${image.width}×${image.height}, ${Math.round(image.size / 1024)} kB` }));
      $('v-photo-list').append(item);
    } catch (error) {
      message(label('PhotoFailed', { name: file.name }), 'error');
    }
  }
  $('v-photos').value = '';
}

function readForm() {
  const errors = [];
  const when = $('v-when').value;
  const kind = $('v-kind').value;
  if (!when) errors.push(label('RequiredWhen'));
  if (!kind) errors.push(label('RequiredKind'));
  const checked = (name) => [...form.querySelectorAll(`input[name=${name}]:checked`)].map((input) => Number(input.value));
  const actions = [...$('v-actions').children]
    .map((item) => ({ description: item.querySelector('[name=action_description]').value.trim(), due_on: item.querySelector('[name=action_due_on]').value || null }))
    .filter((action) => action.description);
  const proposals = [];
  const enterpriseId = Number($('p-enterprise').value);
  if (enterpriseId) {
    const changes = {};
    for (const input of document.querySelectorAll('[data-proposal-field]')) {
      if (input.value !== '') changes[input.dataset.proposalField] = Number(input.value);
    }
    if (Object.keys(changes).length) {
      const enterprise = state.data.enterprises.find((e) => e.id === enterpriseId);
      proposals.push({ client_id: uuid(), enterprise_id: enterpriseId, changes, base_version: enterprise ? enterprise.version : null });
    }
  }
  const position = state.position || {};
  const payload = {
    client_id: $('v-client-id').value || uuid(),
    visited_at: when ? isoWithOffset(new Date(when)) : null,
    latitude: position.latitude ?? null,
    longitude: position.longitude ?? null,
    accuracy_m: position.accuracy_m ?? null,
    kind,
    findings: $('v-findings').value.trim(),
    problems: $('v-problems').value.trim(),
    advice: $('v-advice').value.trim(),
    centre_ids: checked('centre'),
    enterprise_ids: checked('enterprise'),
    actions,
    proposals,
  };
  return { errors, payload };
}

async function saveVisit(event) {
  event.preventDefault();
  const { errors, payload } = readForm();
  if (errors.length) {
    $('visit-errors').textContent = errors.join(' ');
    $('visit-errors').hidden = false;
    $('visit-errors').scrollIntoView({ block: 'center' });
    return;
  }
  const previous = state.editing ? await store.getVisit(state.editing) : null;
  if (previous && previous.payload.proposals.length && !payload.proposals.length) payload.proposals = previous.payload.proposals;
  const kindOption = $('v-kind').selectedOptions[0];
  const names = [...form.querySelectorAll('input[name=enterprise]:checked, input[name=centre]:checked')].map((input) => input.dataset.name);
  const visit = {
    client_id: payload.client_id,
    owner: state.owner,
    created_at: previous ? previous.created_at : new Date().toISOString(),
    state: 'pending',
    errors: [],
    warnings: [],
    payload,
    summary: { kind: kindOption ? kindOption.textContent : payload.kind, places: names },
  };
  const photos = state.newPhotos.map(({ preview, ...photo }) => ({
    ...photo,
    visit_client_id: visit.client_id,
    owner: state.owner,
    state: 'pending',
    latitude: payload.latitude,
    longitude: payload.longitude,
  }));
  await store.saveVisitWithPhotos(visit, photos);
  resetForm();
  await renderQueue();
  message(label('Saved'), 'success');
  window.scrollTo({ top: 0 });
  if (navigator.onLine) sync();
}

async function editVisit(clientId) {
  const visit = await store.getVisit(clientId);
  if (!visit) return;
  resetForm();
  const p = visit.payload;
  state.editing = clientId;
  $('v-client-id').value = p.client_id;
  if (p.visited_at) $('v-when').value = localInputValue(new Date(p.visited_at));
  $('v-kind').value = p.kind;
  $('v-findings').value = p.findings;
  $('v-problems').value = p.problems;
  $('v-advice').value = p.advice;
  if (p.latitude != null) {
    state.position = { latitude: p.latitude, longitude: p.longitude, accuracy_m: p.accuracy_m };
    $('v-gps-text').textContent = label('GpsOk', { lat: p.latitude, lon: p.longitude, acc: p.accuracy_m ?? '?' });
    $('v-gps-clear').hidden = false;
  }
  for (const id of p.enterprise_ids) { const box = $(`v-enterprise-${id}`); if (box) box.checked = true; }
  for (const id of p.centre_ids) { const box = $(`v-centre-${id}`); if (box) box.checked = true; }
  for (const action of p.actions) addAction(action.description, action.due_on || '');
  if (visit.errors.length) {
    $('visit-errors').textContent = visit.errors.map((e) => `${e.message} [${e.code}${e.field ? `: ${e.field}` : ''}]`).join(' ');
    $('visit-errors').hidden = false;
  }
  form.scrollIntoView();
}

// --- the queue --------------------------------------------------------------------------------

function errorList(errors) {
  return el('ul', { class: 'field-errors' }, ...errors.map((e) => el('li', {}, el('code', { text: e.code }), ` ${e.message}${e.field ? ` (${e.field})` : ''}`)));
}

async function renderQueue() {
  const visits = await store.allVisits();
  const photos = await store.allPhotos();
  const mine = visits.filter((v) => v.owner === state.owner);
  const others = visits.filter((v) => v.owner !== state.owner);
  state.pendingCount = visits.length;
  $('field-pending-count').textContent = `${label('Pending')} (${mine.length})`;
  root.dataset.pending = String(mine.length);
  const warning = $('field-warning');
  warning.hidden = visits.length === 0;
  warning.textContent = label('Warning', { n: visits.length });
  $('field-pending-empty').hidden = visits.length > 0;
  const list = $('field-pending-list');
  list.replaceChildren();
  for (const visit of mine) {
    const visitPhotos = photos.filter((p) => p.visit_client_id === visit.client_id);
    const when = visit.payload.visited_at ? new Date(visit.payload.visited_at).toLocaleString('id-ID', { dateStyle: 'medium', timeStyle: 'short' }) : '';
    const status = visit.state === 'error' ? label('Error') : visit.state === 'sent' ? label('PhotosWaiting') : label('Waiting');
    const item = el('li', { class: `field-item field-item-${visit.state}`, 'data-client-id': visit.client_id },
      el('strong', { text: `${when} · ${visit.summary.kind}` }),
      el('span', { class: 'field-small', text: ` ${visit.summary.places.join(', ')}${visitPhotos.length ? ` · ${visitPhotos.length} ${label('Photos')}` : ''}` }),
      el('span', { class: 'field-badge', text: status }),
    );
    if (visit.errors.length) item.append(errorList(visit.errors));
    for (const photo of visitPhotos) if (photo.errors && photo.errors.length) item.append(errorList(photo.errors));
    const buttons = el('p', { class: 'field-buttons' });
    if (visit.state !== 'sent') buttons.append(el('button', { type: 'button', class: 'btn btn-small', 'data-edit': visit.client_id, text: label('Edit') }));
    buttons.append(el('button', { type: 'button', class: 'btn btn-small btn-ghost', 'data-delete': visit.client_id, text: label('Delete') }));
    item.append(buttons);
    list.append(item);
  }
  if (others.length) {
    const users = [...new Set(others.map((v) => v.owner))].join(', ');
    list.append(el('li', { class: 'field-item muted', text: label('OtherUser', { user: users }) }));
  }
}

async function sync() {
  // Taken before the first await: the online event, the retry timer and the page coming back into view
  // can all call sync() at once, and two syncs interleaving would send the same photo twice.
  if (state.syncing) return;
  state.syncing = true;
  const mine = (await store.allVisits()).filter((v) => v.owner === state.owner && v.state !== 'error');
  if (!mine.length) {
    state.syncing = false;
    return;
  }
  $('field-send').disabled = true;
  message(label('Sending'));
  try {
    await loadData(); // a fresh CSRF token (and caseload) before writing
    if (!state.data) throw new Error('no data');
    renderCaseload();
    const result = await syncQueue({
      owner: state.owner,
      csrfToken: state.data.csrf_token,
      visitsUrl: root.dataset.visitsUrl,
      photosUrl: root.dataset.photosUrl,
      onProgress: renderQueue,
    });
    message(label('Sent', { n: result.sent }), result.errors ? 'warning' : 'success');
  } catch (error) {
    message(error instanceof SessionExpired ? label('Session') : label('SendFailed'), 'error');
  } finally {
    state.syncing = false;
    $('field-send').disabled = false;
    await renderQueue();
  }
}

// --- offline shell ----------------------------------------------------------------------------

// The first visit, before the service worker controls the page: put the shell, its CSS/JS and the
// data into the cache so that a reload without signal shows the app (the service worker keeps them
// fresh afterwards).
async function cacheShell() {
  if (!('caches' in window)) return;
  const urls = new Set([root.dataset.scope, root.dataset.dataUrl, root.dataset.manifestUrl, ...root.dataset.iconUrls.split(' ')]);
  for (const node of document.querySelectorAll('script[src], link[rel=stylesheet][href]')) {
    const url = new URL(node.src || node.href, location.href);
    if (url.origin === location.origin) urls.add(url.pathname + url.search);
  }
  const cache = await caches.open(CACHE_NAME);
  await Promise.all([...urls].map(async (url) => {
    try {
      const response = await fetch(url, { credentials: 'same-origin' });
      if (response.ok && !response.redirected) await cache.put(url, response);
    } catch (error) {
      /* offline: the next visit with a signal fills it */
    }
  }));
}

async function registerWorker() {
  if (!('serviceWorker' in navigator)) return;
  try {
    await navigator.serviceWorker.register(root.dataset.swUrl, { scope: root.dataset.scope });
  } catch (error) {
    /* no service worker (plain http off localhost): the app still works while the page stays open */
  }
}

async function start() {
  $('v-gps-text').dataset.initial = $('v-gps-text').textContent;
  showNetwork();
  resetForm();
  window.addEventListener('online', () => { showNetwork(); sync(); });
  window.addEventListener('offline', showNetwork);
  // A weak signal often comes back without an `online` event: try again while the app is open and
  // whenever it comes back to the front.
  setInterval(() => { if (navigator.onLine) sync(); }, RETRY_MS);
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible' && navigator.onLine) sync(); });
  window.addEventListener('beforeunload', (event) => {
    if (state.pendingCount > 0) {
      event.preventDefault();
      event.returnValue = label('Leave'); // browsers show their own words; the prompt is what matters
      return event.returnValue;
    }
    return undefined;
  });
  form.addEventListener('submit', saveVisit);
  $('v-reset').addEventListener('click', resetForm);
  $('v-gps').addEventListener('click', takePosition);
  $('v-gps-clear').addEventListener('click', () => { state.position = null; $('v-gps-text').textContent = $('v-gps-text').dataset.initial; $('v-gps-clear').hidden = true; });
  $('v-action-add').addEventListener('click', () => addAction().querySelector('input').focus());
  $('v-actions').addEventListener('click', (event) => { if (event.target.matches('[data-remove-action]')) event.target.closest('li').remove(); });
  $('v-photos').addEventListener('change', (event) => choosePhotos([...event.target.files]));
  $('p-enterprise').addEventListener('change', showCurrentValues);
  $('field-send').addEventListener('click', async () => {
    const before = (await store.allVisits()).filter((v) => v.owner === state.owner && v.state !== 'error').length;
    if (!before) message(label('Nothing'));
    else sync();
  });
  $('field-pending-list').addEventListener('click', async (event) => {
    const edit = event.target.closest('[data-edit]');
    const remove = event.target.closest('[data-delete]');
    if (edit) editVisit(edit.dataset.edit);
    if (remove && window.confirm(label('DeleteConfirm'))) {
      await store.deleteVisit(remove.dataset.delete);
      await renderQueue();
    }
  });
  await renderQueue();
  const fresh = await loadData();
  renderCaseload();
  if (!fresh && state.data) $('field-storage').textContent = `${label('Cached')} ${new Date(state.data.generated_at).toLocaleString('id-ID')}`;
  askPersistentStorage();
  // Whether a service worker served this page, read before registering: with skipWaiting and
  // clientsClaim a new worker can take control while `register` resolves, and this first page (which
  // it did not serve) would then never be cached; a reload without signal would fail.
  const served = Boolean(navigator.serviceWorker && navigator.serviceWorker.controller);
  await registerWorker();
  if (navigator.onLine && !served) await cacheShell();
  if (served || (await shellCached())) {
    root.dataset.offlineReady = '1';
    $('field-offline').hidden = false;
  }
  if (navigator.onLine) sync();
}

// Whether the app shell is in the cache, so that a reload without signal shows the app.
async function shellCached() {
  if (!('caches' in window)) return false;
  const cache = await caches.open(CACHE_NAME);
  return Boolean(await cache.match(root.dataset.scope, { ignoreVary: true, ignoreSearch: true }));
}

// For people and tests: the queue and a replay of the last batch sent (the server must answer `existing`).
window.sentraField = {
  sync,
  pending: async () => (await store.allVisits()).filter((v) => v.owner === state.owner),
  replayLastBatch: async () => {
    await loadData();
    return replayLastBatch({ owner: state.owner, csrfToken: state.data.csrf_token, visitsUrl: root.dataset.visitsUrl });
  },
};

if (root) start();
