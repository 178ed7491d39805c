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
    min-height: 36px;
    min-width: 44px;
    padding: 0.3em 0.8em;
    border: 1px solid var(--voip-panel-border, #c4c7c5);
    border-radius: var(--voip-button-radius, 999px);
    background: var(--voip-panel-background, #fff);
    color: var(--voip-panel-color, #1f1f1f);
    font: inherit;
    font-size: 0.875em;
    cursor: pointer;
  }
  button[aria-pressed='true'],
  button[aria-expanded='true'] {
    background: var(--voip-panel-active-background, #1f1f1f);
    color: var(--voip-panel-active-color, #fff);
  }
  button:focus-visible {
    outline: var(--voip-focus-ring, 3px solid #1a73e8);
    outline-offset: 2px;
  }
  [part='quality-warning'] {
    margin: 0 0 0.4em;
    font-size: 0.875em;
    color: var(--voip-error-color, #b3261e);
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
    max-width: 16em;
    font: inherit;
  }
  [part='level'] {
    width: 100%;
    max-width: 16em;
  }
  [part='keypad'] {
    display: grid;
    grid-template-columns: repeat(3, 3em);
    gap: 0.3em;
    margin-top: 0.4em;
  }
  [part='key'] {
    min-width: 0;
    border-radius: 8px;
    font-variant-numeric: tabular-nums;
  }
`;
