/**
 * The pre-call check ("Test my connection"), a chunk of its own: the controller loads it for an
 * element with the `preflight` attribute (which shows the control) or at the first `preflight()`.
 *
 * What a page can rely on:
 * - The check runs four steps in order (run.ts): microphone, speaker, gateway, media path. Each
 *   step's result shows as it comes, in plain words with what to do; the visitor answers the
 *   speaker's question with "Yes" or "No" (unanswered, the step is skipped).
 * - It never places a SIP call. Done, cancelled (its Cancel button, or a call started meanwhile:
 *   a call always wins) or failed, it releases everything it opened.
 * - A finished check fires one `voip-preflight` and stays shown with its verdict until closed or
 *   a call starts; a cancelled one fires nothing and its `preflight()` rejects.
 */
import { html, nothing } from 'lit';
import type { CallModule, Preflight, PartHost } from '../call-contract.js';
import { VoipError } from '../errors.js';
import {
  createVoipEvent,
  type PreflightCheck,
  type PreflightCheckName,
  type VoipPreflightDetail,
} from '../events.js';
import { addBuiltInTranslation, type MessageKey } from '../i18n/index.js';
import { enPreflight } from './en-preflight.js';
import { styles } from './preflight.styles.js';
import { preflightTiming, runPreflight } from './run.js';

const STEPS: readonly PreflightCheckName[] = ['microphone', 'speaker', 'gateway', 'media'];

/** The chunk's entry (see PartModule): the element's check (made once per element). */
export function attach(controller: PartHost): Preflight {
  addBuiltInTranslation('en', enPreflight);
  return new PreflightPart(controller);
}

class PreflightPart implements Preflight {
  /** The run under way, and how to stop it. */
  private pending: Promise<VoipPreflightDetail> | undefined;
  private abort: AbortController | undefined;
  /** Shown: a run under way, or the last result until closed. */
  private shown = false;
  private checks: readonly PreflightCheck[] = [];
  private current: PreflightCheckName | undefined;
  private result: VoipPreflightDetail | undefined;
  private level = 0;
  /** The speaker question's answer, while it is asked. */
  private answer: ((heard: boolean | undefined) => void) | undefined;

