export { hostRoot as hostWith } from '../../support/host-root.js';

/** Parse errors counted by a collector run (from the scheduler state). */
export function parseErrors(state: { parseErrorsTotal: number }): number {
  return state.parseErrorsTotal;
}
