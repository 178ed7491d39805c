/** The in-call panel's styles (see call-panel.ts). */
import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
  }
  [part='panel'] {
    display: flex;
    flex-wrap: wrap;
    gap: 0.4em;
  }
  button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.35em;
    min-height: 36px;
    min-width: 44px;
    padding: 0.3em 0.8em;
    border: 1px solid var(--voip-panel-border, light-dark(#c4c7c5, #747775));
    border-radius: var(--voip-button-radius, 999px);
    background: var(--voip-panel-background, light-dark(#fff, #2d2f31));
    color: var(--voip-panel-color, light-dark(#1f1f1f, #e3e3e3));
    font: inherit;
    font-size: 0.875em;
    cursor: pointer;
  }
  button[aria-pressed='true'],
  button[aria-expanded='true'] {
    background: var(--voip-panel-active-background, light-dark(#1f1f1f, #e3e3e3));
    color: var(--voip-panel-active-color, light-dark(#fff, #1f1f1f));
  }
  [part='panel-icon'] {
    width: 1.15em;
    height: 1.15em;
    flex: none;
    fill: currentColor;
  }
  button:focus-visible {
    outline: var(--voip-focus-ring, 3px solid light-dark(#1a73e8, #8ab4f8));
    outline-offset: 2px;
  }
  [part='quality-warning'] {
    margin: 0 0 0.4em;
    font-size: 0.875em;
    color: var(--voip-error-color, light-dark(#b3261e, #f2b8b5));
  }
  [part='timer'] {
    align-self: center;
    min-width: 3.5em;
    font-variant-numeric: tabular-nums;
  }
  [part='settings'] {
    display: grid;
    gap: 0.3em;
    margin-top: 0.4em;
    font-size: 0.875em;
  }
  [part='settings'] select {
    display: block;
    /* A percentage lets a long device name shrink to a narrow screen. */
    max-width: min(16em, 100%);
    font: inherit;
  }
  [part='level'] {
    width: 100%;
    max-width: 16em;
  }
  [part='keypad'] {
    display: grid;
    /* A phone's keypad reads 1-2-3 from left to right in every language, right-to-left ones too. */
    direction: ltr;
    grid-template-columns: repeat(3, 3em);
    gap: 0.3em;
    /* As wide as its keys, at the start of the line: on the right in a right-to-left page. */
    width: max-content;
    margin-top: 0.4em;
  }
  [part='key'] {
    min-width: 0;
    border-radius: 8px;
    font-variant-numeric: tabular-nums;
  }
  /* The Text view (src/chat/view.ts). */
  [part='unread'] {
    align-self: center;
    min-width: 1.5em;
    border-radius: 999px;
    background: var(--voip-error-color, light-dark(#b3261e, #f2b8b5));
    color: light-dark(#fff, #1f1f1f);
    font-size: 0.75em;
    text-align: center;
  }
  [part='text'] {
    display: grid;
    gap: 0.4em;
    max-width: 24em;
    margin-top: 0.4em;
    font-size: 0.875em;
  }
  /* Reversed, it stays scrolled to the newest message; the list inside keeps its order. */
  [part='messages'] {
    display: flex;
    flex-direction: column-reverse;
    max-height: 16em;
    overflow-y: auto;
  }
  [part='messages'] ol {
    display: grid;
    gap: 0.4em;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  [part~='message'] {
    display: grid;
    max-width: 85%;
    padding: 0.3em 0.6em;
    border: 1px solid var(--voip-panel-border, light-dark(#c4c7c5, #747775));
    border-radius: 8px;
  }
  [part~='message-out'] {
    justify-self: end;
  }
  [part='message-meta'],
  [part='message-status'] {
    font-size: 0.85em;
    color: var(--voip-status-color, light-dark(#444, #c4c7c5));
  }
  [part='message-text'] {
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  [part='retry'] {
    justify-self: start;
  }
  [part='message-error'] {
    margin: 0;
    color: var(--voip-error-color, light-dark(#b3261e, #f2b8b5));
  }
  form {
    display: flex;
    gap: 0.4em;
    align-items: end;
  }
  [part='message-input'] {
    flex: 1;
    /* Its width from the form, not from its columns: it fits a 280 px wide screen. */
    width: 100%;
    min-width: 0;
    font: inherit;
    resize: vertical;
  }
  [part='action-error'] {
    margin: 0;
    font-size: 0.875em;
    color: var(--voip-error-color, light-dark(#b3261e, #f2b8b5));
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  /* Windows high contrast: a pressed or open toggle is drawn inverted, in the system colours. */
  @media (forced-colors: active) {
    button[aria-pressed='true'],
    button[aria-expanded='true'] {
      forced-color-adjust: none;
      background: ButtonText;
      color: ButtonFace;
    }
  }
`;
