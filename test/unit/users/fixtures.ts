/** A scratch host root with the given files (host path → content). */
export { hostRoot as hostWith } from '../../support/host-root.js';
