export { viewerPages, viewerSize, WEB_DIST } from './viewer-pages.js';
