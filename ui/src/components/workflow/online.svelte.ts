// Whether the device is online, from the sync status (the app's own view of the network):
// applications made offline skip the SMS step and are sent on sync.
import { onDestroy } from "svelte";
import { backend } from "../../lib/api";

export class OnlineWatch {
  online = $state(true);

  constructor() {
    const stop = backend().onSyncStatus((s) => (this.online = s.online));
    backend()
      .sync_status()
      .then((s) => (this.online = s.online))
      .catch(() => {
        // Keep the last known state; a failed call proves nothing about the network.
      });
    onDestroy(stop);
  }
}
