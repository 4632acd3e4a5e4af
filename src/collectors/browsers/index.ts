import type { CollectorSpec } from '../types.js';
import { chromiumExtensions } from './chromium-extensions.js';
import { firefoxAddons } from './firefox-addons.js';

export const browsersCollectors: CollectorSpec[] = [chromiumExtensions, firefoxAddons];
