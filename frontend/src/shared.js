// Names shared by the page (app.js) and the service worker (sw.js).
export const CACHE_NAME = 'sentra-lapangan-v1';
export const DB_NAME = 'sentra-lapangan';
export const SHELL_HEADER = 'X-Sentra-Field-Shell';
