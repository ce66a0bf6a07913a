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
