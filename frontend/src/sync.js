// Sending the phone's queue to the visit API (contract: POST /api/v1/visits, then /api/v1/visits/photos).
//
// A visit leaves the queue only after the server answered `created` or `existing` for its client_id;
// an `error` keeps it, with the server's codes and messages, for the facilitator to correct. Photos are
// sent one by one after their visit is known to the server, and leave the queue on 201/200. A batch cut
// half-way is simply sent again: the server answers `existing` for what it already has, so nothing is
// written twice and nothing is lost.
import * as store from './db.js';

export const BATCH_SIZE = 50; // the API takes up to 200; small batches finish on a weak signal

export class SessionExpired extends Error {}

async function postJSON(url, body, csrfToken) {
  return fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRFToken': csrfToken },
    body: JSON.stringify(body),
  });
}

async function readError(response) {
  try {
    const body = await response.json();
    const errors = Array.isArray(body.errors) && body.errors.length ? body.errors : [];
    if (errors.length) return errors.map((e) => ({ code: e.code || body.code || 'invalid', field: e.field || '', message: e.message || body.detail || '' }));
    let detail = body.detail;
    if (Array.isArray(detail)) detail = detail.map((d) => d.msg || JSON.stringify(d)).join('; ');
    return [{ code: body.code || `http_${response.status}`, field: '', message: String(detail || response.statusText) }];
  } catch (error) {
    return [{ code: `http_${response.status}`, field: '', message: response.statusText || '' }];
  }
}

function isAuthFailure(response) {
  return response.status === 401 || response.status === 403 || (response.redirected && !response.url.includes('/api/'));
}

// Sends the visits of `owner`, then their photos. -> {sent, errors, photosSent}
export async function syncQueue({ owner, csrfToken, visitsUrl, photosUrl, onProgress }) {
  const result = { sent: 0, errors: 0, photosSent: 0 };
  const visits = (await store.allVisits()).filter((v) => v.owner === owner && v.state !== 'sent' && v.state !== 'error');
  for (let start = 0; start < visits.length; start += BATCH_SIZE) {
    const chunk = visits.slice(start, start + BATCH_SIZE);
    const body = { visits: chunk.map((v) => v.payload) };
    await store.setMeta(`lastBatch:${owner}`, body);
    const response = await postJSON(visitsUrl, body, csrfToken);
    if (isAuthFailure(response)) throw new SessionExpired();
    if (response.status >= 500 || response.status === 408 || response.status === 429) {
      throw new Error(`visits: HTTP ${response.status}`); // the server or the line: try again later
    }
    if (!response.ok) {
      const errors = await readError(response);
      // The whole batch was refused (e.g. a malformed item): keep every visit, say why on each.
      for (const visit of chunk) {
        visit.state = 'error';
        visit.errors = errors;
        await store.putVisit(visit);
        result.errors += 1;
      }
      continue;
    }
    const answer = await response.json();
    const byId = new Map((answer.results || []).map((item) => [String(item.client_id), item]));
    for (const visit of chunk) {
      const item = byId.get(visit.client_id);
      if (!item) continue; // no answer for it: it stays queued and goes with the next sync
      if (item.status === 'created' || item.status === 'existing') {
        visit.state = 'sent';
        visit.server_id = item.id;
        visit.warnings = item.warnings || [];
        visit.errors = [];
        await store.keepSentVisitWhilePhotosWait(visit);
        result.sent += 1;
      } else {
        visit.state = 'error';
        visit.errors = item.errors || [];
        visit.warnings = item.warnings || [];
        await store.putVisit(visit);
        result.errors += 1;
      }
      if (onProgress) onProgress();
    }
  }
  result.photosSent = await syncPhotos({ owner, csrfToken, photosUrl, onProgress });
  await store.dropFinishedVisits(owner);
  return result;
}

async function syncPhotos({ owner, csrfToken, photosUrl, onProgress }) {
  let sent = 0;
  const photos = (await store.allPhotos()).filter((p) => p.owner === owner && p.state !== 'error');
  for (const photo of photos) {
    const visit = await store.getVisit(photo.visit_client_id);
    if (!visit || visit.state !== 'sent') continue; // its visit is not on the server yet
    const form = new FormData();
    form.append('client_id', photo.client_id);
    form.append('visit_client_id', photo.visit_client_id);
    if (photo.taken_at) form.append('taken_at', photo.taken_at);
    if (photo.latitude != null) form.append('latitude', String(photo.latitude));
    if (photo.longitude != null) form.append('longitude', String(photo.longitude));
    if (photo.caption) form.append('caption', photo.caption);
    form.append('file', new Blob([photo.buffer], { type: photo.type }), `${photo.client_id}.jpg`);
    const response = await fetch(photosUrl, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { Accept: 'application/json', 'X-CSRFToken': csrfToken },
      body: form,
    });
    if (isAuthFailure(response)) throw new SessionExpired();
    if (response.status === 200 || response.status === 201) {
      await store.dropSentPhoto(photo);
      sent += 1;
    } else if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
      photo.state = 'error';
      photo.errors = await readError(response);
      await store.putPhoto(photo);
    } else {
      throw new Error(`photo upload: HTTP ${response.status}`); // the server or the line: try later
    }
    if (onProgress) onProgress();
  }
  return sent;
}

// The last batch sent, sent again as it was (a retried sync after a dropped answer); -> the server's answer.
export async function replayLastBatch({ owner, csrfToken, visitsUrl }) {
  const body = await store.getMeta(`lastBatch:${owner}`);
  if (!body) return null;
  const response = await postJSON(visitsUrl, body, csrfToken);
  return { status: response.status, body: await response.json() };
}
