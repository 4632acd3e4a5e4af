import { afterAll } from 'vitest';
import { cleanupAll } from '../support/cleanup.js';

// Every test file removes the temporary directories and processes it made.
afterAll(cleanupAll, 60_000);
