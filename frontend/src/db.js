// The phone's queue in IndexedDB (through `idb`): visits, their photos, and a little state.
//
// Photos are kept as ArrayBuffer, never as Blob: iOS Safari's IndexedDB cannot store Blobs
// (enketo-express#430). Every record carries `owner` (the user name that made it) so that two
// accounts sharing a phone never send each other's visits.
import { openDB } from 'idb';
import { DB_NAME } from './shared.js';

let dbPromise = null;

export function db() {
  if (!dbPromise) {
    dbPromise = openDB(DB_NAME, 1, {
      upgrade(database) {
        database.createObjectStore('visits', { keyPath: 'client_id' });
        const photos = database.createObjectStore('photos', { keyPath: 'client_id' });
        photos.createIndex('visit', 'visit_client_id');
        database.createObjectStore('meta', { keyPath: 'key' });
      },
    });
  }
  return dbPromise;
}

export async function allVisits() {
  const list = await (await db()).getAll('visits');
  return list.sort((a, b) => (a.created_at < b.created_at ? -1 : 1));
}

export async function putVisit(visit) {
  return (await db()).put('visits', visit);
}

export async function getVisit(clientId) {
  return (await db()).get('visits', clientId);
}

export async function deleteVisit(clientId) {
  const database = await db();
  const tx = database.transaction(['visits', 'photos'], 'readwrite');
  const keys = await tx.objectStore('photos').index('visit').getAllKeys(clientId);
  await Promise.all([...keys.map((key) => tx.objectStore('photos').delete(key)), tx.objectStore('visits').delete(clientId)]);
  await tx.done;
}

// A visit and its new photos in one transaction: both are on the phone, or neither.
export async function saveVisitWithPhotos(visit, photos) {
  const database = await db();
  const tx = database.transaction(['visits', 'photos'], 'readwrite');
  await Promise.all([tx.objectStore('visits').put(visit), ...photos.map((photo) => tx.objectStore('photos').put(photo))]);
  await tx.done;
}

// A visit the server has: kept (as sent) while photos of it wait on the phone, dropped otherwise. In one
// transaction with the photo store, so that a photo upload finishing at the same moment cannot leave a
// sent visit behind with nothing left to send (it would wait in the queue for ever).
export async function keepSentVisitWhilePhotosWait(visit) {
  const database = await db();
  const tx = database.transaction(['visits', 'photos'], 'readwrite');
  const waiting = await tx.objectStore('photos').index('visit').count(visit.client_id);
  if (waiting) await tx.objectStore('visits').put(visit);
  else await tx.objectStore('visits').delete(visit.client_id);
  await tx.done;
}

// A photo the server has: dropped, and its visit with it when it was the visit's last photo (one transaction).
export async function dropSentPhoto(photo) {
  const database = await db();
  const tx = database.transaction(['visits', 'photos'], 'readwrite');
  await tx.objectStore('photos').delete(photo.client_id);
  const waiting = await tx.objectStore('photos').index('visit').count(photo.visit_client_id);
  const visit = await tx.objectStore('visits').get(photo.visit_client_id);
  if (!waiting && visit && visit.state === 'sent') await tx.objectStore('visits').delete(photo.visit_client_id);
  await tx.done;
}

// Sent visits with no photo left to send (left by an older version of the app): nothing of them is
// still on the phone only, so they leave the queue. -> how many were dropped
export async function dropFinishedVisits(owner) {
  const database = await db();
  const tx = database.transaction(['visits', 'photos'], 'readwrite');
  let dropped = 0;
  for (const visit of await tx.objectStore('visits').getAll()) {
    if (visit.owner !== owner || visit.state !== 'sent') continue;
    if (await tx.objectStore('photos').index('visit').count(visit.client_id)) continue;
    await tx.objectStore('visits').delete(visit.client_id);
    dropped += 1;
  }
  await tx.done;
  return dropped;
}

export async function photosOf(visitClientId) {
  return (await db()).getAllFromIndex('photos', 'visit', visitClientId);
}

export async function allPhotos() {
  return (await db()).getAll('photos');
}

export async function putPhoto(photo) {
  return (await db()).put('photos', photo);
}

export async function deletePhoto(clientId) {
  return (await db()).delete('photos', clientId);
}

export async function getMeta(key) {
  const row = await (await db()).get('meta', key);
  return row ? row.value : undefined;
}

export async function setMeta(key, value) {
  return (await db()).put('meta', { key, value });
}
