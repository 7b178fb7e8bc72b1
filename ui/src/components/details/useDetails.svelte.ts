// Opening the details panel from a view: remembers what had focus, and gives it back when the panel closes.

import { tick } from 'svelte';

export function detailsHost() {
  let openId = $state<string | null>(null);
  let opener: HTMLElement | null = null;
  return {
    get id() {
      return openId;
    },
    open(id: string, from?: EventTarget | null) {
      opener = from instanceof HTMLElement ? from : null;
      openId = id;
    },
    show(id: string) {
      openId = id;
    },
    async close() {
      openId = null;
      await tick();
      opener?.focus();
    },
  };
}
