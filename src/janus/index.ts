/**
 * The only module that imports janus-gateway (and webrtc-adapter): the Janus connector the
 * element uses unless the page gives its own. Everything else in `janus/` takes the library as a
 * parameter, so unit tests can run it over a fake janus.js.
 */
import Janus from 'janus-gateway';
import { detectBrowser } from 'webrtc-adapter/src/js/utils.js';
import { createJanusConnector } from './connector.js';

// janus.js reads only `adapter.browserDetails`: it gets webrtc-adapter's browser detection and
// not its legacy shims (13 KB gzipped, for browsers older than the ones supported; see README).
// Its default export is `undefined` on pages with an AMD `define` (the connector checks).
export const janusConnector = createJanusConnector(Janus, detectBrowser(window));
