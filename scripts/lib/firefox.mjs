// Debian's Firefox ESR, headless, driven over WebDriver BiDi by puppeteer-core: one place for its
// path and its preferences, as scripts/lib/chromium.mjs is for Chromium.

/** The Firefox binary (Debian's ESR, unless VCB_FIREFOX says otherwise). */
export const FIREFOX_PATH = process.env.VCB_FIREFOX || '/usr/bin/firefox-esr';

/**
 * Preferences. `fakeMedia`: fake microphone and camera, no permission prompt (the counterpart of
 * Chromium's fake-device and fake-UI flags); `autoplay`: remote audio plays without a gesture.
 * Background services off: this machine's network is closed. `media.autoplay.block-webaudio`
 * aside, an AudioContext never starts in headless Firefox (it has no audio output).
 */
export function firefoxPrefs({ fakeMedia = true, autoplay = true } = {}) {
  return {
    'media.navigator.streams.fake': fakeMedia,
    'media.navigator.permission.disabled': fakeMedia,
    'media.autoplay.default': autoplay ? 0 : 1,
    'media.autoplay.blocking_policy': 0,
    'media.autoplay.block-webaudio': !autoplay,
    // ICE in the stack's namespace, where every address is in 127.0.0.0/8: gather loopback
    // candidates, and give Janus plain addresses (it cannot resolve mDNS .local names). Firefox
    // also needs a route for its default address there (stack/with-stack.sh adds it).
    'media.peerconnection.ice.loopback': true,
    'media.peerconnection.ice.obfuscate_host_addresses': false,
    'app.update.enabled': false,
    'browser.safebrowsing.malware.enabled': false,
    'browser.safebrowsing.phishing.enabled': false,
    'datareporting.policy.dataSubmissionEnabled': false,
    'network.captive-portal-service.enabled': false,
    'network.connectivity-service.enabled': false,
    'extensions.update.enabled': false,
    'browser.region.network.url': '',
    'browser.search.update': false,
    'services.settings.server': 'http://127.0.0.1:9/',
  };
}

/** puppeteer-core launch options for Firefox. */
export function firefoxLaunchOptions(options = {}) {
  return {
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    extraPrefsFirefox: firefoxPrefs(options),
  };
}
