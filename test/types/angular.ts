/**
 * A compile-only test (tsc, npm run typecheck) of the TypeScript in docs/frameworks.md,
 * "Angular": the standalone component with its `@Component` decorator (selector, `schemas`,
 * template) and its class. The package is imported from src/ instead of 'voip-call-button'. tsc
 * checks the decorator and the class, not the template: that is Angular's compiler's job
 * (@angular/compiler-cli, not a dev dependency; the template compiled with `strictTemplates`
 * when this was written). With `strictTemplates`, Angular types `$event` in `(voip-ended)` from
 * the element's `addEventListener`, which the last lines reproduce; the `@ts-expect-error` line
 * must stay an error.
 */
import { Component, CUSTOM_ELEMENTS_SCHEMA } from '@angular/core';
import '../../src/index.js';
import type { VoipEndedDetail } from '../../src/index.js';

@Component({
  selector: 'app-call-us',
  // <voip-call-button> is a custom element, not an Angular component.
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `
    <voip-call-button
      server="wss://janus.example.com/ws"
      sip-domain="pbx.example.com"
      [attr.number]="number"
      [context]="context"
      (voip-ended)="onEnded($event)"
      >Call us</voip-call-button
    >
  `,
})
export class CallUsComponent {
  number = '+62215550100';
  context = { page: '/pricing', lang: 'en' };

  onEnded(event: CustomEvent<VoipEndedDetail>): void {
    console.log(event.detail.reason, event.detail.durationMs);
  }
}

// How Angular's strict template check types `(voip-ended)="onEnded($event)"`.
const component = new CallUsComponent();
const element = document.createElement('voip-call-button');
element.addEventListener('voip-ended', ($event) => component.onEnded($event));
element.context = component.context;
// @ts-expect-error $event of voip-error is not a voip-ended event
element.addEventListener('voip-error', ($event) => component.onEnded($event));
