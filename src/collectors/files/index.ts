import type { CollectorSpec } from '../types.js';
import { fileHashes } from './file-hashes.js';
import { suidFiles } from './suid-files.js';

export const filesCollectors: CollectorSpec[] = [fileHashes, suidFiles];
