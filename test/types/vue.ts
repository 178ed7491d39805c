/**
 * A compile-only test (tsc, npm run typecheck) of the TypeScript in docs/frameworks.md, "Vue 3":
 * the `template` option of `vue()` in vite.config.ts (typed here as
 * @vitejs/plugin-vue takes it, from `vue/compiler-sfc`; vite and the plugin are not dev
 * dependencies, so the config's imports and `defineConfig` call are left out),
 * `app.config.compilerOptions` for templates compiled in the browser, and the
 * `<script setup lang="ts">` block of CallUs.vue (its bindings exported here, as the template
 * would use them). The package is imported from src/ instead of 'voip-call-button'. Vue does not
 * type-check the element's attributes or listeners in a template, so the last lines check the
 * handler against the element's own event type, as a listener for `voip-ended`; the
 * `@ts-expect-error` line must stay an error.
 */
import { createApp } from 'vue';
import type { SFCTemplateCompileOptions } from 'vue/compiler-sfc';

// vite.config.ts: vue({ template: { ... } })
export const template: Pick<SFCTemplateCompileOptions, 'compilerOptions'> = {
  compilerOptions: {
    // <voip-call-button> is a custom element, not a Vue component.
    isCustomElement: (tag) => tag === 'voip-call-button',
  },
};

// Templates compiled in the browser (Vue's full build): the same option at run time.
const app = createApp({});
app.config.compilerOptions.isCustomElement = (tag) => tag === 'voip-call-button';

// CallUs.vue, <script setup lang="ts">
import '../../src/index.js';
import type { VoipEndedDetail } from '../../src/index.js';

export const number = '+62215550100';
export const context = { page: '/pricing', lang: 'en' };

export function onEnded(event: CustomEvent<VoipEndedDetail>) {
  console.log(event.detail.reason, event.detail.durationMs);
}

// What `@voip-ended="onEnded"` does at run time: a listener for the element's voip-ended event.
const element = document.createElement('voip-call-button');
element.addEventListener('voip-ended', onEnded);
element.context = context;
// @ts-expect-error a handler for another detail is not a voip-ended listener
element.addEventListener('voip-ended', (event: CustomEvent<{ state: string }>) => event);