  constructor(private readonly controller: PartHost) {
    const root = controller.host.shadowRoot;
    if (root && styles.styleSheet) {
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, styles.styleSheet];
    }
    // Removed from the page (not moved: checked after the task), it stops and releases all.
    controller.host.addController({
      hostDisconnected: () =>
        void Promise.resolve().then(() => controller.host.isConnected || this.cancel()),
    });
    // A call always wins: starting one cancels the check, and hides its result.
    controller.host.addEventListener('voip-state-change', (event) => {
      if (event.detail.state === 'idle') return;
      this.abort?.abort();
      this.close();
    });
  }

  run(): Promise<VoipPreflightDetail> {
    if (this.pending) return this.pending;
    if (this.controller.state !== 'idle') {
      return Promise.reject(new VoipError('failed', 'a call is under way'));
    }
    const abort = (this.abort = new AbortController());
    this.shown = true;
    this.checks = [];
    this.result = undefined;
    this.update(true);
    const run = this.check(abort.signal)
      .then((result) => {
        // Cancelled as its last step ended: it stays cancelled (no event, no result shown).
        if (abort.signal.aborted) throw new VoipError('failed', 'cancelled');
        this.result = result;
        this.controller.host.dispatchEvent(createVoipEvent('voip-preflight', result));
        this.update(true);
        return result;
      })
      .catch((error: unknown) => {
        // Refused before it started (bad settings, the call code did not load): nothing shown.
        if (!this.checks.length) this.close();
        throw error;
      })
      .finally(() => {
        this.pending = this.abort = this.current = undefined;
        this.update();
      });
    this.pending = run;
    return run;
  }

  /**
   * The check itself, with the call code's tools (its chunk: the check needs the gateway
   * adapter, the token and the quality model of a call, which the call after it uses anyway).
   */
  private async check(signal: AbortSignal): Promise<VoipPreflightDetail> {
    let tools;
    try {
      tools = ((await import('../call/index.js')) as CallModule).preflightTools;
    } catch (error) {
      throw new VoipError('load-failed', String(error));
    }
    if (signal.aborted) throw new VoipError('failed', 'cancelled');
    const config = this.controller.options.getConfig();
    const servers = tools.parseServers(config.server);
    if (!servers) {
      this.controller.fail('invalid-config', 'bad "server"', false, 'server');
      throw new VoipError('invalid-config', 'bad "server"');
    }
    const { tokenUrl } = config;
    const speaker = tools.speaker();
    return runPreflight({
      connector: config.connector ?? tools.connector,
      quality: tools,
      servers,
      ...(tokenUrl ? { token: (aborted) => tools.token(tokenUrl, aborted) } : {}),
      iceServers: config.iceServers,
      audio: tools.microphone(config.audioConstraints),
      ...(speaker ? { speaker } : {}),
      ask: (aborted) => this.ask(aborted),
      progress: (checks, running) => {
        this.checks = [...checks];
        this.current = running;
        this.level = 0;
        this.update();
      },
      level: (level) => {
        this.level = level;
        this.update();
      },
      signal,
    });
  }

  /** Asks whether the tone was heard: the answer, or `undefined` when none came in time. */
  private ask(signal: AbortSignal): Promise<boolean | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle(undefined), preflightTiming.answerMs);
      const settle = (heard: boolean | undefined) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', cancelled);
        this.answer = undefined;
        this.update();
        resolve(heard);
      };
      const cancelled = () => settle(undefined);
      signal.addEventListener('abort', cancelled, { once: true });
      this.answer = settle;
      this.update(true);
    });
  }

  private close(): void {
    this.shown = false;
    this.result = undefined;
    this.update();
  }

  private readonly start = () => void this.run().catch(() => undefined);
  private readonly cancel = () => {
    this.abort?.abort();
    this.close();
  };

  /** Renders again; `focus`: then moves the focus to the control the visitor needs next. */
  private update(focus = false): void {
    const host = this.controller.host;
    host.requestUpdate();
    if (!focus) return;
    void host.updateComplete.then(() =>
      host.shadowRoot
        ?.querySelector<HTMLElement>(
          "[part~='preflight-yes'],[part~='preflight-close'],[part~='preflight-cancel']",
        )
        ?.focus(),
    );
  }

  private t(key: MessageKey): string {
    return this.controller.options.localize(key);
  }

  private status(name: PreflightCheckName): string {
    const check = this.checks.find((c) => c.name === name);
    if (check) return this.t(`preflight.${name}.${check.detail}` as MessageKey);
    return this.t(name === this.current ? 'preflight.running' : 'preflight.pending');
  }

  render() {
    const config = this.controller.options.getConfig();
    if (this.controller.state !== 'idle') return nothing;
    if (!this.shown) {
      return config.attribute('preflight') === null
        ? nothing
        : html`<button part="preflight-start" type="button" @click=${this.start}>
            ${this.t('preflight.start')}
          </button>`;
    }
    const running = !!this.pending;
    const verdict = this.result && this.t(`preflight.verdict.${this.result.verdict}`);
    return html`<section part="preflight" aria-label=${this.t('preflight.title')}>
      <ol part="preflight-steps" aria-live="polite">
        ${STEPS.map((name) => {
          const check = this.checks.find((c) => c.name === name);
          return html`<li
            part="preflight-step"
            data-step=${name}
            data-status=${check?.status ?? (name === this.current ? 'running' : 'pending')}
          >
            <strong>${this.t(`preflight.step.${name}`)}:</strong> ${this.status(name)}
            ${check?.device ? html`<span part="preflight-device">(${check.device})</span>` : nothing}
          </li>`;
        })}
      </ol>
      ${
        this.current === 'microphone'
          ? html`<p part="preflight-hint">${this.t('preflight.speak')}</p>
              <meter
                part="level"
                min="0"
                max="1"
                .value=${this.level}
                aria-label=${this.t('preflight.level')}
              ></meter>`
          : nothing
      }
      ${
        this.answer
          ? html`<p part="preflight-question">${this.t('preflight.question')}</p>
              <div part="preflight-actions">
                <button part="preflight-yes" type="button" @click=${() => this.answer?.(true)}>
                  ${this.t('preflight.yes')}
                </button>
                <button part="preflight-no" type="button" @click=${() => this.answer?.(false)}>
                  ${this.t('preflight.no')}
                </button>
              </div>`
          : nothing
      }
      <p part="preflight-verdict" role="status" data-verdict=${this.result?.verdict ?? nothing}>
        ${verdict ?? ''}
      </p>
      <div part="preflight-actions">
        ${
          running
            ? html`<button part="preflight-cancel" type="button" @click=${this.cancel}>
                ${this.t('preflight.cancel')}
              </button>`
            : html`<button part="preflight-again" type="button" @click=${this.start}>
                  ${this.t('preflight.again')}
                </button>
                <button part="preflight-close" type="button" @click=${this.cancel}>
                  ${this.t('preflight.close')}
                </button>`
        }
      </div>
    </section>`;
  }
}
